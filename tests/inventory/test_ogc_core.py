"""OGC API – Features Part 1 (core, GeoJSON, HTML, OpenAPI 3.0): the abstract tests of each
declared conformance class, one test per requirement, named by its id (/req/core/…)."""

import re

import pytest

from inventory.models import Premises

pytestmark = pytest.mark.django_db

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


@pytest.fixture
def auditor(client_as):
    return client_as("demo-auditor")


def items(client, key="premises", **params):
    response = client.get(f"/ogc/collections/{key}/items", params)
    assert response.status_code == 200, response.content[:300]
    return response


# -- /conf/core ---------------------------------------------------------------------------
def test_req_core_root_op(client):
    assert client.get("/ogc/").status_code == 200
    response = client.get("/ogc")  # no redirect: QGIS 3.22 crashed on the 301
    assert response.status_code == 200 and "Location" not in response


def test_req_core_root_success(client):
    data = client.get("/ogc/").json()
    rels = {link["rel"]: link for link in data["links"]}
    assert {"self", "conformance", "data", "service-desc"} <= set(rels)
    assert rels["conformance"]["href"].endswith("/ogc/conformance")
    assert rels["data"]["href"].endswith("/ogc/collections")


def test_req_core_api_definition_op(client):
    href = next(link["href"] for link in client.get("/ogc/").json()["links"] if link["rel"] == "service-desc")
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")


def test_req_core_conformance_op(client):
    assert client.get("/ogc/conformance").status_code == 200


def test_req_core_conformance_success(client):
    data = client.get("/ogc/conformance").json()
    assert CORE in data["conformsTo"]
    assert all(uri.startswith("http://www.opengis.net/spec/") for uri in data["conformsTo"])


