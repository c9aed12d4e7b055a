"""The review map's data, totals and unit layers: figures equal direct SQL on the same
rows, the rollup path equals the row path, scope, bad input, payload size."""

import json

import pytest
from django.db import connection

from inventory.choices import PremisesStatus
from inventory.models import Premises
from maps import mapdata
from tests import factories

pytestmark = pytest.mark.django_db
PROVINCE = (103.5, 18.4, 106.2, 20.1)


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _features(client, **params):
    response = client.get("/maps/data.geojson", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_low_zoom_gives_one_feature_per_commune_with_sql_figures(client_as):
    data = _features(client_as("demo-finance"), z=8, bbox=",".join(map(str, PROVINCE)))
    assert data["level"] == "unit"
    expected = dict(_sql("SELECT admin_unit_id, count(*) FROM inventory_premises GROUP BY 1"))
    got = {feature["properties"]["unit_id"]: feature["properties"]["count"] for feature in data["features"]}
    assert got == expected
    surplus = dict(
        _sql(
            "SELECT admin_unit_id, sum(CASE status WHEN 'surplus' THEN floor_area ELSE surplus_floor_area END) "
            "FROM inventory_premises WHERE status IN ('surplus', 'partly_surplus') GROUP BY 1"
        )
    )
    for feature in data["features"]:
        p = feature["properties"]
        assert p["surplus_area"] == pytest.approx(float(surplus.get(p["unit_id"], 0)))


def test_rollups_and_premises_rows_give_the_same_map():
    from_rollups = json.loads(mapdata.map_features(None, 9, PROVINCE))
    from_rows = json.loads(mapdata.map_features(Premises.objects.all(), 9, PROVINCE))
    assert from_rollups == from_rows
    assert mapdata.totals(None) == mapdata.totals(Premises.objects.all())


@pytest.mark.parametrize("zoom", [11, 13, 16])
def test_clusters_and_single_premises_account_for_every_premises_in_the_box(client_as, zoom):
    box = (105.55, 18.55, 105.85, 18.85)
    data = _features(client_as("demo-finance"), z=zoom, bbox=",".join(map(str, box)), status="surplus")
    total = sum(1 if ft["properties"]["kind"] == "premises" else ft["properties"]["count"] for ft in data["features"])
    expected = _sql(
        "SELECT count(*) FROM inventory_premises WHERE status = 'surplus' "
        "AND location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
        box,
    )[0][0]
    assert total == expected > 0
    singles = [ft for ft in data["features"] if ft["properties"]["kind"] == "premises"]
    for ft in singles:
        p = Premises.objects.get(pk=ft["properties"]["id"])
        assert (p.code, p.status) == (ft["properties"]["code"], ft["properties"]["status"])
        assert ft["geometry"]["coordinates"] == pytest.approx([p.location.x, p.location.y], abs=1e-6)


def test_every_zoom_of_the_province_stays_small(client_as):
    client = client_as("demo-finance")
    for zoom in range(8, 17):
        response = client.get("/maps/data.geojson", {"z": zoom, "bbox": ",".join(map(str, PROVINCE))})
        assert response.status_code == 200 and len(response.content) < 500_000


def test_a_filter_changes_the_totals_to_the_sql_figures(client_as):
    client = client_as("demo-finance")
    everything = client.get("/maps/totals.json").json()
    flooded = client.get("/maps/totals.json", {"hazard": "flooded", "status": ["surplus", "partly_surplus"]}).json()
    count, floor = _sql(
        "SELECT count(*), sum(floor_area) FROM inventory_premises "
        "WHERE is_flooded AND status IN ('surplus', 'partly_surplus')"
    )[0]
    assert everything["count"] == Premises.objects.count()
    assert (flooded["count"], flooded["floor_area"]) == (count, pytest.approx(float(floor)))
    assert flooded["count"] < everything["count"]


def test_drawn_polygon_totals_equal_a_direct_sql_aggregate(client_as):
    area = {
        "type": "Polygon",
        "coordinates": [[[105.5, 18.6], [105.8, 18.55], [105.85, 18.9], [105.55, 18.95], [105.5, 18.6]]],
    }
    totals = client_as("demo-finance").get("/maps/totals.json", {"area": json.dumps(area)}).json()
    count, floor, surplus_value, asset_value = _sql(
        "SELECT count(*), coalesce(sum(p.floor_area), 0),"
        " coalesce(sum(p.remaining_value) FILTER (WHERE p.status IN ('surplus', 'partly_surplus')), 0),"
        " (SELECT coalesce(sum(a.remaining_value), 0) FROM inventory_asset a JOIN inventory_premises q"
        "  ON q.id = a.premises_id WHERE ST_Intersects(q.location, ST_GeomFromGeoJSON(%s)))"
        " FROM inventory_premises p WHERE ST_Intersects(p.location, ST_GeomFromGeoJSON(%s))",
        [json.dumps(area), json.dumps(area)],
    )[0]
    assert count > 0
    assert (totals["count"], totals["floor_area"], totals["surplus_value"], totals["asset_value"]) == (
        count,
        pytest.approx(float(floor)),
        surplus_value,
        asset_value,
    )


def test_a_declarant_sees_only_the_premises_of_their_unit(client_as, demo_user):
    declarant = demo_user("demo-commune")
    client = client_as("demo-commune")
    own = Premises.objects.filter(agency__admin_unit=declarant.admin_unit_id).count()
    assert client.get("/maps/totals.json").json()["count"] == own < Premises.objects.count()
    data = _features(client, z=8, bbox=",".join(map(str, PROVINCE)))
    assert sum(ft["properties"]["count"] for ft in data["features"]) == own


def test_the_map_needs_a_login(client):
    for url in ("/maps/", "/maps/data.geojson?z=8&bbox=103,18,106,20", "/maps/totals.json"):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    "params, message",
    [
        ({"z": "x", "bbox": "103,18,106,20"}, "zoom"),
        ({"z": "9", "bbox": "103,18,106"}, "west,south,east,north"),
        ({"z": "9", "bbox": "106,18,103,20"}, "outside"),
        ({"z": "9", "bbox": "nan,18,106,20"}, "outside"),
        ({"z": "9", "bbox": "103,18,106,20", "status": "nonsense"}, "filters"),
    ],
)
def test_bad_map_requests_get_a_clear_error(client_as, params, message):
    response = client_as("demo-finance").get("/maps/data.geojson", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    "area, message",
    [
        ("not geojson", "not a GeoJSON polygon"),
        ('{"type": "Point", "coordinates": [105, 18]}', "must be a polygon"),
        ('{"type": "Polygon", "coordinates": [[[105,18],[106,19],[106,18],[105,19],[105,18]]]}', "crosses itself"),
        ('{"type": "Polygon", "coordinates": [[[105,18],[306,18],[306,19],[105,18]]]}', "out of range"),
        ('{"type": "Polygon", "coordinates": [[[105,18],[1e300,18],[106,19],[105,18]]]}', "out of range"),
    ],
)
def test_bad_drawn_areas_get_a_clear_error(client_as, area, message):
    response = client_as("demo-finance").get("/maps/totals.json", {"area": area}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_map_page_and_unit_layers(client_as):
    client = client_as("demo-auditor")
    page = client.get("/maps/")
    assert page.status_code == 200 and b"review-map" in page.content
    layer = client.get("/maps/units/legacy_district.geojson").json()
    assert (
        len(layer["features"])
        == _sql("SELECT count(*) FROM inventory_administrativeunit WHERE level = %s", ["legacy_district"])[0][0]
    )
    assert client.get("/maps/units/nonsense.geojson").status_code == 400


def test_a_status_change_shows_at_once_in_the_province_figures(client_as):
    premises = factories.premises(status=PremisesStatus.IN_USE_HQ)
    client = client_as("demo-finance")
    before = client.get("/maps/totals.json").json()
    premises.status = PremisesStatus.SURPLUS
    premises.save()
    after = client.get("/maps/totals.json").json()
    assert after["surplus_count"] == before["surplus_count"] + 1
    assert after["surplus_area"] == pytest.approx(before["surplus_area"] + float(premises.floor_area))
