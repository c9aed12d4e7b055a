"""Matching needs to surplus: the ranking on a case where the right order is known,
and the pages that turn a match into a reserved proposal."""

import math
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point

from inventory.choices import AssetStatus, Condition, HandlingStatus, NeedKind, NeedStatus, PremisesStatus, Role
from inventory.models import AssetClass, HandlingRecord, Need, Premises
from inventory.services import handling as services
from maps.reallocation import asset_candidates, origin_of, premises_candidates
from tests import factories

pytestmark = pytest.mark.django_db
ORIGIN = Point(105.0, 19.0, srid=4326)


def east(km: float) -> Point:
    """A point `km` kilometres east of ORIGIN."""
    return Point(105.0 + km / (111.32 * math.cos(math.radians(19.0))), 19.0, srid=4326)


@pytest.fixture
def need():
    agency = factories.agency()
    factories.premises(agency=agency, status=PremisesStatus.IN_USE_HQ, location=ORIGIN, code="T-RANK-HQ")
    return factories.need(agency=agency, floor_area=Decimal(300))


def test_premises_are_ranked_by_cover_then_condition_then_distance_then_leftover(need):
    def site(code, km, area, condition=Condition.GOOD, status=PremisesStatus.SURPLUS, surplus=None):
        return factories.premises(
            code=code,
            location=east(km),
            floor_area=Decimal(area),
            footprint_area=Decimal(area),
            floors=1,
            condition=condition,
            status=status,
            surplus_floor_area=surplus,
        )

    site("T-RANK-A", 5, 320)
    site("T-RANK-B", 2, 900)
    site("T-RANK-B2", 2, 310)  # same distance as B, less left over
    site("T-RANK-C", 1, 400, condition=Condition.FAIR)
    site("T-RANK-D", 0.5, 200)  # too small
    site("T-RANK-E", 0.1, 1000, condition=Condition.DAMAGED)  # never offered
    f_site = site("T-RANK-F", 3, 800, status=PremisesStatus.PARTLY_SURPLUS, surplus=Decimal(400))
    site("T-RANK-G", 0.2, 500, status=PremisesStatus.IN_USE_HQ)  # not surplus
    services.propose_transfer(
        factories.user(Role.FINANCE), factories.need(), premises=f_site, floor_area=Decimal(150)
    )  # 250 left
    # An open record for an asset line (no premises) must not hide any premises.
    services.propose(
        factories.user(Role.FINANCE),
        services.Proposal(form_code="LIQUIDATE"),
        asset=factories.asset(status=AssetStatus.SURPLUS),
    )

    assert origin_of(need) == ORIGIN
    found = premises_candidates(need, queryset=Premises.objects.filter(code__startswith="T-RANK"))
    assert [c.record.code for c in found] == ["T-RANK-B2", "T-RANK-B", "T-RANK-A", "T-RANK-C", "T-RANK-D", "T-RANK-F"]
    assert [c.covers for c in found] == [True, True, True, True, False, False]
    assert found[-1].available == Decimal(250)
    assert found[0].road.straight_m == pytest.approx(2000, rel=0.01)  # metres on the spheroid
    # ranked by road (the demo network): never shorter than the straight line
    assert found[0].distance_m == found[0].road.metres >= found[0].road.straight_m


def test_asset_lines_of_the_needed_class_are_ranked_the_same_way():
    computers = AssetClass.objects.get(code="MMTB-CNTT")
    agency = factories.agency()
    factories.premises(agency=agency, status=PremisesStatus.IN_USE_HQ, location=ORIGIN)
    need = factories.need(agency=agency, kind=NeedKind.ASSET, floor_area=None, asset_class=computers, quantity=5)

    def line(code, km, quantity, condition=Condition.GOOD, asset_class=computers):
        where = factories.premises(location=east(km))
        return factories.asset(
            code=code,
            premises=where,
            agency=where.agency,
            quantity=quantity,
            condition=condition,
            status=AssetStatus.SURPLUS,
            asset_class=asset_class,
        )

    line("T-LINE-1", 4, 6)
    line("T-LINE-2", 1, 3)
    line("T-LINE-3", 2, 8, condition=Condition.POOR)
    line("T-LINE-4", 0.5, 9, asset_class=AssetClass.objects.get(code="MMTB-VP"))  # another class
    from inventory.models import Asset

    found = asset_candidates(need, queryset=Asset.objects.filter(code__startswith="T-LINE"))
    assert [c.record.code for c in found] == ["T-LINE-1", "T-LINE-3", "T-LINE-2"]


def test_a_reviewer_turns_a_match_into_a_reserved_proposal(client_as):
    need = Need.objects.filter(kind=NeedKind.FLOOR_AREA, status=NeedStatus.OPEN).first()
    client = client_as("demo-finance")
    page = client.get(f"/maps/reallocation/{need.pk}/")
    assert page.status_code == 200
    best = page.context["candidates"][0]
    response = client.post(
        f"/maps/reallocation/{need.pk}/propose/", {"kind": "premises", "supply": best.record.pk, "amount": ""}
    )
    record = HandlingRecord.objects.get(need=need)
    assert response.status_code == 302 and response["Location"] == f"/handling/{record.pk}/"
    assert record.premises == best.record and record.status == HandlingStatus.PROPOSED
    assert Need.objects.get(pk=need.pk).status == NeedStatus.RESERVED
    again = client.post(
        f"/maps/reallocation/{need.pk}/propose/",
        {"kind": "premises", "supply": best.record.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert HandlingRecord.objects.filter(need=need).count() == 1
    assert any("is no longer open" in str(m) for m in again.context["messages"])


def test_a_partial_proposal_takes_the_amount_given(client_as):
    need = Need.objects.filter(kind=NeedKind.FLOOR_AREA, status=NeedStatus.OPEN).first()
    building = Premises.objects.filter(status=PremisesStatus.PARTLY_SURPLUS, condition=Condition.GOOD).first()
    client = client_as("demo-finance")
    client.post(
        f"/maps/reallocation/{need.pk}/propose/",
        {"kind": "premises", "supply": building.pk, "part": "1", "amount": "12.5"},
    )
    assert HandlingRecord.objects.get(need=need).floor_area == Decimal("12.5")
    assert Premises.objects.get(pk=building.pk).status == PremisesStatus.PARTLY_SURPLUS


@pytest.mark.parametrize("username, status", [("demo-commune", 403), ("demo-auditor", 403), ("demo-finance", 200)])
def test_reallocation_is_for_reviewers(client_as, username, status):
    assert client_as(username).get("/maps/reallocation/").status_code == status
