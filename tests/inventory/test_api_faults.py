"""Issue 11: API requests that were server errors (or silently misread) each answer what
a caller can act on — an empty page, a 404, or a 400 naming the parameter."""

import base64
import json

import pytest

pytestmark = pytest.mark.django_db


def _cursor(text):
    return base64.b64encode(text.encode()).decode()


def test_a_geojson_page_matching_nothing_is_an_empty_collection(client_as):
    response = client_as("demo-auditor").get("/api/v1/premises/", {"code": "NOPE", "format": "geojson"})
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and data["features"] == [] and data["numberReturned"] == 0


@pytest.mark.parametrize("fid", ["abc", "1.5", "99999999999999999999"])
def test_an_ogc_item_id_that_is_no_id_is_not_found(client_as, fid):
    assert client_as("demo-auditor").get(f"/ogc/collections/premises/items/{fid}").status_code == 404


@pytest.mark.parametrize("offset", [str(2**63), str(2**63 - 1), "-1", "x"])
def test_an_ogc_offset_beyond_postgresql_is_a_400(client_as, offset):
    response = client_as("demo-auditor").get("/ogc/collections/premises/items", {"offset": offset})
    assert response.status_code == 400 and "offset" in response.json()


@pytest.mark.parametrize("since", ["0001-01-01", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_history_takes_any_date_time(client_as, since):
    response = client_as("demo-auditor").get("/api/v1/history/", {"model": "premises", "since": since})
    assert response.status_code == 200
    if since.startswith("0001"):
        assert response.json()["results"]  # every event is after the first moment
    else:
        assert response.json()["results"] == []


@pytest.mark.parametrize(
    "cursor, ordering",
    [
        ("zzz", None),
        (_cursor("p=abc"), "floor_area"),  # text where a number is compared: was a 500
        (_cursor("p=abc"), None),
        (_cursor(f"p={2**70}"), None),  # beyond bigint: was a 500
        (_cursor("p=1e999999"), "floor_area"),
        (_cursor("p=a%00b"), "code"),  # NUL in a string literal: was a 500
        (_cursor("r=x"), None),
    ],
)
def test_a_crafted_cursor_is_a_400_naming_it(client_as, cursor, ordering):
    params = {"cursor": cursor, **({"ordering": ordering} if ordering else {})}
    for url, extra in (("/api/v1/premises/", {}), ("/api/v1/history/", {"model": "premises"})):
        response = client_as("demo-auditor").get(url, {**params, **extra})
        assert response.status_code == 400, (url, response.content[:200])
        assert set(response.json()) == {"cursor"}


@pytest.mark.parametrize("page_size", ["null", "0", "1001", "abc", ""])
def test_a_bad_page_size_is_a_400_not_the_default(client_as, page_size):
    response = client_as("demo-auditor").get("/api/v1/premises/", {"page_size": page_size})
    assert response.status_code == 400 and set(response.json()) == {"page_size"}


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": ""},
        {"updated_since": ""},
        {"is_flooded": "maybe"},
        {"admin_unit": "1.5"},
        {"admin_unit": str(2**63)},
        {"floor_area_min": "1e400"},
        {"floor_area_min": "NaN"},
    ],
)
def test_typed_filters_refuse_what_the_schema_refuses(client_as, params):
    response = client_as("demo-auditor").get("/api/v1/premises/", params)
    assert response.status_code == 400 and set(response.json()) == set(params)


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1e300,1,2,3"},
        {"bbox": "nan,1,2,3"},
        {"near": "1e300,18,100"},
        {"near": "105,nan,100"},
        {"within": "POLYGON((0 0,1e300 0,1 1,0 0))"},
        {"within": "POLYGON((0 0,nan 0,1 1,0 0))"},
        {"within": '{"type":"Polygon","coordinates":[[[0,0],[1e300,0],[1,1],[0,0]]]}'},
        {"within": "POLYGON((0 0,0 1,1 0,1 1,0 0))"},  # a bow tie: invalid
    ],
)
def test_spatial_filters_with_huge_or_nan_coordinates_are_a_400(client_as, params):
    response = client_as("demo-auditor").get("/api/v1/premises/", params)
    assert response.status_code == 400 and set(response.json()) == set(params)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_errors_are_json_whatever_the_format(client_as, fmt):
    response = client_as("demo-auditor").get("/api/v1/premises/", {"format": fmt, "page_size": "0"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "page_size" in response.json()


def test_a_record_id_that_is_no_number_is_a_json_404(client_as):
    response = client_as("demo-finance").post("/api/v1/handling-records/0.5/close/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_an_as_of_record_id_that_is_no_number_is_a_404(client_as):
    response = client_as("demo-auditor").get("/api/v1/premises/-/", {"as_of": "2025-01-01"})
    assert response.status_code == 404


def test_nul_in_any_parameter_is_a_400_naming_it(client_as):
    response = client_as("demo-auditor").get("/api/v1/premises/", {"ordering": "a\x00b"})
    assert response.status_code == 400 and set(response.json()) == {"ordering"}


def _walk(client, url, params):
    """Every row of a list, following `next` links from the first page."""
    rows, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        rows += data["results"]
        if not data["next"]:
            return rows
        response = client.get(data["next"])


@pytest.mark.parametrize("ordering", ["deadline", "-deadline", "decision_due", "-created_at"])
def test_pages_in_an_ordering_with_empty_values_reach_every_record_once(client_as, ordering):
    """Proposed records have no deadline: a cursor must not hold "None", nor lose them."""
    from inventory.models import HandlingRecord

    assert HandlingRecord.objects.filter(deadline__isnull=True).exists()  # the case this is about
    rows = _walk(client_as("demo-auditor"), "/api/v1/handling-records/", {"ordering": ordering, "page_size": "4"})
    ids = [row["id"] for row in rows]
    assert sorted(ids) == sorted(HandlingRecord.objects.values_list("id", flat=True))
    field = ordering.lstrip("-")
    values = [(row[field] is not None, row[field] or "") for row in rows]  # empty values as the lowest
    assert values == sorted(values, reverse=ordering.startswith("-"))


@pytest.mark.parametrize("name", ["bbox", "near", "within"])
def test_an_empty_spatial_filter_is_a_400(client_as, name):
    response = client_as("demo-auditor").get("/api/v1/premises/", {name: ""})
    assert response.status_code == 400 and set(response.json()) == {name}


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1e2,1,2,3"},  # numbers as the schema writes them: plain decimals
        {"bbox": "181,1,182,3"},
        {"bbox": "106,19,105,18"},  # west > east
        {"near": "105.6,18.6,1000001"},
        {"near": "748245490.30,3.4,-25380"},
        {"within": "minimum"},
        {"within": "SRID=4326;POLYGON((0 0,0 1,1 1,0 0))"},
    ],
)
def test_spatial_filters_take_exactly_what_the_schema_describes(client_as, params):
    response = client_as("demo-auditor").get("/api/v1/premises/", params)
    assert response.status_code == 400 and set(response.json()) == set(params)


@pytest.mark.parametrize("cursor", ["", "not base64!", _cursor("o=0&r=0&p=1") + "&"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_empty_or_malformed_cursor_is_a_400_in_every_format(client_as, cursor, fmt):
    response = client_as("demo-auditor").get("/api/v1/agencies/", {"cursor": cursor, "format": fmt})
    assert response.status_code == 400 and set(response.json()) == {"cursor"}


def test_a_method_no_operation_has_is_a_405_whatever_the_format(client_as):
    response = client_as("demo-auditor").generic("TRACE", "/api/v1/agencies/?format=csv")
    assert response.status_code == 405 and "GET" in response["Allow"]


def test_an_empty_history_action_is_refused(client_as):
    """`?action=` is not one of insert, update, delete (the schema's enum): a 400 naming it,
    not the whole history as if no action were asked for."""
    response = client_as("demo-finance").get("/api/v1/history/", {"model": "premises", "action": ""})
    assert response.status_code == 400
    assert "action" in response.json()
