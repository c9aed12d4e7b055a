"""VN-2000 in the database: PostGIS's transformations match PROJ's own to 0.01 m."""

import pytest
from django.db import connection
from pyproj import Transformer

pytestmark = pytest.mark.django_db

# Two points a surveyor in Nghệ An would know: Vinh (the provincial centre) and Mường Xén (the west).
POINTS = [(105.6813, 18.6734), (104.1327, 19.4035)]


@pytest.mark.parametrize("srid", [9208, 3405])
@pytest.mark.parametrize("lon,lat", POINTS)
def test_postgis_matches_proj(srid, lon, lat):
    expected_x, expected_y = Transformer.from_crs(4326, srid, always_xy=True).transform(lon, lat)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AS p",
            [lon, lat, srid],
        )
        x, y = cursor.fetchone()
    assert abs(x - expected_x) < 0.01 and abs(y - expected_y) < 0.01


def test_provincial_zone_is_defined_as_proj_defines_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = 9208")
        auth_name, auth_srid, srtext = cursor.fetchone()
    assert (auth_name, auth_srid) == ("EPSG", 9208)
    assert 'PARAMETER["central_meridian",104.75]' in srtext
    assert 'PARAMETER["scale_factor",0.9999]' in srtext


def test_round_trip_back_to_wgs84_is_exact_to_a_millimetre():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_Transform("
            "ST_SetSRID(ST_MakePoint(105.6813, 18.6734), 4326), 9208), 4326) AS p"
        )
        lon, lat = cursor.fetchone()
    # 1e-8 degrees is about a millimetre.
    assert abs(lon - 105.6813) < 1e-8 and abs(lat - 18.6734) < 1e-8
