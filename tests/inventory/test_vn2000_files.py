"""Boundary and layer files in VN-2000 (issue 17 item 1): the file's own system is read, `--srs`
names it when the file does not, a file that says nothing and no `--srs` is refused, and every
feature must fall in Viet Nam once reprojected. Expected positions come from PROJ (pyproj), not
from the code under test."""

import json
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.urls import reverse
from pyproj import Transformer

from inventory.choices import UnitLevel
from inventory.models import AdministrativeUnit
from maps.models import HazardFeature, HazardLayer

pytestmark = pytest.mark.django_db

VINH = (105.6813, 18.6734)  # lon, lat


def projected(srid, lon, lat):
    return Transformer.from_crs(4326, srid, always_xy=True).transform(lon, lat)


def square(srid, centre=VINH, half=500.0):
    """A square ring of `2 * half` metres around `centre`, in `srid` (easting, northing)."""
    e, n = projected(srid, *centre)
    return [
        [e - half, n - half],
        [e + half, n - half],
        [e + half, n + half],
        [e - half, n + half],
        [e - half, n - half],
    ]


def geojson(path, features, crs: int | None):
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def polygon_feature(ring, **properties):
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def point_feature(xy, **properties):
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": list(xy)}}


def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


def shapefile_without_prj(tmp_path, source):
    shp = tmp_path / "lop.shp"
    ogr2ogr("-f", "ESRI Shapefile", str(shp), str(source))
    (tmp_path / "lop.prj").unlink()
    return shp


def layer_point(name):
    return HazardFeature.objects.get(layer__name=name).geometry


def test_a_geojson_in_the_provincial_zone_is_read_in_its_own_system(call, tmp_path):
    e, n = projected(9208, *VINH)
    path = geojson(tmp_path / "kho.geojson", [point_feature((e, n), ten="Kho")], crs=9208)
    out = call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho VN-2000")
    assert "9208" in out or "104-45" in out
    point = layer_point("Kho VN-2000")
    # PROJ puts (e, n) in 9208 back on Vinh; 1e-7° is about a centimetre.
    assert point.x == pytest.approx(VINH[0], abs=1e-7) and point.y == pytest.approx(VINH[1], abs=1e-7)


def test_a_shapefile_without_prj_is_refused_without_srs_and_read_with_it(call, tmp_path):
    e, n = projected(9208, *VINH)
    source = geojson(tmp_path / "src.geojson", [point_feature((e, n), ten="Kho")], crs=9208)
    shp = shapefile_without_prj(tmp_path, source)
    before = HazardLayer.objects.count()
    with pytest.raises(CommandError, match=r"does not say which coordinate system.*--srs.*9208"):
        call("import_layer", str(shp), "--kind", "hazard_site", "--name", "Kho")
    assert HazardLayer.objects.count() == before
    call("import_layer", str(shp), "--kind", "hazard_site", "--name", "Kho", "--srs", "9208")
    point = layer_point("Kho")
    assert point.x == pytest.approx(VINH[0], abs=1e-7) and point.y == pytest.approx(VINH[1], abs=1e-7)


def test_the_refusal_is_in_vietnamese_for_a_vietnamese_user(call, tmp_path):
    e, n = projected(9208, *VINH)
    shp = shapefile_without_prj(tmp_path, geojson(tmp_path / "src.geojson", [point_feature((e, n))], crs=9208))
    with pytest.raises(CommandError) as caught:
        call("import_layer", str(shp), "--kind", "hazard_site", "--name", "Kho", language="vi")
    assert "hệ tọa độ" in str(caught.value)


def test_the_same_points_in_the_utm_zone_read_with_srs_3405_land_on_the_same_place(call, tmp_path):
    e, n = projected(3405, *VINH)
    shp = shapefile_without_prj(tmp_path, geojson(tmp_path / "src.geojson", [point_feature((e, n))], crs=3405))
    call("import_layer", str(shp), "--kind", "hazard_site", "--name", "Kho UTM", "--srs", "3405")
    point = layer_point("Kho UTM")
    assert point.x == pytest.approx(VINH[0], abs=1e-7) and point.y == pytest.approx(VINH[1], abs=1e-7)


def test_a_geojson_in_vn2000_metres_without_crs_needs_srs(call, tmp_path):
    e, n = projected(9208, *VINH)
    path = geojson(tmp_path / "kho.geojson", [point_feature((e, n))], crs=None)
    with pytest.raises(CommandError, match=r"out of range.*--srs.*9208 or 3405"):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho")
    call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho", "--srs", "9208")
    assert layer_point("Kho").x == pytest.approx(VINH[0], abs=1e-7)


