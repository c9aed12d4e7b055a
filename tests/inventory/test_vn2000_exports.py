"""Exports in VN-2000 (issue 17 item 1): `?srs=9208|3405` on the API's spatial lists writes
CSV/XLSX with X (northing) and Y (easting) columns and GeoJSON with a "crs" member; the
expected metres are PROJ's own (pyproj) from the stored longitude/latitude, to 0.01 m."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pyproj import Transformer

from inventory.models import Premises

pytestmark = pytest.mark.django_db

URL = "/api/v1/premises/"


def proj(srid, lon, lat):
    return Transformer.from_crs(4326, srid, always_xy=True).transform(lon, lat)


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def expected_locations(user):
    """The user's premises and their points, chosen by the rule itself: a commune
    declarant's are those of agencies of its own unit; finance sees all."""
    rows = Premises.objects.all()
    if user.role == "declarant":
        rows = rows.filter(agency__admin_unit=user.admin_unit)
    return {p.code: (p.location.x, p.location.y) for p in rows}


@pytest.mark.parametrize("srid", [9208, 3405])
def test_csv_has_x_northing_and_y_easting_in_the_chosen_system(client_as, demo_user, srid):
    client = client_as("demo-commune")
    response = client.get(URL, {"format": "csv", "srs": srid})
    assert response.status_code == 200
    rows = csv_rows(response)
    expected = expected_locations(demo_user("demo-commune"))
    assert {r["code"] for r in rows} == set(expected)
    assert "longitude" not in rows[0]
    for row in rows:
        east, north = proj(srid, *expected[row["code"]])
        assert float(row[f"x_northing_epsg{srid}"]) == pytest.approx(north, abs=0.01)
        assert float(row[f"y_easting_epsg{srid}"]) == pytest.approx(east, abs=0.01)


def test_csv_without_srs_keeps_longitude_and_latitude(client_as, demo_user):
    rows = csv_rows(client_as("demo-commune").get(URL, {"format": "csv"}))
    expected = expected_locations(demo_user("demo-commune"))
    for row in rows:
        assert float(row["longitude"]) == pytest.approx(expected[row["code"]][0], abs=1e-9)


def test_xlsx_in_the_provincial_zone(client_as, demo_user):
    response = client_as("demo-finance").get(URL, {"format": "xlsx", "srs": "9208", "page_size": 50})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    heading = list(rows[0])
    x_col, y_col, code_col = (
        heading.index("x_northing_epsg9208"),
        heading.index("y_easting_epsg9208"),
        heading.index("code"),
    )
    expected = expected_locations(demo_user("demo-finance"))
    assert len(rows) - 1 == len(expected)
    for row in rows[1:200]:
        east, north = proj(9208, *expected[row[code_col]])
        assert row[x_col] == pytest.approx(north, abs=0.01) and row[y_col] == pytest.approx(east, abs=0.01)


@pytest.mark.parametrize("srid", [9208, 3405])
def test_geojson_names_its_system_and_has_proj_s_metres(client_as, demo_user, srid):
    response = client_as("demo-commune").get(URL, {"format": "geojson", "srs": srid})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["crs"] == {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    expected = expected_locations(demo_user("demo-commune"))
    assert data["features"] and {f["properties"]["code"] for f in data["features"]} <= set(expected)
    for feature in data["features"]:
        east, north = proj(srid, *expected[feature["properties"]["code"]])
        assert feature["geometry"]["coordinates"] == pytest.approx([east, north], abs=0.01)


def test_gdal_reads_the_geojson_export_in_its_system(client_as, tmp_path):
    from django.contrib.gis.gdal import DataSource

    response = client_as("demo-finance").get(URL, {"format": "geojson", "srs": "9208", "page_size": 5})
    path = tmp_path / "premises.geojson"
    path.write_bytes(response.content)
    layer = DataSource(str(path))[0]
    layer.srs.identify_epsg()
    assert layer.srs.srid == 9208


@pytest.mark.parametrize("srs", ["3857", "abc", "", "9208&srs=3405", "1e300", "<b>", "=1+1"])
def test_another_system_is_a_400_naming_srs(client_as, srs):
    client = client_as("demo-finance")
    query = f"format=csv&srs={srs}"
    response = client.get(f"{URL}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "srs" in response.json()


def test_the_json_list_checks_srs_too(client_as):
    assert client_as("demo-finance").get(URL, {"srs": "4277"}).status_code == 400


def test_the_premises_list_offers_the_systems_with_the_filters(client_as):
    page = client_as("demo-finance").get(reverse("inventory:premises_list"), {"status": "surplus", "page": "2"})
    html = page.content.decode()
    assert 'data-testid="coordinate-export"' in html
    for srid in ("4326", "9208", "3405"):
        assert f'<option value="{srid}">' in html
    assert '<input type="hidden" name="status" value="surplus">' in html
    assert 'name="page" value="2"' not in html


def test_the_schema_documents_srs(client_as):
    schema = client_as("demo-finance").get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/premises/"]["get"]["parameters"]
    srs = next(p for p in parameters if p["name"] == "srs")
    assert set(srs["schema"]["enum"]) == {4326, 9208, 3405}
