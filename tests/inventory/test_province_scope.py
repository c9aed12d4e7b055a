"""Province scope of the roles (issue 15 item 1), against expectations written here: a
second province made by hand beside Nghệ An, with a premises, an asset, a house, a need,
a declaration, a handling record and a file in each of three places — the demo
declarant's Phường Thành Vinh, Xã Mỹ Lý (both Nghệ An) and a commune of the other
province. For every role the test says which places' records it must see and checks
the ORM, the API (lists, as of a day, history), OGC, files and the reports."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inventory.choices import PremisesStatus, Role, UnitLevel
from inventory.models import (
    AdministrativeUnit,
    Asset,
    Declaration,
    HandlingRecord,
    HandlingRequest,
    House,
    Need,
    Premises,
)
from inventory.services import attachments
from inventory.services import handling as handling_services
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN = "ZPROV8"
PLACES = ("thanh-vinh", "my-ly", "other-province")

# Who sees which places' records: a declarant its commune's; Nghệ An's Finance, auditor
# and administrator both Nghệ An communes and nothing of the other province; the
# Ministry (Finance without a province) every place.
SEES = {
    "declarant": ("thanh-vinh",),
    "finance": ("thanh-vinh", "my-ly"),
    "auditor": ("thanh-vinh", "my-ly"),
    "admin": ("thanh-vinh", "my-ly"),
    "ministry": PLACES,
}


@pytest.fixture
def world(demo_user):
    nghe_an = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="40")
    other = AdministrativeUnit.objects.create(
        level=UnitLevel.PROVINCE, code="98", name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm", type_name="Tỉnh",
        centroid=Point(106.0, 20.0, srid=4326),
    )  # fmt: skip
    far_commune = AdministrativeUnit.objects.create(
        level=UnitLevel.COMMUNE, code="98001", name="Xã Xa Xôi", short_name="Xa Xôi", type_name="Xã",
        centroid=Point(106.0, 20.0, srid=4326), parent=other, province=other,
    )  # fmt: skip
    ministry = factories.user(role=Role.FINANCE)
    users = {
        "declarant": demo_user("demo-commune"),
        "finance": factories.user(role=Role.FINANCE, province=nghe_an),
        "auditor": factories.user(role=Role.AUDITOR, province=nghe_an),
        "admin": factories.user(role=Role.ADMIN, province=nghe_an, is_staff=True),
        "ministry": ministry,
    }
    units = {
        "thanh-vinh": users["declarant"].admin_unit,
        "my-ly": factories.unit("Xã Mỹ Lý"),
        "other-province": far_commune,
    }
    rows = {}
    for number, (place, unit) in enumerate(units.items()):
        # The other province reuses Thành Vinh's codes: a code is unique per province.
        code = f"{TOKEN}-{number % 2}"
        agency = factories.agency(admin_unit=unit)
        declarant = factories.declarant(unit, agency=agency)
        site = factories.premises(code=f"{code}-P", agency=agency, admin_unit=unit, status=PremisesStatus.SURPLUS)
        rows[place] = {
            "premises": site,
            "asset": factories.asset(code=f"{code}-A", agency=agency, premises=site),
            "house": site.houses.get(),  # a premises row declares its one house
            "need": factories.need(code=f"{code}-N", agency=agency),
            "handling": handling_services.propose_handling(ministry, site, "RECOVER", intended_use=""),
            "declaration": factories.declare(declarant, "need", factories.need_form_data(agency)).declaration,
            "file": attachments.attach(declarant, site, SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")),
        }
    return {"users": users, "rows": rows, "provinces": (nghe_an, other)}


def _ids(world, kind, places):
    return {world["rows"][place][kind].pk for place in places}


def _all(world, kind):
    return _ids(world, kind, PLACES)


def test_the_database_gave_each_record_its_province(world):
    nghe_an, other = world["provinces"]
    for place, records in world["rows"].items():
        expected = other.pk if place == "other-province" else nghe_an.pk
        for kind, record in records.items():
            record.refresh_from_db()
            assert record.province_id == expected, (place, kind)


MODELS = {
    "premises": Premises,
    "asset": Asset,
    "house": House,
    "need": Need,
    "declaration": Declaration,
    "handling": HandlingRecord,
}


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_visible_records(world, role, kind):
    seen = set(MODELS[kind].objects.visible_to(world["users"][role]).values_list("pk", flat=True))
    assert seen & _all(world, kind) == _ids(world, kind, SEES[role])


@pytest.mark.parametrize("role", sorted(SEES))
def test_handling_requests(world, role):
    requests = {place: world["rows"][place]["handling"].request_id for place in PLACES}
    seen = set(HandlingRequest.objects.visible_to(world["users"][role]).values_list("pk", flat=True))
    assert seen & set(requests.values()) == {requests[place] for place in SEES[role]}


def _client(world, role):
    client = Client()
    client.force_login(world["users"][role])
    return client


API = {"premises": "premises", "assets": "asset", "needs": "need", "declarations": "declaration"}


@pytest.mark.parametrize("role", sorted(SEES))
def test_api_lists_and_as_of(world, role):
    client = _client(world, role)
    for resource, kind in API.items():
        found = set()
        for place in PLACES:
            # Asked agency by agency, by code: an agency the user does not see is refused
            # like an unknown code (a 400 naming `agency`).
            agency = world["rows"][place]["premises"].agency
            response = client.get(f"/api/v1/{resource}/", {"agency": agency.code, "page_size": 1000})
            if place not in SEES[role]:
                assert response.status_code == 400 and set(response.json()) == {"agency"}, response.content[:300]
                continue
            assert response.status_code == 200, response.content[:300]
            found |= {row["id"] for row in response.json()["results"]}
        assert found & _all(world, kind) == _ids(world, kind, SEES[role]), resource
    today = timezone.localdate().isoformat()
    response = client.get("/api/v1/premises/", {"q": TOKEN, "as_of": today, "page_size": 1000})
    assert response.status_code == 200
    found = {row["id"] for row in response.json()["results"]}
    assert found & _all(world, "premises") == _ids(world, "premises", SEES[role])


@pytest.mark.parametrize("role", sorted(SEES))
def test_history_rows(world, role):
    client = _client(world, role)
    for place in PLACES:
        record = world["rows"][place]["premises"]
        response = client.get("/api/v1/history/", {"model": "premises", "object": record.pk})
        assert response.status_code == 200
        objects = {row["object_id"] for row in response.json()["results"]}
        assert objects == ({record.pk} if place in SEES[role] else set()), place


@pytest.mark.parametrize("role", sorted(SEES))
def test_ogc_items_and_files(world, role):
    client = _client(world, role)
    for place in PLACES:
        site = world["rows"][place]["premises"]
        expected = 200 if place in SEES[role] else 404
        assert client.get(f"/ogc/collections/premises/items/{site.pk}").status_code == expected, place
        url = reverse("inventory:attachment_file", args=[world["rows"][place]["file"].pk])
        assert client.get(url).status_code == expected, place


def _table(client, name, key):
    data = client.get(f"/api/v1/reports/{name}/").json()
    return next((t for t in data["tables"] if t["key"] == key), None)


def test_reports_roll_up_by_province_for_the_ministry_only(world):
    ministry = _table(_client(world, "ministry"), "surplus", "by_province")
    assert {row[0] for row in ministry["rows"]} == {"Tỉnh Nghệ An", "Tỉnh Thử Nghiệm"}
    other_row = next(row for row in ministry["rows"] if row[0] == "Tỉnh Thử Nghiệm")
    assert other_row[1] == 1  # its one surplus premises
    assets = _table(_client(world, "ministry"), "assets", "by_province")
    assert next(row for row in assets["rows"] if row[0] == "Tỉnh Thử Nghiệm")[1] == 1  # one asset line
    finance = _client(world, "finance")
    assert _table(finance, "surplus", "by_province") is None  # one province: no roll-up table
    communes = {row[0] for row in _table(finance, "surplus", "by_commune")["rows"]}
    assert "Xã Xa Xôi" not in communes
    assert {"Phường Thành Vinh", "Xã Mỹ Lý"} <= communes


def test_units_offered_to_filters(world):
    far = world["rows"]["other-province"]["premises"].admin_unit_id
    own = world["rows"]["thanh-vinh"]["premises"].admin_unit_id
    for role, sees_far in (("finance", False), ("auditor", False), ("ministry", True), ("declarant", False)):
        offered = set(AdministrativeUnit.objects.offered_to(world["users"][role]).values_list("pk", flat=True))
        assert (far in offered) is sees_far, role
        assert own in offered, role


@pytest.mark.parametrize("role", ["finance", "auditor", "admin", "ministry"])
def test_map_of_whole_provinces(world, role):
    """Unfiltered, a provincial reviewer's map and totals are read from their province's
    rollups: the other province's commune is not on it and its premises is not counted;
    the Ministry's map has it. (One premises was made in the other province.)"""
    client = _client(world, role)
    far_commune = world["rows"]["other-province"]["premises"].admin_unit_id
    whole_country = "102,8,110,24"
    units = client.get(reverse("maps:map_data"), {"z": 7, "bbox": whole_country}).json()
    counts = {f["properties"]["unit_id"]: f["properties"]["count"] for f in units["features"]}
    sees_other = "other-province" in SEES[role]
    assert (far_commune in counts) is sees_other
    if sees_other:
        assert counts[far_commune] == 1
    # Totals of everything (rollups) and of a box round the three test premises (rows,
    # all made at the same point): the Ministry counts the other province's one premises
    # beyond what Nghệ An's reviewers count.
    box = {"bbox": "105.6,18.6,105.7,18.7"}
    counterpart = _client(world, "finance" if role == "ministry" else "ministry")
    for params in ({}, box):
        mine = client.get(reverse("maps:map_totals"), params).json()["count"]
        theirs = counterpart.get(reverse("maps:map_totals"), params).json()["count"]
        assert mine - theirs == (1 if sees_other else -1), params
