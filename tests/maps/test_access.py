"""The access and co-location review (/maps/access/, its API and workbook) on the demo data
and its synthetic road network, and reallocation ranked by road."""

import io
import itertools
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from inventory.choices import Condition, NeedKind, PremisesStatus
from inventory.models import AdministrativeUnit, Premises
from maps.choices import LayerKind
from maps.models import HazardLayer
from maps.reallocation import candidates
from maps.routing import build_network
from tests import factories
from tests.maps.road_expectations import expected_access

pytestmark = pytest.mark.django_db

UNROADED = "Xã Mỹ Lý"  # the demo leaves this former commune without any road


def api(client, **params):
    response = client.get(reverse("maps_api:access"), params)
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def test_figures_and_ranking_match_the_tests_own_network(client_as):
    expected = expected_access()
    results = api(client_as("demo-finance"))
    assert len(results) == len(expected) == 130
    for row in results:
        mine = expected[row["commune_code"]]
        assert row["worst_m"] == pytest.approx(mine["worst"], abs=1.0), row["commune"]
        assert row["average_m"] == pytest.approx(mine["average"], abs=1.0), row["commune"]
        assert row["has_estimate"] == mine["estimate"], row["commune"]
    worst = [expected[r["commune_code"]]["worst"] for r in results]
    assert all(a >= b - 1.0 for a, b in itertools.pairwise(worst))
    assert [r["rank"] for r in results] == list(range(1, 131))


def test_ranked_by_the_average_on_request(client_as):
    expected = expected_access()
    results = api(client_as("demo-finance"), order="average")
    average = [expected[r["commune_code"]]["average"] for r in results]
    assert all(a >= b - 1.0 for a, b in itertools.pairwise(average))


def test_a_place_no_road_reaches_is_labelled_an_estimate_in_page_api_and_workbook(client_as):
    client = client_as("demo-finance")
    [row] = [r for r in api(client) if r["commune"] == UNROADED]
    assert row["has_estimate"]
    assert row["legs"] and all(leg["is_estimate"] for leg in row["legs"])
    assert {leg["reason"] for leg in row["legs"]} <= {"origin_off_network", "target_off_network"}
    assert all(leg["label"] == "ước tính" for leg in row["legs"])
    roaded = [r for r in api(client) if not r["has_estimate"]]
    assert roaded and all(leg["label"] == "" for r in roaded for leg in r["legs"])

    page = client.get(reverse("maps:access")).content.decode()
    block = page[page.index(f"<strong>{UNROADED}</strong>") :]
    block = block[: block.index("</tr>")]
    assert "ước tính" in block  # Vietnamese by default
    page_en = client.get(reverse("maps:access"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "estimate" in page_en

    book = load_workbook(io.BytesIO(client.get(reverse("maps:access_xlsx")).content))
    rows = [r for r in book.worksheets[1].iter_rows(values_only=True) if r[0] == UNROADED]
    assert rows and all(r[5] == "ước tính" and r[6] for r in rows)
    others = [r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True) if r[0] != UNROADED]
    assert any(not r[5] for r in others)


def test_colocation_offers_surplus_sites_that_hold_the_whole_commune(client_as):
    """A surplus building holding the floor area of all Phường Thành Vinh's sites in use,
    put 1 km from its headquarters, is offered within 5 km; damaged, it is not; 30 km
    away it is not either."""
    client = client_as("demo-finance")
    [row] = [r for r in api(client) if r["commune"] == "Phường Thành Vinh"]
    hq = Point(row["hq_lon"], row["hq_lat"], srid=4326)
    unit = AdministrativeUnit.objects.get(level="commune", name="Phường Thành Vinh")
    in_use = Premises.objects.filter(
        admin_unit=unit, status__in=(PremisesStatus.IN_USE_HQ, PremisesStatus.OTHER_PUBLIC_USE)
    ).aggregate(total=Sum("floor_area"))["total"]
    assert row["needed_floor_area"] == pytest.approx(float(in_use))
    floor_area = (in_use + 1000).quantize(Decimal(1))
    big = factories.premises(
        name="Kho lớn thử",
        location=Point(hq.x + 0.0095, hq.y, srid=4326),
        admin_unit=unit,
        status=PremisesStatus.SURPLUS,
        floor_area=floor_area,
        footprint_area=floor_area / 5,
        floors=5,
        condition=Condition.GOOD,
    )
    [row] = [r for r in api(client, within_km=5) if r["commune"] == "Phường Thành Vinh"]
    offered = {c["premises"]: c for c in row["colocation"]}
    assert big.code in offered
    assert offered[big.code]["available_floor_area"] >= row["needed_floor_area"] > 0
    assert offered[big.code]["metres"] <= 5000
    for r in api(client, within_km=5):
        for c in r["colocation"]:
            assert c["available_floor_area"] >= r["needed_floor_area"] and c["metres"] <= 5000
    Premises.objects.filter(pk=big.pk).update(condition=Condition.DAMAGED)
    [row] = [r for r in api(client, within_km=5) if r["commune"] == "Phường Thành Vinh"]
    assert big.code not in {c["premises"] for c in row["colocation"]}
    Premises.objects.filter(pk=big.pk).update(condition=Condition.GOOD, location=Point(hq.x + 0.3, hq.y, srid=4326))
    [row] = [r for r in api(client, within_km=5) if r["commune"] == "Phường Thành Vinh"]
    assert big.code not in {c["premises"] for c in row["colocation"]}


def test_page_links_a_colocation_site_to_a_site_plan_and_a_handling_request(client_as):
    page = client_as("demo-finance").get(reverse("maps:access"), {"within_km": 30}).content.decode()
    assert 'data-testid="colocation"' in page
    assert reverse("inventory:siteplan_create") + "?premises=" in page
    assert reverse("inventory:request_new") in page
    auditor = client_as("demo-auditor").get(reverse("maps:access"), {"within_km": 30}).content.decode()
    assert reverse("inventory:siteplan_create") not in auditor


@pytest.mark.parametrize(
    "user,status", [("demo-finance", 200), ("demo-auditor", 200), ("demo-admin", 200), ("demo-commune", 403)]
)
def test_who_may_see_it(client_as, user, status):
    client = client_as(user)
    assert client.get(reverse("maps:access")).status_code == status
    assert client.get(reverse("maps:access_xlsx")).status_code == status
    assert client.get(reverse("maps_api:access")).status_code == status
    assert (
        client.get(reverse("maps_api:road-distance"), {"from": "105.6,18.7", "to": "105.7,18.7"}).status_code == status
    )


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("maps:access")).status_code == 302
    assert client.get(reverse("maps_api:access")).status_code in (401, 403)


