"""Scope against expectations written here (issue 16): a small world of two units —
the demo declarant's Thành Vinh and Mỹ Lý — with a premises, an asset, a need and a
handling record in each and a soft-deleted premises in Thành Vinh. For every resource
(API lists, as of a day, history, HTML lists, reports, files) the test says which of
these records each user must see, by name, and never asks `visible_to` for the answer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inventory.choices import PremisesStatus
from inventory.services import attachments, deletion
from inventory.services import handling as handling_services
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN = "ZSCOPE7"


@pytest.fixture
def world(demo_user):
    finance = demo_user("demo-finance")
    declarant = demo_user("demo-commune")
    own_agency = factories.agency(admin_unit=declarant.admin_unit)
    other_agency = factories.agency(admin_unit=factories.unit("Xã Mỹ Lý"))
    rows = {}
    for side, agency in (("own", own_agency), ("other", other_agency)):
        site = factories.premises(
            code=f"{TOKEN}-{side}-P", agency=agency, admin_unit=agency.admin_unit, status=PremisesStatus.SURPLUS
        )
        rows[f"{side} premises"] = site
        rows[f"{side} asset"] = factories.asset(code=f"{TOKEN}-{side}-A", agency=agency, premises=site)
        rows[f"{side} need"] = factories.need(code=f"{TOKEN}-{side}-N", agency=agency)
        rows[f"{side} handling"] = handling_services.propose_handling(finance, site, "RECOVER", intended_use="")
        declarant_there = factories.declarant(agency.admin_unit, agency=agency)
        rows[f"{side} declaration"] = factories.declare(
            declarant_there, "need", factories.need_form_data(agency)
        ).declaration
    gone = factories.premises(code=f"{TOKEN}-own-gone", agency=own_agency)
    deletion.soft_delete(finance, gone, "Khai trùng")
    rows["own deleted premises"] = gone
    return {"agencies": {"own": own_agency, "other": other_agency}, "rows": rows}


def _ids(world, *names):
    return {world["rows"][name].pk for name in names}


# Who sees which of the world's records (DESIGN §2): a declarant its own unit's, the
# province-wide roles both units'; nobody a soft-deleted record in a live list.
SEES = {
    "demo-commune": ("own",),
    "demo-finance": ("own", "other"),
    "demo-auditor": ("own", "other"),
    "demo-admin": ("own", "other"),
}
RESOURCES = {
    "premises": "premises",
    "assets": "asset",
    "needs": "need",
    "handling-records": "handling",
    "declarations": "declaration",
}


def _api_ids(client, resource, world, username, **params):
    """The rows of the world's agencies, asked for agency by agency (by code): an agency
    the user does not see is refused like an unknown code, a 400 naming `agency`."""
    found = set()
    for side, agency in world["agencies"].items():
        response = client.get(f"/api/v1/{resource}/", {"agency": agency.code, **params, "page_size": 1000})
        if side not in SEES[username]:
            assert response.status_code == 400 and set(response.json()) == {"agency"}, response.content[:300]
            continue
        assert response.status_code == 200, response.content[:300]
        found |= {row["id"] for row in response.json()["results"]}
    return found


@pytest.mark.parametrize("username", sorted(SEES))
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_api_lists(client_as, world, username, resource):
    client = client_as(username)
    ours = _ids(world, *(f"{side} {RESOURCES[resource]}" for side in ("own", "other")))
    if resource == "handling-records":
        response = client.get("/api/v1/handling-records/", {"status": "proposed", "page_size": 1000})
        found = set()
        while True:
            assert response.status_code == 200
            found |= {row["id"] for row in response.json()["results"]}
            if not response.json()["next"]:
                break
            response = client.get(response.json()["next"])
    else:
        found = _api_ids(client, resource, world, username)
    expected = _ids(world, *(f"{side} {RESOURCES[resource]}" for side in SEES[username]))
    assert found & (ours | _ids(world, "own deleted premises")) == expected


@pytest.mark.parametrize("username", sorted(SEES))
def test_api_as_of_today(client_as, world, username):
    today = timezone.localdate().isoformat()
    found = _api_ids(client_as(username), "premises", world, username, as_of=today)
    assert found == _ids(world, *(f"{side} premises" for side in SEES[username]))


@pytest.mark.parametrize("username", sorted(SEES))
def test_api_history(client_as, world, username):
    client = client_as(username)
    for side in ("own", "other"):
        record = world["rows"][f"{side} premises"]
        response = client.get("/api/v1/history/", {"model": "premises", "object": record.pk})
        assert response.status_code == 200
        objects = {row["object_id"] for row in response.json()["results"]}
        assert objects == ({record.pk} if side in SEES[username] else set()), side


@pytest.mark.parametrize("username", sorted(SEES))
def test_html_lists(client_as, world, username):
    client = client_as(username)
    for name, kind in (("premises_list", "premises"), ("asset_list", "asset"), ("need_list", "need")):
        page = client.get(reverse(f"inventory:{name}"), {"q": TOKEN})
        assert page.status_code == 200
        shown = {row.pk for row in page.context["page"]}
        assert shown == _ids(world, *(f"{side} {kind}" for side in SEES[username])), name


def test_record_pages_of_another_unit_are_not_found(client_as, world):
    client = client_as("demo-commune")
    pages = [("premises", "premises_detail"), ("premises", "premises_history"), ("asset", "asset_history")]
    pages += [("need", "need_history"), ("handling", "handling_detail")]
    for kind, url in pages:
        assert client.get(reverse(f"inventory:{url}", args=[world["rows"][f"own {kind}"].pk])).status_code == 200
        assert client.get(reverse(f"inventory:{url}", args=[world["rows"][f"other {kind}"].pk])).status_code == 404


def test_reports_count_only_the_units_a_user_sees(client_as, world):
    """The surplus report's commune table: Mỹ Lý's row is the auditor's, not the declarant's."""

    def units(username, **params):
        data = client_as(username).get("/api/v1/reports/surplus/", params).json()
        table = next(t for t in data["tables"] if t["key"] == "by_commune")
        return {row[0] for row in table["rows"]}

    for params in ({}, {"as_of": timezone.localdate().isoformat()}):
        assert units("demo-commune", **params) == {"Phường Thành Vinh"}
        assert {"Phường Thành Vinh", "Xã Mỹ Lý"} <= units("demo-auditor", **params)


def test_files_follow_their_record(client_as, demo_user, world):
    declarant = demo_user("demo-commune")
    own = world["rows"]["own premises"]
    document = attachments.attach(declarant, own, SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n"))
    url = reverse("inventory:attachment_file", args=[document.pk])
    assert client_as("demo-commune").get(url).status_code == 200
    assert client_as("demo-auditor").get(url).status_code == 200
    assert client_as("demo-auditor").get(url).status_code == 200
    stranger = Client()
    stranger.force_login(factories.declarant(factories.unit("Xã Mỹ Lý")))
    assert stranger.get(url).status_code == 404