def test_req_core_http(client):
    assert client.get("/ogc/conformance", HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"


def test_req_core_fc_md_op(auditor):
    assert auditor.get("/ogc/collections").status_code == 200


def test_req_core_fc_md_success(auditor):
    data = auditor.get("/ogc/collections").json()
    assert any(link["rel"] == "self" for link in data["links"])
    ids = [c["id"] for c in data["collections"]]
    assert ids == [
        "premises",
        "houses",
        "assets",
        "handling-records",
        "site-plans",
        "units",
        "assets-by-premises",
        "public-sites",
    ]


def test_req_core_fc_md_links(auditor):
    for collection in auditor.get("/ogc/collections").json()["collections"]:
        items_links = [link for link in collection["links"] if link["rel"] == "items"]
        assert any(link["type"] == "application/geo+json" for link in items_links)
        assert all(link["href"].endswith(f"/ogc/collections/{collection['id']}/items") for link in items_links[:1])


def test_req_core_fc_md_items(auditor):
    for collection in auditor.get("/ogc/collections").json()["collections"]:
        assert collection["id"] and collection["title"] and collection["itemType"] == "feature"


def test_req_core_fc_md_items_links(auditor):
    for collection in auditor.get("/ogc/collections").json()["collections"]:
        assert {"self", "alternate", "items"} <= {link["rel"] for link in collection["links"]}


def test_req_core_fc_md_extent(auditor):
    extent = auditor.get("/ogc/collections/premises").json()["extent"]["spatial"]
    assert extent["crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    west, south, east, north = extent["bbox"][0]
    # Nghệ An lies within about 103.8–105.9 E, 18.5–20.0 N: the demo premises too.
    assert 103 < west <= east < 106.5 and 18 < south <= north < 20.5


def test_req_core_sfc_md_op(auditor):
    assert auditor.get("/ogc/collections/premises").status_code == 200
    assert auditor.get("/ogc/collections/nothing").status_code == 404


def test_req_core_sfc_md_success(auditor):
    one = auditor.get("/ogc/collections/houses").json()
    listed = next(c for c in auditor.get("/ogc/collections").json()["collections"] if c["id"] == "houses")
    assert one == listed


def test_req_core_fc_op(auditor):
    assert auditor.get("/ogc/collections/premises/items").status_code == 200
    assert auditor.get("/ogc/collections/nothing/items").status_code == 404


def test_req_core_fc_limit_definition(auditor):
    assert auditor.get("/ogc/collections/premises/items", {"limit": 0}).status_code == 400
    assert auditor.get("/ogc/collections/premises/items", {"limit": 10_001}).status_code == 400
    assert auditor.get("/ogc/collections/premises/items", {"limit": "abc"}).status_code == 400


def test_req_core_fc_limit_response_1(auditor):
    data = items(auditor, limit=7).json()
    assert len(data["features"]) == 7 == data["numberReturned"]


def test_req_core_fc_bbox_definition(auditor):
    for bad in ("1,2,3", "a,b,c,d", "106,18,104,20", "nan,18,106,20", "1e400,18,106,20", "200,18,201,20"):
        assert auditor.get("/ogc/collections/premises/items", {"bbox": bad}).status_code == 400, bad


def test_req_core_fc_bbox_response(auditor):
    box = "105.6,18.6,105.75,18.75"  # around Vinh
    data = items(auditor, bbox=box, limit=1000).json()
    expected = set(
        Premises.objects.filter(
            location__intersects="SRID=4326;POLYGON((105.6 18.6,105.75 18.6,105.75 18.75,105.6 18.75,105.6 18.6))"
        ).values_list("id", flat=True)
    )
    assert expected and {f["id"] for f in data["features"]} == expected
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 105.6 <= lon <= 105.75 and 18.6 <= lat <= 18.75


def test_req_core_fc_response(auditor):
    data = items(auditor, limit=3).json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in data["features"])


def test_req_core_fc_links(auditor):
    links = items(auditor, limit=3).json()["links"]
    rels = [link["rel"] for link in links]
    assert "self" in rels and "alternate" in rels
    assert next(link for link in links if link["rel"] == "self")["type"] == "application/geo+json"


def test_req_core_fc_next_1(auditor):
    data = items(auditor, limit=100).json()
    nxt = next(link["href"] for link in data["links"] if link["rel"] == "next")
    following = auditor.get(nxt).json()
    assert following["numberReturned"] == 100
    assert not {f["id"] for f in following["features"]} & {f["id"] for f in data["features"]}


def test_req_core_fc_next_2(auditor):
    """Following next links from the first page visits every feature once, then stops."""
    seen, url = [], "/ogc/collections/premises/items?limit=200"
    while url:
        data = auditor.get(url).json()
        seen += [f["id"] for f in data["features"]]
        url = next((link["href"] for link in data["links"] if link["rel"] == "next"), None)
    assert sorted(seen) == sorted(Premises.objects.values_list("id", flat=True))


def test_req_core_fc_timestamp(auditor):
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d|.*Z", items(auditor, limit=1).json()["timeStamp"])


def test_req_core_fc_numbermatched(auditor):
    assert items(auditor, limit=1).json()["numberMatched"] == Premises.objects.count()


def test_req_core_fc_numberreturned(auditor):
    total = Premises.objects.count()
    data = items(auditor, limit=100, offset=total - 5).json()
    assert data["numberReturned"] == 5 == len(data["features"])


def test_req_core_query_param_invalid(auditor):
    assert auditor.get("/ogc/collections/premises/items", {"offset": "-1"}).status_code == 400


def test_req_core_query_param_unknown(auditor):
    assert auditor.get("/ogc/collections/premises/items", {"colour": "red"}).status_code == 400
    assert auditor.get("/ogc/conformance", {"colour": "red"}).status_code == 400


def test_req_core_f_op(auditor):
    one = Premises.objects.order_by("id").first()
    assert auditor.get(f"/ogc/collections/premises/items/{one.id}").status_code == 200
    assert auditor.get("/ogc/collections/premises/items/999999999").status_code == 404


def test_req_core_f_success(auditor):
    one = Premises.objects.order_by("id").first()
    feature = auditor.get(f"/ogc/collections/premises/items/{one.id}").json()
    assert feature["type"] == "Feature" and feature["id"] == one.id
    assert feature["properties"]["code"] == one.code
    assert feature["geometry"]["coordinates"] == pytest.approx([one.location.x, one.location.y], abs=1e-7)


def test_req_core_f_links(auditor):
    one = Premises.objects.order_by("id").first()
    links = auditor.get(f"/ogc/collections/premises/items/{one.id}").json()["links"]
    rels = {link["rel"]: link["href"] for link in links}
    assert {"self", "alternate", "collection"} <= set(rels)
    assert rels["collection"].endswith("/ogc/collections/premises")


# -- /conf/geojson ------------------------------------------------------------------------
def test_req_geojson_definition(auditor):
    one = Premises.objects.order_by("id").first()
    assert items(auditor, limit=1)["Content-Type"] == "application/geo+json"
    assert auditor.get(f"/ogc/collections/premises/items/{one.id}")["Content-Type"] == "application/geo+json"


def test_req_geojson_content(auditor):
    data = items(auditor, "units", limit=2).json()
    assert set(data) >= {"type", "features", "links", "numberMatched", "numberReturned"}
    for feature in data["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert "crs" not in feature["geometry"]  # RFC 7946 has no crs member


# -- /conf/html ---------------------------------------------------------------------------
def test_req_html_definition(auditor):
    for url in (
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/premises",
        "/ogc/collections/premises/queryables",
        "/ogc/collections/premises/items",
    ):
        assert auditor.get(url, {"f": "html"})["Content-Type"].startswith("text/html"), url
        browser = auditor.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        assert browser["Content-Type"].startswith("text/html"), url


def test_req_html_content(auditor):
    one = Premises.objects.order_by("id").first()
    page = auditor.get(f"/ogc/collections/premises/items/{one.id}", {"f": "html"}).content.decode()
    assert one.code in page and "<table" in page
    listing = auditor.get("/ogc/collections/premises/items", {"f": "html", "limit": 5}).content.decode()
    assert listing.count('href="/ogc/collections/premises/items/') == 5


# -- /conf/oas30 --------------------------------------------------------------------------
def test_req_oas30_oas_definition_1(client):
    link = next(link for link in client.get("/ogc/").json()["links"] if link["rel"] == "service-desc")
    assert link["type"] == "application/vnd.oai.openapi+json;version=3.0"


def test_req_oas30_oas_definition_2(client):
    spec = client.get("/ogc/api").json()
    assert spec["openapi"].startswith("3.0.")
    assert spec["info"]["title"] and spec["info"]["version"]
    for path, item in spec["paths"].items():
        for parameter in item["get"].get("parameters", []):
            assert {"name", "in", "schema"} <= set(parameter), (path, parameter)
            if parameter["in"] == "path":
                assert parameter["required"] is True and "{" + parameter["name"] + "}" in path


def test_req_oas30_oas_impl(auditor):
    """Every path of the definition answers, with every collection it names."""
    spec = auditor.get("/ogc/api").json()
    one = Premises.objects.order_by("id").first()
    for path, item in spec["paths"].items():
        keys = next(
            (p["schema"]["enum"] for p in item["get"].get("parameters", []) if p["name"] == "collectionId"), [None]
        )
        for key in keys:
            url = "/ogc" + path.replace("{collectionId}", key or "").replace("{featureId}", str(one.id))
            if "{featureId}" in path and key != "premises":
                continue
            assert auditor.get(url).status_code == 200, url


def test_req_oas30_completeness(auditor):
    spec = auditor.get("/ogc/api").json()
    items_parameters = {p["name"] for p in spec["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]}
    assert items_parameters == {
        "collectionId",
        "f",
        "limit",
        "offset",
        "bbox",
        "bbox-crs",
        "crs",
        "filter",
        "filter-lang",
        "filter-crs",
    }


def test_req_oas30_exceptions_codes(auditor):
    spec = auditor.get("/ogc/api").json()
    codes = set(spec["paths"]["/collections/{collectionId}/items"]["get"]["responses"])
    assert {"200", "400", "401", "404"} <= codes
    assert auditor.get("/ogc/collections/premises/items", {"limit": 0})["Content-Type"] == "application/json"


def test_req_oas30_security(client):
    spec = client.get("/ogc/api").json()
    assert spec["components"]["securitySchemes"]["gisPassword"] == {
        "type": "http",
        "scheme": "basic",
        "description": "User name and GIS password",
    }
