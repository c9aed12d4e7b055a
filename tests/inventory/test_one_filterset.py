"""One FilterSet per model (issue 16): every parameter means the same in the HTML list,
the API and, for the premises, the review map's data. For each parameter the test makes
records where it matters, writes down which of them it must return, and asks all three.

The records are made after the demo data: `id_min` (a filter like the others) keeps the
answers to them. They lie far apart, so that the map at its closest zoom shows each one
as itself, not in a group."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from inventory.choices import AssetStatus, Condition, NeedKind, PremisesStatus, UnitLevel
from inventory.models import AdministrativeUnit, AssetClass, Premises, PriorityUse
from tests import factories

pytestmark = pytest.mark.django_db

VIEW = "105.55,18.55,105.85,18.85"  # the map's view: all the premises below, at zoom 20


def _unit(name, level=UnitLevel.COMMUNE, parent=None):
    units = AdministrativeUnit.objects.filter(name=name, level=level)
    return units.get(parent__name=parent) if parent else units.get()


@pytest.fixture
def world():
    thanh_vinh, truong_vinh = _unit("Phường Thành Vinh"), _unit("Phường Trường Vinh")
    le_loi = _unit("Phường Lê Lợi", UnitLevel.LEGACY_COMMUNE, "Thành phố Vinh")
    dong_van = _unit("Xã Đồng Văn", UnitLevel.LEGACY_COMMUNE, "Huyện Quế Phong")
    hoa_sen = factories.agency(thanh_vinh, name="Ban quản lý Hoa Sen")
    phuong_vi = factories.agency(truong_vinh, name="Trung tâm Phượng Vĩ")
    p1 = factories.premises(
        agency=hoa_sen,
        admin_unit=thanh_vinh,
        legacy_unit=le_loi,
        name="Trụ sở Hoa Mai",
        address="Số 1 đường Lê Lợi",
        location=Point(105.60, 18.60, srid=4326),
        status=PremisesStatus.SURPLUS,
        condition=Condition.GOOD,
        building_grade="III",
        is_flooded=True,
        floor_area=Decimal(600),
        original_cost=Decimal(2_000_000_000),
        book_remaining_value=Decimal(1),
    )
    p2 = factories.premises(
        agency=phuong_vi,
        admin_unit=truong_vinh,
        legacy_unit=dong_van,
        name="Nhà văn hóa khối 3",
        address="Khối 3",
        location=Point(105.70, 18.70, srid=4326),
        status=PremisesStatus.IN_USE_HQ,
        condition=Condition.POOR,
        building_grade="II",
        has_landslide=True,
        floor_area=Decimal(150),
        footprint_area=Decimal(100),
        original_cost=Decimal(80_000_000_000),
        in_use_date=dt.date(2024, 1, 1),
    )
    p3 = factories.premises(
        agency=phuong_vi,
        admin_unit=truong_vinh,
        name="Kho lưu trữ",
        address="Đường Nguyễn Du",
        location=Point(105.80, 18.80, srid=4326),
        status=PremisesStatus.PARTLY_SURPLUS,
        surplus_floor_area=Decimal(200),
        condition=Condition.GOOD,
        storm_damaged=True,
        floor_area=Decimal(1000),
        footprint_area=Decimal(500),
        original_cost=Decimal(2_000_000_000),
    )
    Premises.objects.filter(pk=p1.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    computer, car = AssetClass.objects.get(code="MMTB-CNTT"), AssetClass.objects.get(code="OTO")
    a1 = factories.asset(
        asset_class=computer,
        agency=hoa_sen,
        premises=p1,
        name="Máy tính Lotus",
        group_code="G-1",
        original_cost=Decimal(20_000_000),
        book_remaining_value=Decimal(1),
    )
    a2 = factories.asset(
        asset_class=car,
        agency=phuong_vi,
        premises=p2,
        name="Xe ô tô 7 chỗ",
        plate_number="37A-12345",
        status=AssetStatus.SURPLUS,
        condition=Condition.POOR,
        original_cost=Decimal(900_000_000),
    )
    a3 = factories.asset(
        asset_class=computer,
        agency=phuong_vi,
        premises=p3,
        name="Bàn phím",
        group_code="G-1",
        original_cost=Decimal(5_000_000),
    )
    health = PriorityUse.objects.get(code="HEALTH")
    n1 = factories.need(agency=hoa_sen, purpose="Trụ sở công an xã")
    n2 = factories.need(
        agency=phuong_vi,
        kind=NeedKind.ASSET,
        floor_area=None,
        asset_class=car,
        quantity=1,
        purpose="Xe cứu thương",
        priority_use=health,
    )
    return {
        "units": (thanh_vinh, truong_vinh, le_loi, dong_van),
        "agencies": (hoa_sen, phuong_vi),
        "premises": (p1, p2, p3),
        "assets": (a1, a2, a3),
        "needs": (n1, n2),
    }


def _html_ids(client, name, params, first):
    response = client.get(reverse(f"inventory:{name}"), {**params, "id_min": first, "per_page": 100})
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return set(response.context["page"].paginator.object_list.values_list("id", flat=True))


def _api_ids(client, resource, params, first):
    response = client.get(f"/api/v1/{resource}/", {**params, "id_min": first, "page_size": 1000})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["next"] is None
    return {row["id"] for row in response.json()["results"]}


def _map_ids(client, params, first):
    response = client.get(reverse("maps:map_data"), {"z": 20, "bbox": VIEW, **params, "id_min": first})
    assert response.status_code == 200, response.content[:300]
    features = response.json()["features"]
    assert all(feature["properties"]["kind"] == "premises" for feature in features)
    return {feature["id"] for feature in features}


def _resolved(world, group, params, expected):
    """`params` and `expected` with callables applied to the world (codes, ids)."""
    params = {key: value(world) if callable(value) else value for key, value in params.items()}
    return params, {world[group][i].pk for i in expected}


# (parameters, indexes of the world's premises expected)
PREMISES = [
    ({"q": "hoa mai"}, {0}),
    ({"q": "KHỐI 3"}, {1}),
    ({"q": "phượng vĩ"}, {1, 2}),  # the managing agency's name
    ({"code": lambda w: w["premises"][2].code}, {2}),
    ({"status": "surplus"}, {0}),
    ({"status": ["surplus", "partly_surplus"]}, {0, 2}),
    ({"condition": "poor"}, {1}),
    ({"admin_unit": lambda w: w["units"][0].code}, {0}),
    ({"admin_unit": lambda w: w["units"][1].code}, {1, 2}),
    ({"legacy_unit": lambda w: w["units"][2].code}, {0}),
    ({"legacy_district": lambda w: w["units"][3].parent.code}, {1}),
    ({"agency": lambda w: w["agencies"][1].code}, {1, 2}),
    ({"asset_class": "OTO"}, {1}),
    ({"asset_class": "MMTB-CNTT"}, {0, 2}),
    ({"building_grade": "II"}, {1}),
    ({"is_flooded": "true"}, {0}),
    ({"is_flooded": "false"}, {1, 2}),
    ({"has_landslide": "true"}, {1}),
    ({"storm_damaged": "true"}, {2}),
    ({"hazard": "flooded"}, {0}),
    ({"hazard": "landslide"}, {1}),
    ({"hazard": "storm"}, {2}),
    ({"hazard": "any"}, {0, 1, 2}),
    ({"floor_area_min": "500"}, {0, 2}),
    ({"floor_area_max": "200"}, {1}),
    ({"value_min": "20000000000"}, {1}),
    ({"value_max": "2000000000"}, {0, 2}),
    ({"without_plan": "true"}, {0, 2}),
    ({"without_plan": "false"}, {1}),
    ({"book_differs": "true"}, {0}),
    ({"book_differs": "false"}, {1, 2}),
    ({"updated_since": "2025-01-01T00:00:00Z"}, {1, 2}),
    ({"id_max": lambda w: w["premises"][1].pk}, {0, 1}),
    ({"bbox": "105.65,18.65,105.75,18.75"}, {1}),
    ({"within": "POLYGON((105.75 18.75,105.85 18.75,105.85 18.85,105.75 18.75))"}, {2}),
    ({"near": "105.6,18.6,1000"}, {0}),
]


@pytest.mark.parametrize("params, expected", PREMISES, ids=lambda v: str(v) if isinstance(v, dict) else None)
def test_premises_list_api_and_map_return_the_same_ids(client_as, world, params, expected):
    client = client_as("demo-finance")
    params, expected = _resolved(world, "premises", params, expected)
    first = world["premises"][0].pk
    assert _html_ids(client, "premises_list", params, first) == expected
    assert _api_ids(client, "premises", params, first) == expected
    assert _map_ids(client, params, first) == expected


ASSETS = [
    ({"q": "lotus"}, {0}),
    ({"q": "37a-123"}, {1}),  # the plate number
    ({"q": "kho luu tru"}, {2}),  # the premises' name
    ({"code": lambda w: w["assets"][1].code}, {1}),
    ({"group_code": "G-1"}, {0, 2}),
    ({"asset_class": "OTO"}, {1}),
    ({"asset_class": "MMTB-CNTT"}, {0, 2}),
    ({"category": "car"}, {1}),
    ({"status": "surplus"}, {1}),
    ({"condition": "poor"}, {1}),
    ({"premises": lambda w: w["premises"][0].code}, {0}),
    ({"agency": lambda w: w["agencies"][1].code}, {1, 2}),
    ({"cost_min": "100000000"}, {1}),
    ({"cost_max": "10000000"}, {2}),
    ({"book_differs": "true"}, {0}),
    ({"id_max": lambda w: w["assets"][1].pk}, {0, 1}),
    ({"bbox": "105.65,18.65,105.75,18.75"}, {1}),  # where its premises stands
    ({"near": "105.8,18.8,1000"}, {2}),
]


@pytest.mark.parametrize("params, expected", ASSETS, ids=lambda v: str(v) if isinstance(v, dict) else None)
def test_asset_list_and_api_return_the_same_ids(client_as, world, params, expected):
    client = client_as("demo-finance")
    params, expected = _resolved(world, "assets", params, expected)
    first = world["assets"][0].pk
    assert _html_ids(client, "asset_list", params, first) == expected
    assert _api_ids(client, "assets", params, first) == expected


NEEDS = [
    ({"q": "cứu thương"}, {1}),
    ({"q": "hoa sen"}, {0}),  # the agency's name
    ({"kind": "asset"}, {1}),
    ({"status": "open"}, {0, 1}),
    ({"agency": lambda w: w["agencies"][0].code}, {0}),
    ({"priority_use": "HEALTH"}, {1}),
]


@pytest.mark.parametrize("params, expected", NEEDS, ids=lambda v: str(v) if isinstance(v, dict) else None)
def test_need_list_and_api_return_the_same_ids(client_as, world, params, expected):
    client = client_as("demo-finance")
    params, expected = _resolved(world, "needs", params, expected)
    first = world["needs"][0].pk
    assert _html_ids(client, "need_list", params, first) == expected
    assert _api_ids(client, "needs", params, first) == expected


# -- bad values ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "resource, params",
    [
        ("premises", {"agency": "NO-SUCH-AGENCY"}),
        ("premises", {"admin_unit": "99999"}),
        ("premises", {"asset_class": "NO-SUCH-CLASS"}),
        ("premises", {"hazard": "volcano"}),
        ("premises", {"without_plan": "yes"}),
        ("assets", {"premises": "NO-SUCH-PREMISES"}),
        ("assets", {"asset_class": "NO-SUCH-CLASS"}),
        ("needs", {"priority_use": "NO-SUCH-USE"}),
        ("handling-records", {"form": "NO-SUCH-FORM"}),
        ("handling-records", {"overdue": "1"}),
        ("declarations", {"submitted_after": "yesterday"}),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(client_as, resource, params):
    response = client_as("demo-finance").get(f"/api/v1/{resource}/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_code_out_of_the_users_reach_is_refused_as_unknown(client_as, world):
    """A commune's declarant names another commune's agency or premises: the API refuses
    the parameter (as for a code that does not exist), the page says so beside the field
    and lists the declarant's own records unfiltered."""
    client = client_as("demo-commune")
    other_agency, other_premises = world["agencies"][1].code, world["premises"][1].code
    for resource, params in (("premises", {"agency": other_agency}), ("assets", {"premises": other_premises})):
        response = client.get(f"/api/v1/{resource}/", params)
        assert response.status_code == 400 and set(response.json()) == set(params)
    page = client.get(reverse("inventory:asset_list"), {"premises": other_premises})
    assert page.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in page.content.decode()
    assert {a.pk for a in page.context["page"]} & {a.pk for a in world["assets"]} == set()


