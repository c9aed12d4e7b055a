"""OGC API – Features Part 3 (queryables, filter, features-filter) and CQL2 (text, JSON,
basic CQL2, basic spatial functions, advanced comparison, CASEI, ACCENTI, property-property):
the abstract tests of each declared class, one per requirement, named by its id; a CQL2
filter returns the same ids as the same REST filter; a commune user's filter never reaches
another commune's rows. Every expected id below is written by the test from what it made."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from inventory.choices import Condition, PremisesStatus
from inventory.models import AdministrativeUnit, PriorityUse
from inventory.services import handling, plans
from tests import factories

pytestmark = pytest.mark.django_db

MARK = "Zq"  # in every name made here, so filters can leave the demo data out


@pytest.fixture
def world():
    """Sites in two communes (A: Thành Vinh, B: another), with houses, assets, a handling
    record and a site plan in each."""
    unit_a = factories.unit("Phường Thành Vinh")
    unit_b = AdministrativeUnit.objects.communes().exclude(pk=unit_a.pk).order_by("code").first()
    agency_a, agency_b = factories.agency(unit_a), factories.agency(unit_b)
    finance = factories.user()

    def site(agency, name, **kwargs):
        return factories.premises(
            admin_unit=agency.admin_unit, agency=agency, name=f"{MARK} {name}", floors=3, **kwargs
        )

    a1 = site(
        agency_a,
        "Nhà văn hóa Đông Vĩnh",
        status=PremisesStatus.SURPLUS,
        condition=Condition.POOR,
        floor_area=Decimal(450),
        location=Point(105.70, 18.70, srid=4326),
    )
    a2 = site(
        agency_a,
        "Trụ sở Hưng Bình",
        status=PremisesStatus.SURPLUS,
        condition=Condition.GOOD,
        floor_area=Decimal(120),
        location=Point(105.68, 18.66, srid=4326),
        year_built=1998,
    )
    a3 = site(
        agency_a,
        "Kho Vinh Tân",
        status=PremisesStatus.IN_USE_HQ,
        condition=Condition.POOR,
        floor_area=Decimal(900),
        location=Point(105.66, 18.68, srid=4326),
        storm_damaged=True,
    )
    b1 = site(
        agency_b,
        "Nhà văn hóa Đông Vĩnh",
        status=PremisesStatus.SURPLUS,
        condition=Condition.POOR,
        floor_area=Decimal(450),
        location=Point(105.70, 18.70, srid=4326),
    )
    b2 = site(
        agency_b,
        "Trụ sở Vinh Phú",
        status=PremisesStatus.SURPLUS,
        condition=Condition.GOOD,
        floor_area=Decimal(800),
        location=Point(105.30, 19.10, srid=4326),
    )
    # A site with building columns declares its one house (made by the site itself).
    houses = {key: s.houses.get() for key, s in (("a1", a1), ("b1", b1))}
    assets = {
        key: factories.asset(agency=s.agency, premises=s, name=f"{MARK} máy {key}")
        for key, s in (("a1", a1), ("b1", b1))
    }
    records, site_plans = {}, {}
    health = PriorityUse.objects.get(code="HEALTH")
    for key, agency in (("a1", agency_a), ("b1", agency_b)):
        # Their own sites, without the mark: a proposal puts its site under handling.
        s = factories.premises(admin_unit=agency.admin_unit, agency=agency, name=f"Trụ sở xử lý {key}")
        records[key] = handling.propose(
            finance, handling.Proposal(form_code="CONVERT_FUNCTION", intended_use="Y tế"), premises=s
        )
        site_plans[key] = plans.save_plan(
            finance,
            s,
            {
                "managing_agency": s.agency,
                "responsible_person": "Cán bộ",
                "use": "priority_use",
                "priority_use": health,
                "start_date": dt.date(2026, 12, 1),
                "end_date": dt.date(2027, 1, 1),
            },
        )
    return {
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "b1": b1,
        "b2": b2,
        "houses": houses,
        "assets": assets,
        "records": records,
        "plans": site_plans,
        "commune_a": factories.declarant(unit_a, agency=agency_a),
        "finance": finance,
    }


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def ids(client, key="premises", **params):
    params = {"limit": 10_000, **params}
    response = client.get(f"/ogc/collections/{key}/items", params)
    assert response.status_code == 200, response.content[:400]
    return {f["id"] for f in response.json()["features"]}


def marked(client, condition, **params):
    """Ids of the sites made here matching `condition` (cql2-text)."""
    return ids(client, filter=f"name LIKE '{MARK} %' AND ({condition})", **params)


def refused(client, key="premises", **params):
    response = client.get(f"/ogc/collections/{key}/items", params)
    assert response.status_code == 400, response.content[:300]
    return response.json()


# -- /conf/queryables ---------------------------------------------------------------------
def test_req_queryables_get_queryables_uris(client_as):
    for collection in client_as("demo-auditor").get("/ogc/collections").json()["collections"]:
        link = next(k for k in collection["links"] if k["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/queryables")
        assert link["href"].endswith(f"/ogc/collections/{collection['id']}/queryables")
        assert link["type"] == "application/schema+json"


def test_req_queryables_get_queryables_op(client_as, client):
    auditor = client_as("demo-auditor")
    assert auditor.get("/ogc/collections/premises/queryables").status_code == 200
    assert auditor.get("/ogc/collections/nope/queryables").status_code == 404
    assert Client().get("/ogc/collections/assets/queryables").status_code == 401
    assert Client().get("/ogc/collections/public-sites/queryables").status_code == 200


def test_req_queryables_get_queryables_response(client_as):
    response = client_as("demo-auditor").get("/ogc/collections/premises/queryables")
    assert response["Content-Type"] == "application/schema+json"
    schema = response.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/ogc/collections/premises/queryables")
    assert schema["type"] == "object"
    props = schema["properties"]
    assert props["name"] == {"type": "string", "title": "name"}
    assert props["floor_area"] == {"type": "number"}
    assert props["storm_damaged"] == {"type": "boolean"}
    assert props["in_use_date"] == {"type": "string", "format": "date"}
    assert props["status"]["enum"] == [
        "in_use_hq",
        "other_public_use",
        "partly_surplus",
        "surplus",
        "under_handling",
        "handled",
    ]
    assert props["geometry"] == {"format": "geometry-point", "x-ogc-role": "primary-geometry"}


def test_public_queryables_name_only_allow_listed_fields(client):
    from inventory.public import LIST_FIELDS

    props = client.get("/ogc/collections/public-sites/queryables").json()["properties"]
    assert set(props) - {"geometry"} <= set(LIST_FIELDS)


# -- /conf/filter and /conf/features-filter -----------------------------------------------
def test_req_filter_filter_param(world):
    client = as_user(world["finance"])
    assert marked(client, "status = 'surplus'") == {world[k].id for k in ("a1", "a2", "b1", "b2")}
    assert refused(client, filter="status = ")["filter"]


def test_req_filter_filter_lang_param(world):
    client = as_user(world["finance"])
    text = marked(client, "floor_area > 400", **{"filter-lang": "cql2-text"})
    body = {
        "op": "and",
        "args": [
            {"op": "like", "args": [{"property": "name"}, f"{MARK} %"]},
            {"op": ">", "args": [{"property": "floor_area"}, 400]},
        ],
    }
    as_json = ids(client, filter=json.dumps(body), **{"filter-lang": "cql2-json"})
    assert text == as_json == {world[k].id for k in ("a1", "a3", "b1", "b2")}
    assert refused(client, filter="floors > 1", **{"filter-lang": "ecql"})
    assert refused(client, **{"filter-lang": "sql"})


def test_req_filter_filter_lang_default(world):
    client = as_user(world["finance"])
    assert marked(client, "floor_area < 200") == {world["a2"].id}


def test_req_filter_filter_crs_wgs84(world):
    client = as_user(world["finance"])
    near_b2 = "S_INTERSECTS(geometry, POLYGON((105.2 19.0, 105.4 19.0, 105.4 19.2, 105.2 19.2, 105.2 19.0)))"
    assert marked(client, near_b2) == {world["b2"].id}


def test_req_filter_filter_crs_param(world):
    from pyproj import Transformer

    client = as_user(world["finance"])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9208", always_xy=True).transform(105.30, 19.10)
    box = f"POLYGON(({x - 9} {y - 9}, {x + 9} {y - 9}, {x + 9} {y + 9}, {x - 9} {y + 9}, {x - 9} {y - 9}))"
    tm3 = {"filter-crs": "http://www.opengis.net/def/crs/EPSG/0/9208"}
    assert marked(client, f"S_INTERSECTS(geometry, {box})", **tm3) == {world["b2"].id}
    lat_first = {"filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}
    assert marked(client, "S_INTERSECTS(geometry, POINT(19.1 105.3))", **lat_first) == {world["b2"].id}
    assert refused(client, filter="S_INTERSECTS(geometry, POINT(1 2))", **{"filter-crs": "EPSG:1"})


def test_req_filter_response(world):
    client = as_user(world["finance"])
    data = client.get(
        "/ogc/collections/premises/items", {"filter": f"name LIKE '{MARK} %' AND condition = 'poor'"}
    ).json()
    assert data["numberMatched"] == 3 == data["numberReturned"]
    assert {f["properties"]["condition"] for f in data["features"]} == {"poor"}


def test_req_filter_mixing_expressions(world):
    """bbox and filter together: features matching both."""
    client = as_user(world["finance"])
    assert marked(client, "condition = 'poor'", bbox="105.69,18.69,105.71,18.71") == {world["a1"].id, world["b1"].id}


def test_req_filter_unknown_queryable(world):
    client = as_user(world["finance"])
    assert "notes" in refused(client, filter="notes = 'x'")["filter"]
    assert refused(client, filter="password = 'x'")  # a column never published is no queryable
    assert refused(client, "public-sites", filter="status = 'surplus'")  # not in the public queryables


def test_req_features_filter_filter_param(world):
    client = as_user(world["finance"])
    for key, made in (("houses", "houses"), ("assets", "assets")):
        assert ids(client, key, filter=f"premises_code = '{world['a1'].code}'") == {world[made]["a1"].id}
    record = world["records"]["b1"]
    assert ids(client, "handling-records", filter=f"premises = {record.premises_id}") == {record.id}
    plan = world["plans"]["a1"]
    assert ids(client, "site-plans", filter=f"premises_code = '{plan.premises.code}'") == {plan.id}


def test_req_features_filter_response(world):
    client = as_user(world["finance"])
    assert refused(client, "houses", filter="floor_area > 'big'")["filter"]
    assert refused(client, "houses", filter="floor_area > 1e300")


# -- CQL2 ---------------------------------------------------------------------------------
def test_req_cql2_text_syntax(world):
    client = as_user(world["finance"])
    assert marked(client, "NOT (status = 'surplus') AND storm_damaged = TRUE") == {world["a3"].id}
    assert marked(client, "year_built = 1998 OR floor_area >= 900") == {world["a2"].id, world["a3"].id}


def test_req_cql2_json_syntax(world):
    client = as_user(world["finance"])
    body = {
        "op": "and",
        "args": [
            {"op": "like", "args": [{"property": "name"}, f"{MARK} %"]},
            {"op": "=", "args": [{"property": "status"}, "in_use_hq"]},
        ],
    }
    assert ids(client, filter=json.dumps(body), **{"filter-lang": "cql2-json"}) == {world["a3"].id}
    assert refused(client, filter="{not json", **{"filter-lang": "cql2-json"})


def test_req_basic_cql2_binary_comparison_predicate(world):
    client = as_user(world["finance"])
    assert marked(client, "floor_area = 450") == {world["a1"].id, world["b1"].id}
    assert marked(client, "floor_area <> 450 AND status = 'surplus'") == {world["a2"].id, world["b2"].id}
    assert marked(client, "floor_area <= 120") == {world["a2"].id}
    assert marked(client, "900 <= floor_area") == {world["a3"].id}  # a literal first
    assert marked(client, "in_use_date = DATE('2010-01-01') AND floor_area > 850") == {world["a3"].id}


def test_req_basic_cql2_null_predicate(world):
    client = as_user(world["finance"])
    assert marked(client, "year_built IS NOT NULL") == {world["a2"].id}
    assert world["a2"].id not in marked(client, "year_built IS NULL")


def test_req_basic_cql2_boolean(world):
    client = as_user(world["finance"])
    assert marked(client, "storm_damaged = true") == {world["a3"].id}
    assert refused(client, filter="storm_damaged = 'yes'")


def test_req_basic_cql2_types(world):
    client = as_user(world["finance"])
    assert refused(client, filter="floor_area = 'x'")
    assert refused(client, filter="name = 3")
    assert refused(client, filter="status = 'nope'")
    assert refused(client, filter="in_use_date = 'soon'")


def test_req_basic_spatial_functions_spatial_predicates(world):
    client = as_user(world["finance"])
    around_a1 = "POLYGON((105.699 18.699, 105.701 18.699, 105.701 18.701, 105.699 18.701, 105.699 18.699))"
    assert marked(client, f"S_INTERSECTS(geometry, {around_a1})") == {world["a1"].id, world["b1"].id}
    assert marked(client, "S_INTERSECTS(geometry, POINT(105.3 19.1))") == {world["b2"].id}
    body = {"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [105.3, 19.1]}]}
    assert ids(client, filter=json.dumps(body), **{"filter-lang": "cql2-json"}) >= {world["b2"].id}
    for hostile in ("POINT(1e300 1)", "POINT(200 10)", "POLYGON((0 0, 1 1, 0 0))", "LINESTRING(nan 1, 2 3)"):
        assert refused(client, filter=f"S_INTERSECTS(geometry, {hostile})"), hostile
    assert refused(client, filter="S_INTERSECTS(name, POINT(1 1))")


def test_req_advanced_comparison_operators_like_predicate(world):
    client = as_user(world["finance"])
    assert marked(client, "name LIKE '%Vĩnh'") == {world["a1"].id, world["b1"].id}
    assert marked(client, "name LIKE '%Tr_ sở%'") == {world["a2"].id, world["b2"].id}
    assert marked(client, "name NOT LIKE '%Vĩnh'") == {world[k].id for k in ("a2", "a3", "b2")}


def test_req_advanced_comparison_operators_between_predicate(world):
    client = as_user(world["finance"])
    assert marked(client, "floor_area BETWEEN 400 AND 850") == {world[k].id for k in ("a1", "b1", "b2")}


def test_req_advanced_comparison_operators_in_predicate(world):
    client = as_user(world["finance"])
    assert marked(client, "condition IN ('good')") == {world["a2"].id, world["b2"].id}
    assert marked(client, "floor_area NOT IN (450, 900)") == {world["a2"].id, world["b2"].id}


def test_req_case_insensitive_comparison_casei_function(world):
    client = as_user(world["finance"])
    assert marked(client, "CASEI(name) = CASEI('ZQ KHO VINH TÂN')") == {world["a3"].id}
    assert marked(client, "name = 'ZQ KHO VINH TÂN'") == set()


def test_req_accent_insensitive_comparison_accenti_function(world):
    """Vietnamese names without their diacritics (đ as d) find the accented ones."""
    client = as_user(world["finance"])
    assert marked(client, f"ACCENTI(name) = ACCENTI('{MARK} Nha van hoa Dong Vinh')") == {
        world["a1"].id,
        world["b1"].id,
    }
    assert marked(client, f"ACCENTI(name) = ACCENTI('{MARK} Nhà văn hóa Đông Vinh')") == {
        world["a1"].id,
        world["b1"].id,
    }
    assert marked(client, f"name = '{MARK} Nha van hoa Dong Vinh'") == set()
    both = "CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('%tru so%'))"
    assert marked(client, both) == {world["a2"].id, world["b2"].id}
    decomposed = "ACCENTI(name) = ACCENTI('Zq Tru\u0323 so\u031b\u0309 Hu\u031bng Bi\u0300nh')"  # NFD input
    assert marked(client, decomposed) == {world["a2"].id}


def test_req_property_property_comparison(world):
    client = as_user(world["finance"])
    assert marked(client, "footprint_area < floor_area AND floor_area < land_area") == {
        world[k].id for k in ("a1", "a3", "b1", "b2")
    }
    assert refused(client, filter="floor_area = name")


# -- scope, REST equivalence, hostile input ------------------------------------------------
def test_a_commune_users_filter_never_reaches_another_communes_rows(world):
    client = as_user(world["commune_a"])
    everything = "name LIKE '%' OR name IS NULL OR NOT (name LIKE '%')"
    assert marked(client, everything) == {world[k].id for k in ("a1", "a2", "a3")}
    assert marked(client, f"ACCENTI(name) = ACCENTI('{MARK} Nha van hoa Dong Vinh')") == {world["a1"].id}
    assert marked(client, f"id = {world['b1'].id} OR admin_unit = {world['b1'].admin_unit_id}") == set()
    assert ids(client, filter="S_INTERSECTS(geometry, POINT(105.3 19.1))") == set()  # b2's spot
    assert ids(client, "houses", filter=f"premises = {world['b1'].id}") == set()
    made = f"premises_code IN ('{world['a1'].code}', '{world['b1'].code}')"
    assert ids(client, "houses", filter=made) == {world["houses"]["a1"].id}
    assert ids(client, "assets", filter=f"name LIKE '{MARK}%'") == {world["assets"]["a1"].id}
    assert ids(client, "handling-records", filter="status = 'proposed'") >= {world["records"]["a1"].id}
    assert world["records"]["b1"].id not in ids(client, "handling-records", filter="status = 'proposed'")
    assert ids(client, "site-plans", filter="premises_code LIKE 'T-TS-%'") == {world["plans"]["a1"].id}
    item = client.get(f"/ogc/collections/premises/items/{world['b1'].id}")
    assert item.status_code == 404


def test_each_collection_is_scoped_as_the_rest_api(world):
    from tests.inventory.test_api import _all

    for user in (world["commune_a"], world["finance"]):
        client = as_user(user)
        for key, url, flt in (
            ("premises", "/api/v1/premises/", {"q": MARK}),
            ("assets", "/api/v1/assets/", {"q": MARK}),
            ("handling-records", "/api/v1/handling-records/", {}),
            ("site-plans", "/api/v1/site-plans/", {}),
        ):
            rest = {row["id"] for row in _all(client, url, **flt)}
            cql = f"name LIKE '%{MARK}%'" if flt else "id > 0"
            assert ids(client, key, filter=cql) == rest, (user.username, key)


def test_a_cql2_filter_and_the_same_rest_filter_return_the_same_ids(world):
    from tests.inventory.test_api import _all

    for user in (world["commune_a"], world["finance"]):
        client = as_user(user)
        rest = {r["id"] for r in _all(client, "/api/v1/premises/", status="surplus", condition="poor")}
        assert ids(client, filter="status = 'surplus' AND condition = 'poor'") == rest
        rest = {
            r["id"]
            for r in _all(client, "/api/v1/premises/", storm_damaged="true", admin_unit=world["a1"].admin_unit.code)
        }
        cql = {
            "op": "and",
            "args": [
                {"op": "=", "args": [{"property": "storm_damaged"}, True]},
                {"op": "=", "args": [{"property": "admin_unit"}, world["a1"].admin_unit_id]},
            ],
        }
        assert ids(client, filter=json.dumps(cql), **{"filter-lang": "cql2-json"}) == rest
    expected = {world["a1"].id, world["a3"].id}
    assert {
        r["id"] for r in _all(as_user(world["commune_a"]), "/api/v1/premises/", q=MARK, condition="poor")
    } == expected


@pytest.mark.parametrize(
    "text",
    [
        "name = '\x00'",
        "floor_area > 1e400",
        "floors = NaN",
        "T_BEFORE(in_use_date, DATE('2020-01-01'))",
        "floor_area + 1 > 2",
        "name = 'a' " + "OR name = 'a' " * 600,
        "'x' = 'x'",
        "CASEI(name) = 'x'",
        "ACCENTI(floor_area) = ACCENTI(1)",
        "S_INTERSECTS(geometry, POLYGON((" + ", ".join(f"{i % 90} {i % 45}" for i in range(10_005)) + ")))",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_filters_are_refused_with_a_message(client_as, text):
    response = client_as("demo-auditor").get("/ogc/collections/premises/items", {"filter": text})
    assert response.status_code == 400
    assert response.json()["filter"]