def test_a_file_that_names_another_system_than_srs_is_refused(call, tmp_path):
    path = geojson(tmp_path / "kho.geojson", [point_feature(projected(3405, *VINH))], crs=3405)
    with pytest.raises(CommandError, match=r"not EPSG:9208"):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho", "--srs", "9208")
    assert not HazardLayer.objects.filter(name="Kho").exists()
    # Naming the system the file names is no conflict.
    call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho", "--srs", "3405")
    assert HazardLayer.objects.filter(name="Kho").exists()


def test_a_system_we_do_not_speak_is_refused_by_the_command(call, tmp_path):
    path = geojson(tmp_path / "kho.geojson", [point_feature(VINH)], crs=None)
    with pytest.raises(CommandError):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho", "--srs", "3857")


@pytest.mark.parametrize(
    "lonlat",
    [(100.5018, 13.7563), (2.3522, 48.8566), (113.0, 16.0)],  # Bangkok, Paris, the sea off Hoàng Sa
)
def test_features_outside_viet_nam_are_refused_and_nothing_is_written(call, tmp_path, lonlat):
    layers, features = HazardLayer.objects.count(), HazardFeature.objects.count()
    path = geojson(tmp_path / "kho.geojson", [point_feature(VINH), point_feature(lonlat)], crs=None)
    with pytest.raises(CommandError, match="outside Viet Nam"):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Xa")
    assert (HazardLayer.objects.count(), HazardFeature.objects.count()) == (layers, features)


def test_utm_metres_read_as_the_provincial_zone_are_caught_when_they_leave_viet_nam(call, tmp_path):
    # A surveyor's frequent slip: the wrong system. Metres of the far south read in a zone that
    # puts them off the map are refused (here: easting 1,000 km east of the false easting).
    path = geojson(tmp_path / "kho.geojson", [point_feature((1_400_000, 1_200_000))], crs=None)
    with pytest.raises(CommandError, match="outside Viet Nam"):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho", "--srs", "9208")


def test_boundaries_from_a_geopackage_in_the_provincial_zone(call, tmp_path):
    source = geojson(tmp_path / "src.geojson", [polygon_feature(square(9208), ma_xa="16681")], crs=9208)
    gpkg = tmp_path / "xa.gpkg"
    ogr2ogr("-f", "GPKG", str(gpkg), str(source))
    out = call("import_boundaries", str(gpkg), "--level", "new", "--code-field", "ma_xa")
    assert "updated=1" in out
    boundary = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="16681").boundary
    assert boundary.centroid.x == pytest.approx(VINH[0], abs=1e-6)
    assert boundary.centroid.y == pytest.approx(VINH[1], abs=1e-6)
    # 1 km × 1 km in the provincial zone, within its scale factor: about 1 km².
    assert boundary.transform(9208, clone=True).area == pytest.approx(1_000_000, rel=1e-6)


def test_boundaries_from_a_shapefile_without_prj_need_srs(call, tmp_path):
    source = geojson(tmp_path / "src.geojson", [polygon_feature(square(3405), ma_xa="16681")], crs=3405)
    shp = shapefile_without_prj(tmp_path, source)
    with pytest.raises(CommandError, match="--srs"):
        call("import_boundaries", str(shp), "--level", "new", "--code-field", "ma_xa")
    assert AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="16681").boundary is None
    call("import_boundaries", str(shp), "--level", "new", "--code-field", "ma_xa", "--srs", "3405")
    boundary = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="16681").boundary
    assert boundary.centroid.x == pytest.approx(VINH[0], abs=1e-6)


def test_the_layer_page_takes_the_system_of_an_upload_that_does_not_say(client_as, tmp_path):
    client = client_as("demo-finance")
    e, n = projected(9208, *VINH)
    content = geojson(tmp_path / "kho.geojson", [point_feature((e, n))], crs=None).read_bytes()

    def upload(**extra):
        return client.post(
            reverse("maps:layer_list"),
            {"name": "Kho tải lên", "kind": "hazard_site", "file": SimpleUploadedFile("kho.geojson", content), **extra},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    refused = upload()
    assert refused.status_code == 200 and "9208 or 3405" in str(refused.context["form"].errors)
    assert not HazardLayer.objects.filter(name="Kho tải lên").exists()
    assert upload(srs="9208").status_code == 302
    assert layer_point("Kho tải lên").x == pytest.approx(VINH[0], abs=1e-7)