def test_the_html_list_shows_a_translated_error_beside_the_field(client_as):
    page = client_as("demo-finance").get(reverse("inventory:premises_list"), {"hazard": "volcano", "value_min": "x"})
    assert page.status_code == 200
    errors = page.context["filter"].errors
    assert set(errors) == {"hazard", "value_min"}
    text = page.content.decode()
    assert text.count('data-testid="filter-error"') == 2
    assert "Hãy chọn một lựa chọn hợp lệ" in text and "Nhập một số" in text


def test_the_map_refuses_a_bad_filter_naming_it(client_as):
    response = client_as("demo-finance").get(reverse("maps:map_data"), {"z": 12, "bbox": VIEW, "agency": "NO-SUCH"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"agency"}


def test_an_empty_form_field_is_no_filter_on_a_page_but_refused_by_the_api(client_as, world):
    client = client_as("demo-finance")
    first = world["premises"][0].pk
    params = {"q": "", "agency": "", "status": "", "hazard": ""}
    assert _html_ids(client, "premises_list", params, first) == {p.pk for p in world["premises"]}
    response = client.get("/api/v1/premises/", {"agency": ""})
    assert response.status_code == 400 and set(response.json()) == {"agency"}


def test_the_handling_list_filters_by_status_through_the_filterset(client_as):
    client = client_as("demo-finance")
    response = client.get(reverse("inventory:handling_list"), {"status": "approved", "per_page": 100})
    shown = list(response.context["page"].paginator.object_list)
    assert shown and {r.status for r in shown} == {"approved"}
    api = _api_ids(client, "handling-records", {"status": "approved"}, 1)
    assert {r.pk for r in shown} == api
    bad = client.get(reverse("inventory:handling_list"), {"status": "nonsense"})
    assert bad.status_code == 200 and set(bad.context["filter"].errors) == {"status"}


def _handling_cases():
    """(parameters, the ids they must return) over the demo's handling records (all of
    premises: `asset` and `need` work alike, through the same `CodeFilter`); overdue
    by the record's own Python rule (`HandlingRecord.overdue`), where the filter asks
    the database."""
    from inventory.models import HandlingRecord

    records = list(HandlingRecord.objects.select_related("premises", "asset", "form").order_by("pk"))
    some = next(r for r in records if r.premises_id)

    def ids(rule):
        return {r.pk for r in records if rule(r)}

    return [
        ({"status": "approved"}, ids(lambda r: r.status == "approved")),
        ({"status": ["proposed", "approved"]}, ids(lambda r: r.status in ("proposed", "approved"))),
        ({"form": some.form.code}, ids(lambda r: r.form_id == some.form_id)),
        ({"premises": some.premises.code}, ids(lambda r: r.premises_id == some.premises_id)),
        ({"overdue": "true"}, ids(lambda r: r.overdue())),
        ({"overdue": "false"}, ids(lambda r: not r.overdue())),
    ]


def test_the_handling_list_and_the_api_return_the_same_records_for_each_parameter(client_as):
    client = client_as("demo-finance")
    for params, expected in _handling_cases():
        assert expected, params
        assert _html_ids(client, "handling_list", params, 1) == expected, params
        assert _api_ids(client, "handling-records", params, 1) == expected, params


def test_a_commune_user_is_offered_only_its_communes_agencies(client_as, demo_user, world):
    import re

    from inventory.models import Agency

    declarant = demo_user("demo-commune")
    page = client_as("demo-commune").get(reverse("inventory:premises_list")).content.decode()
    select = re.search(r'<select name="agency"[^>]*>(.*?)</select>', page, flags=re.S)
    offered = {value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value}
    own = set(Agency.objects.filter(admin_unit=declarant.admin_unit).values_list("code", flat=True))
    assert world["agencies"][0].code in offered and world["agencies"][1].code not in offered
    assert offered == own
