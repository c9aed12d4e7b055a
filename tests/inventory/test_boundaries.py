"""Boundary import from GeoJSON/Shapefile through GDAL, reprojected to WGS 84."""

import json

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management.base import CommandError

from inventory.choices import UnitLevel
from inventory.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

# Two squares in VN-2000 / UTM zone 48N (EPSG:3405), around Vinh.
SQUARE_A = [[570000, 2064000], [573000, 2064000], [573000, 2067000], [570000, 2067000], [570000, 2064000]]
SQUARE_B = [[574000, 2068000], [576000, 2068000], [576000, 2070000], [574000, 2070000], [574000, 2068000]]


def write_geojson(path, features, crs="urn:ogc:def:crs:EPSG::3405"):
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def square(code, ring, field="ma_xa"):
    return {"type": "Feature", "properties": {field: code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def boundaries():
    return dict(AdministrativeUnit.objects.filter(boundary__isnull=False).values_list("code", "boundary"))


def test_imports_and_reprojects_polygons(tmp_path, call):
    path = write_geojson(tmp_path / "xa.geojson", [square(16681, SQUARE_A), square("16702", SQUARE_B)])
    out = call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    assert "updated=2" in out
    vinh = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="16681")
    assert vinh.boundary.srid == 4326
    assert vinh.boundary.geom_type == "MultiPolygon"
    # Reprojected into lon/lat near Vinh, and the same shape GDAL gives on its own.
    centroid = vinh.boundary.centroid
    assert 105.6 < centroid.x < 105.75 and 18.6 < centroid.y < 18.75
    expected = DataSource(str(path))[0][0].geom
    expected.transform(4326)
    assert vinh.boundary.equals_exact(MultiPolygon(GEOSGeometry(expected.wkt, srid=4326), srid=4326), 1e-9)
    # A second import of the same file changes nothing.
    assert "updated=0 unchanged=2" in call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")


def test_shapefile_is_read_too(tmp_path, call):
    geojson = write_geojson(tmp_path / "src.geojson", [square(16681, SQUARE_A)])
    shp = tmp_path / "xa.shp"
    import subprocess

    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(shp), str(geojson)], check=True, capture_output=True)
    out = call("import_boundaries", str(shp), "--level", "new", "--code-field", "ma_xa")
    assert "updated=1" in out
    assert "16681" in boundaries()


def test_missing_code_field_is_refused(tmp_path, call):
    path = write_geojson(tmp_path / "xa.geojson", [square(16681, SQUARE_A, field="other")])
    with pytest.raises(CommandError, match=r"ma_xa.*other"):
        call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    assert boundaries() == {}


def test_codes_matching_no_unit_are_refused_and_nothing_is_written(tmp_path, call):
    path = write_geojson(tmp_path / "xa.geojson", [square(16681, SQUARE_A), square(99999, SQUARE_B)])
    with pytest.raises(CommandError, match="99999"):
        call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    assert boundaries() == {}
    # Asked to, it imports what matches and names what it skipped.
    out = call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa", "--skip-unmatched")
    assert "99999" in out and "updated=1" in out
    assert set(boundaries()) == {"16681"}


def test_legacy_levels_match_their_own_codes(tmp_path, call):
    district = AdministrativeUnit.objects.get(level=UnitLevel.LEGACY_DISTRICT, name="Thành phố Vinh")
    path = write_geojson(tmp_path / "huyen.geojson", [square(int(district.code), SQUARE_A, field="MA")])
    call("import_boundaries", str(path), "--level", "legacy_district", "--code-field", "MA")
    district.refresh_from_db()
    assert district.boundary is not None
    assert district.area_km2 == pytest.approx(9.0, rel=0.01)  # 3 km × 3 km


def test_not_a_geodata_file_is_refused(tmp_path, call):
    path = tmp_path / "notes.geojson"
    path.write_text("this is not geodata", encoding="utf-8")
    with pytest.raises(CommandError, match="not a geodata file"):
        call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    assert boundaries() == {}


def test_points_and_invalid_polygons_are_refused(tmp_path, call):
    point = {"type": "Feature", "properties": {"ma_xa": 16681}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    path = write_geojson(tmp_path / "p.geojson", [point], crs=None)
    with pytest.raises(CommandError, match="is a Point; expected MultiPolygon, Polygon"):
        call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    bowtie = [[105.0, 18.0], [105.1, 18.1], [105.1, 18.0], [105.0, 18.1], [105.0, 18.0]]
    path = write_geojson(tmp_path / "b.geojson", [square(16681, bowtie)], crs=None)
    with pytest.raises(CommandError, match="not a valid geometry"):
        call("import_boundaries", str(path), "--level", "new", "--code-field", "ma_xa")
    assert boundaries() == {}