@pytest.mark.parametrize("bad", ["1e400", "nan", "-1", "0", "201", "<b>x</b>", "=1+1"])
def test_a_bad_distance_is_a_clear_error(client_as, bad):
    client = client_as("demo-finance")
    page = client.get(reverse("maps:access"), {"within_km": bad})
    assert page.status_code == 400
    assert "<b>x</b>" not in page.content.decode()
    assert client.get(reverse("maps:access_xlsx"), {"within_km": bad}).status_code == 400
    answer = client.get(reverse("maps_api:access"), {"within_km": bad})
    assert answer.status_code == 400 and "within_km" in answer.json()


@pytest.mark.parametrize("bad", ["nan,18.7", "1e300,18.7", "105.6", "a,b", "105.6,95"])
def test_road_distance_api_refuses_bad_points(client_as, bad):
    answer = client_as("demo-finance").get(reverse("maps_api:road-distance"), {"from": bad, "to": "105.7,18.7"})
    assert answer.status_code == 400


def test_road_distance_api_labels_estimates(client_as):
    unroaded = AdministrativeUnit.objects.get(level="legacy_commune", name=UNROADED).centroid
    vinh = AdministrativeUnit.objects.get(level="commune", name="Phường Thành Vinh").centroid
    answer = client_as("demo-finance").get(
        reverse("maps_api:road-distance"),
        {"from": f"{unroaded.x},{unroaded.y};{vinh.x + 0.01},{vinh.y}", "to": f"{vinh.x},{vinh.y}"},
    )
    far, near = answer.json()["results"]
    assert far["is_estimate"] and far["label"] == "ước tính" and far["reason"] == "origin_off_network"
    assert not near["is_estimate"] and near["label"] == "" and near["road_m"] is not None


def test_reallocation_ranks_by_road_and_labels_estimates(client_as, demo_user):
    need = factories.need(kind=NeedKind.FLOOR_AREA, floor_area=Decimal(100))
    found = candidates(need, demo_user("demo-finance"))
    assert found and all(c.road is not None and c.distance_m == c.road.metres for c in found)
    page = client_as("demo-finance").get(reverse("maps:reallocation_need", args=[need.pk])).content.decode()
    assert 'data-testid="estimate"' not in page or any(c.road.is_estimate for c in found)
    HazardLayer.objects.filter(kind=LayerKind.ROAD).delete()
    build_network()
    found = candidates(need, demo_user("demo-finance"))
    assert found and all(c.road.is_estimate and c.road.reason == "no_network" for c in found)
    page = client_as("demo-finance").get(reverse("maps:reallocation_need", args=[need.pk])).content.decode()
    assert page.count('data-testid="estimate"') == len(found)


def test_a_name_like_a_formula_stays_text_in_the_workbook(client_as):
    site = Premises.objects.filter(admin_unit__name="Phường Thành Vinh", status=PremisesStatus.OTHER_PUBLIC_USE).first()
    if site is None:
        site = factories.premises(
            admin_unit=AdministrativeUnit.objects.get(level="commune", name="Phường Thành Vinh"),
            status=PremisesStatus.OTHER_PUBLIC_USE,
        )
    Premises.objects.filter(pk=site.pk).update(name='=HYPERLINK("http://x","y")')
    book = load_workbook(io.BytesIO(client_as("demo-finance").get(reverse("maps:access_xlsx")).content))
    cells = [c for row in book.worksheets[1].iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)
