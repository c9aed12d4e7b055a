"""Add VN-2000 / TM-3 104-45 (EPSG:9208, Nghệ An's provincial zone) to spatial_ref_sys.

PostGIS 3.3 on Debian 12 ships a spatial_ref_sys without it. The row is PROJ's own definition
(``gdalsrsinfo EPSG:9208``); PostGIS resolves auth_name/auth_srid through PROJ first, so the text
columns are the fallback. The row is left in place on reverse: geometries may use it.
"""

from django.db import migrations

SRTEXT = (
    'PROJCS["VN-2000 / TM-3 104-45",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6756"]],'
    'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,'
    'AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",104.75],'
    'PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],'
    'AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9208"]]'
)
PROJ4TEXT = (
    "+proj=tmerc +lat_0=0 +lon_0=104.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 "
    "+units=m +no_defs"
)

ADD_ROW = """
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
SELECT 9208, 'EPSG', 9208, %s, %s
WHERE NOT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = 9208)
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0021_book_values_revaluation")]

    operations = [
        migrations.RunSQL(sql=[(ADD_ROW, [SRTEXT, PROJ4TEXT])], reverse_sql=migrations.RunSQL.noop),
    ]
