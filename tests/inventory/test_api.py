"""The API: every endpoint for every role (allowed, refused, scoped), each filter,
history with its actor, as_of, exports carrying the same rows as JSON, tokens,
throttling, the schema and the OGC API – Features endpoint."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from inventory.choices import HandlingStatus, PremisesStatus
from inventory.models import Asset, Declaration, HandlingRecord, Need, Premises
from inventory.services import handling as handling_services
from tests import factories
from tests.factories import backdate_history

pytestmark = pytest.mark.django_db
LISTS = ["admin-units", "agencies", "premises", "assets", "declarations", "needs", "handling-records"]
ROLES = ["demo-admin", "demo-finance", "demo-auditor", "demo-commune"]
UNIT_RULES = {
    "premises": (Premises, lambda unit: Q(agency__admin_unit=unit)),
    "assets": (Asset, lambda unit: Q(agency__admin_unit=unit)),
    "needs": (Need, lambda unit: Q(agency__admin_unit=unit)),
    "declarations": (Declaration, lambda unit: Q(agency__admin_unit=unit)),
    "handling-records": (
        HandlingRecord,
        lambda unit: (
            Q(premises__agency__admin_unit=unit)
            | Q(asset__agency__admin_unit=unit)
            | Q(receiving_agency__admin_unit=unit)
        ),
    ),
}


def _all(client, url, **params):
    """Every row of a list, following the cursor."""
    rows, params = [], {"page_size": 1000, **params}
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        rows += data["results"]
        if not data["next"]:
            return rows
        response = client.get(data["next"])


# -- roles and scope ----------------------------------------------------------------------
@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("name", LISTS)
def test_every_list_for_every_role(client_as, demo_user, name, username):
    client = client_as(username)
    response = client.get(f"/api/v1/{name}/", {"page_size": 5})
    assert response.status_code == 200
    user = demo_user(username)
    if name in UNIT_RULES and username == "demo-commune":
        # Written here, not asked of visible_to: a record is the unit's through its agency
        # (a handling record also through the agency receiving it).
        model, rule = UNIT_RULES[name]
        own = set(model.objects.filter(rule(user.admin_unit_id)).values_list("pk", flat=True))
        assert len(own) < model.objects.count() or not own  # (test_scope.py holds records of two units)
        assert {row["id"] for row in _all(client, f"/api/v1/{name}/")} == own


@pytest.mark.parametrize("name", [*LISTS, "history"])
def test_anonymous_callers_are_refused(client, name):
    assert client.get(f"/api/v1/{name}/").status_code in (401, 403)


def test_a_record_outside_the_scope_is_not_found(client_as):
    elsewhere = Premises.objects.exclude(agency__admin_unit__name="Phường Thành Vinh").first()
    assert client_as("demo-commune").get(f"/api/v1/premises/{elsewhere.pk}/").status_code == 404
    assert client_as("demo-auditor").get(f"/api/v1/premises/{elsewhere.pk}/").status_code == 200


@pytest.mark.parametrize(
    "username, status",
    [("demo-finance", 200), ("demo-admin", 200), ("demo-auditor", 403), ("demo-commune", 404)],
)
def test_handling_steps_only_for_reviewers(client_as, demo_user, username, status):
    premises = factories.premises(status=PremisesStatus.SURPLUS, admin_unit=factories.unit("Xã Nghĩa Đàn"))
    record = handling_services.propose_handling(demo_user("demo-finance"), premises, "RECOVER", intended_use="")
    record = factories.ready_for_decision(record)
    response = client_as(username).post(
        f"/api/v1/handling-records/{record.pk}/approve/",
        {"decision_number": "9/QĐ", "decision_date": timezone.localdate().isoformat(), "decider": "UBND tỉnh"},
        content_type="application/json",
    )
    assert response.status_code == status
    expected = HandlingStatus.APPROVED if status == 200 else HandlingStatus.PROPOSED
    assert HandlingRecord.objects.get(pk=record.pk).status == expected


def test_a_step_the_state_forbids_is_a_409_and_bad_fields_a_400_both_changing_nothing(client_as, demo_user):
    record = handling_services.propose_handling(
        demo_user("demo-finance"), factories.premises(), "RECOVER", intended_use=""
    )
    response = client_as("demo-finance").post(f"/api/v1/handling-records/{record.pk}/close/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "cannot become" in response.json()["detail"]
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.PROPOSED
    bad = client_as("demo-finance").post(
        f"/api/v1/handling-records/{record.pk}/approve/", {"decision_date": "soon"}, content_type="application/json"
    )
    assert bad.status_code == 400 and set(bad.json()) >= {"decision_number", "decision_date", "decider"}


def test_history_of_other_records_is_refused_to_declarants(client_as):
    assert client_as("demo-commune").get("/api/v1/history/", {"model": "handling-records"}).status_code == 403
    assert client_as("demo-commune").get("/api/v1/history/", {"model": "premises"}).status_code == 200


# -- filters ------------------------------------------------------------------------------
FILTERS = [
    ("premises", {"status": "surplus"}, Premises.objects.filter(status="surplus")),
    ("premises", {"condition": "damaged"}, Premises.objects.filter(condition="damaged")),
    ("premises", {"is_flooded": "true"}, Premises.objects.filter(is_flooded=True)),
    ("premises", {"storm_damaged": "true"}, Premises.objects.filter(storm_damaged=True)),
    ("premises", {"has_landslide": "true"}, Premises.objects.filter(has_landslide=True)),
    ("premises", {"building_grade": "II"}, Premises.objects.filter(building_grade="II")),
    ("premises", {"floor_area_min": "1000"}, Premises.objects.filter(floor_area__gte=1000)),
    ("premises", {"floor_area_max": "300"}, Premises.objects.filter(floor_area__lte=300)),
    ("premises", {"value_min": "1000000000"}, Premises.objects.filter(remaining_value__gte=1_000_000_000)),
    ("premises", {"value_max": "0"}, Premises.objects.filter(remaining_value__lte=0)),
    (
        "premises",
        {"q": "Vinh"},
        Premises.objects.filter(code__unaccent__icontains="vinh")
        | Premises.objects.filter(name__unaccent__icontains="vinh")
        | Premises.objects.filter(address__unaccent__icontains="vinh")
        | Premises.objects.filter(agency__name__unaccent__icontains="vinh"),
    ),
    (
        "premises",
        {"bbox": "105.5,18.5,105.8,18.8"},
        Premises.objects.filter(
            location__bboverlaps="SRID=4326;POLYGON((105.5 18.5,105.8 18.5,105.8 18.8,105.5 18.8,105.5 18.5))"
        ),
    ),
    (
        "premises",
        {"within": '{"type":"Polygon","coordinates":[[[105.5,18.5],[105.8,18.5],[105.8,18.8],[105.5,18.5]]]}'},
        Premises.objects.filter(
            location__intersects="SRID=4326;POLYGON((105.5 18.5,105.8 18.5,105.8 18.8,105.5 18.5))"
        ),
    ),
    ("assets", {"asset_class": "OTO"}, Asset.objects.filter(asset_class__code="OTO")),
    ("assets", {"category": "car"}, Asset.objects.filter(asset_class__category="car")),
    ("assets", {"status": "surplus"}, Asset.objects.filter(status="surplus")),
    ("assets", {"condition": "poor"}, Asset.objects.filter(condition="poor")),
    ("assets", {"cost_min": "1000000000"}, Asset.objects.filter(original_cost__gte=1_000_000_000)),
    ("assets", {"cost_max": "5000000"}, Asset.objects.filter(original_cost__lte=5_000_000)),
    ("needs", {"kind": "asset"}, Need.objects.filter(kind="asset")),
    ("needs", {"priority_use": "HEALTH"}, Need.objects.filter(priority_use__code="HEALTH")),
    ("handling-records", {"status": "approved"}, HandlingRecord.objects.filter(status="approved")),
    ("handling-records", {"form": "TRANSFER"}, HandlingRecord.objects.filter(form__code="TRANSFER")),
    ("handling-records", {"overdue": "true"}, HandlingRecord.objects.overdue()),
    ("agencies", {"kind": "commune_committee"}, None),
    ("agencies", {"is_active": "false"}, None),
    ("admin-units", {"level": "legacy_district"}, None),
]


@pytest.mark.parametrize(
    "name, params, expected", FILTERS, ids=lambda v: json.dumps(v)[:40] if isinstance(v, dict) else None
)
def test_each_filter(client_as, name, params, expected):
    rows = _all(client_as("demo-auditor"), f"/api/v1/{name}/", **params)
    if expected is None:
        key, value = next(iter(params.items()))
        assert rows and all(str(row[key]).lower() == value for row in rows)
        return
    assert sorted(row["id"] for row in rows) == sorted(expected.values_list("pk", flat=True).distinct())
    assert rows, params


def test_near_filter_uses_metres_on_the_ground(client_as):
    target = Premises.objects.order_by("pk").first()
    lon, lat = target.location.x, target.location.y
    rows = _all(client_as("demo-auditor"), "/api/v1/premises/", near=f"{lon},{lat},3000")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM inventory_premises "
            "WHERE ST_DistanceSphere(location, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) <= 3000",
            [lon, lat],
        )
        expected = sorted(r[0] for r in cursor.fetchall())
    assert sorted(r["id"] for r in rows) == expected and target.pk in expected


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "106,18,105,19"},
        {"within": "POINT(1 2)"},
        {"near": "105,18,-5"},
        {"status": "nonsense"},
        {"as_of": "yesterday"},
        {"updated_since": "2026-13-01T00:00:00Z"},  # RFC 3339 offsets up to ±23:59 and years 1-9999 are valid
    ],
)
def test_bad_filters_are_a_400(client_as, params):
    response = client_as("demo-auditor").get("/api/v1/premises/", params)
    assert response.status_code == 400
    assert set(response.json()) & {*params, "detail", "non_field_errors"}


def test_an_unknown_ordering_is_ignored_not_an_error(client_as):
    response = client_as("demo-auditor").get("/api/v1/premises/", {"ordering": "nonsense", "page_size": 3})
    assert response.status_code == 200 and [r["id"] for r in response.json()["results"]] == sorted(
        r["id"] for r in response.json()["results"]
    )


def test_ordering_and_cursor_pages(client_as):
    client = client_as("demo-auditor")
    first = client.get("/api/v1/premises/", {"ordering": "-floor_area", "page_size": 50}).json()
    areas = [float(r["floor_area"]) for r in first["results"]]
    assert areas == sorted(areas, reverse=True)
    second = client.get(first["next"]).json()
    assert float(second["results"][0]["floor_area"]) <= areas[-1]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


# -- formats --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, params",
    [
        ("premises", {"status": "partly_surplus"}),
        ("assets", {"asset_class": "OTO"}),
        ("handling-records", {}),
        ("needs", {}),
    ],
)
def test_csv_and_xlsx_carry_the_same_rows_as_json(client_as, name, params):
    client = client_as("demo-auditor")
    ids = [row["id"] for row in _all(client, f"/api/v1/{name}/", **params)]
    response = client.get(f"/api/v1/{name}/", {**params, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv") and response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == ids
    response = client.get(f"/api/v1/{name}/", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "id" and [r[0] for r in values[1:]] == ids


def test_geojson_pages(client_as):
    client = client_as("demo-auditor")
    response = client.get("/api/v1/premises/", {"format": "geojson", "page_size": 100, "status": "surplus"})
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    json_ids = [
        r["id"] for r in client.get("/api/v1/premises/", {"page_size": 100, "status": "surplus"}).json()["results"]
    ]
    assert [ft["id"] for ft in data["features"]] == json_ids and data["numberReturned"] == len(json_ids)
    feature = data["features"][0]
    premises = Premises.objects.get(pk=feature["id"])
    assert feature["geometry"]["coordinates"] == pytest.approx([premises.location.x, premises.location.y], abs=1e-7)
    assert feature["properties"]["code"] == premises.code and "location" not in feature["properties"]
    next_link = next(link["href"] for link in data["links"] if link["rel"] == "next")
    following = client.get(next_link).json()
    assert not {ft["id"] for ft in following["features"]} & set(json_ids)
    assets = client.get("/api/v1/assets/", {"format": "geojson", "page_size": 3}).json()
    assert len(assets["features"]) == 3 and all(ft["geometry"]["type"] == "Point" for ft in assets["features"])


# -- history and as_of --------------------------------------------------------------------
def test_a_change_on_the_web_appears_in_history_with_its_actor(client_as, demo_user):
    premises = factories.premises(status=PremisesStatus.SURPLUS)
    record = handling_services.propose_handling(demo_user("demo-finance"), premises, "RECOVER", intended_use="")
    record = factories.ready_for_decision(record)
    client = client_as("demo-finance")
    client.post(
        f"/handling/{record.pk}/approve/",
        {"decision_number": "31/QĐ-UBND", "decision_date": timezone.localdate().isoformat(), "decider": "UBND tỉnh"},
    )
    events = (
        client_as("demo-auditor")
        .get("/api/v1/history/", {"model": "handling-records", "object": record.pk, "action": "update"})
        .json()["results"]
    )
    change = events[0]
    assert change["actor"] == "demo-finance" and change["url"] == f"/handling/{record.pk}/approve/"
    assert change["before"]["status"] == "proposed" and change["after"]["status"] == "approved"
    assert change["after"]["decision_number"] == "31/QĐ-UBND" and "decision_number" in change["before"]
    by_actor = client_as("demo-auditor").get("/api/v1/history/", {"model": "handling-records", "actor": "demo-finance"})
    assert record.pk in {e["object_id"] for e in by_actor.json()["results"]}


def test_as_of_returns_the_earlier_value(client_as):
    premises = Premises.objects.order_by("pk").first()
    backdate_history("inventory_premisesevent", days=2)
    old_name = premises.name
    premises.name = "Tên mới sau khi sáp nhập"
    premises.save()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    client = client_as("demo-auditor")
    assert client.get(f"/api/v1/premises/{premises.pk}/").json()["name"] == "Tên mới sau khi sáp nhập"
    assert client.get(f"/api/v1/premises/{premises.pk}/", {"as_of": yesterday}).json()["name"] == old_name
    listed = {r["id"]: r["name"] for r in _all(client, "/api/v1/premises/", as_of=yesterday, code=premises.code)}
    assert listed == {premises.pk: old_name}
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert client.get("/api/v1/premises/", {"as_of": future}).status_code == 400


def test_reports_endpoint(client_as):
    data = client_as("demo-auditor").get("/api/v1/reports/surplus/").json()
    assert [t["key"] for t in data["tables"]] == ["by_form", "by_priority_use", "by_commune", "by_former_district"]
    assert client_as("demo-auditor").get("/api/v1/reports/nonsense/").status_code == 404


# -- tokens and throttling ----------------------------------------------------------------
def test_tokens_from_the_command_and_the_page(call, demo_user):
    key = call("api_token", "demo-auditor").strip()
    client = Client()
    assert client.get("/api/v1/premises/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    call("api_token", "demo-auditor", "--revoke")
    assert client.get("/api/v1/premises/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    browser = Client()
    browser.force_login(demo_user("demo-commune"))
    browser.post("/account/token/")
    token = Token.objects.get(user=demo_user("demo-commune"))
    assert token.key.encode() in browser.get("/account/").content
    rows = Client().get("/api/v1/premises/", {"page_size": 1000}, HTTP_AUTHORIZATION=f"Token {token.key}").json()
    own_unit = demo_user("demo-commune").admin_unit_id
    assert {r["id"] for r in rows["results"]} == set(
        Premises.objects.filter(agency__admin_unit=own_unit).values_list("pk", flat=True)
    )
    browser.post("/account/token/revoke/")
    assert not Token.objects.filter(user=demo_user("demo-commune")).exists()


def test_requests_are_throttled_per_token(demo_user, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    cache.clear()
    key = Token.objects.create(user=demo_user("demo-auditor")).key
    client = Client()
    codes = [client.get("/api/v1/needs/", HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


# -- documentation ------------------------------------------------------------------------
def test_schema_and_docs(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    premises = schema["paths"]["/api/v1/premises/"]["get"]
    names = {p["name"] for p in premises["parameters"]}
    assert {"bbox", "within", "near", "status", "as_of", "format", "cursor", "ordering"} <= names
    assert any("examples" in c for c in premises["responses"]["200"]["content"].values())
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("description"), (path, method)
            bodies = [*operation.get("requestBody", {}).get("content", {}).values()]
            bodies += [c for r in operation["responses"].values() for c in r.get("content", {}).values()]
            assert any("examples" in body for body in bodies), f"no example for {method.upper()} {path}"
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"swagger-ui" in page.content and b"cdn" not in page.content.lower()


# -- OGC API – Features -------------------------------------------------------------------
def test_ogc_landing_conformance_collections_items(client_as):
    client = client_as("demo-auditor")
    landing = client.get("/ogc/").json()
    assert {link["rel"] for link in landing["links"]} >= {"self", "conformance", "data", "service-desc"}
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in client.get("/ogc/conformance").json()["conformsTo"]
    )
    collections = client.get("/ogc/collections").json()["collections"]
    assert [c["id"] for c in collections] == [
        "premises",
        "houses",
        "assets",
        "handling-records",
        "site-plans",
        "units",
        "assets-by-premises",
        "public-sites",
    ]
    page = client.get("/ogc/collections/premises/items", {"limit": 50, "bbox": "104,18,106,20"})
    assert page["Content-Type"] == "application/geo+json"
    data = page.json()
    assert (
        data["numberReturned"] == 50
        and data["numberMatched"]
        == Premises.objects.filter(
            location__bboverlaps="SRID=4326;POLYGON((104 18,106 18,106 20,104 20,104 18))"
        ).count()
    )
    following = client.get(next(link["href"] for link in data["links"] if link["rel"] == "next")).json()
    assert not {f["id"] for f in following["features"]} & {f["id"] for f in data["features"]}
    one = data["features"][0]
    item = client.get(f"/ogc/collections/premises/items/{one['id']}").json()
    assert item["id"] == one["id"] and item["properties"]["code"] == one["properties"]["code"]
    totals = client.get(f"/ogc/collections/assets-by-premises/items/{one['id']}").json()["properties"]
    assert totals["asset_items"] == sum(Asset.objects.filter(premises_id=one["id"]).values_list("quantity", flat=True))
    assert client.get("/ogc/collections/nothing/items").status_code == 404
    assert client.get("/ogc/collections/premises/items/999999999").status_code == 404
    assert client.get("/ogc/collections/premises/items", {"limit": "0"}).status_code == 400


def test_ogc_is_scoped_and_needs_a_login(client, client_as, demo_user):
    assert client.get("/ogc/collections/premises/items").status_code in (401, 403)
    data = client_as("demo-commune").get("/ogc/collections/premises/items", {"limit": 1000}).json()
    own = Premises.objects.filter(agency__admin_unit=demo_user("demo-commune").admin_unit_id).count()
    assert 0 < own < Premises.objects.count()
    assert data["numberMatched"] == own
