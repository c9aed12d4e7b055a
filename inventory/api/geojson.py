"""GeoJSON FeatureCollections written by PostGIS: the rows of a queryset become
features in one `json_agg`, so a 1,000-feature page costs little more than the database
producing it (an ORM-and-serializer page was measured near 26× that)."""

import json

from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Func, TextField, Value

from inventory.srs import WGS84, crs_member

GEOMETRY = "_geojson"
ORDER = "_ord"


def feature_collection(
    queryset,
    fields,
    geometry="location",
    members: dict | None = None,
    srid: int = WGS84,
    precision: int | None = None,
) -> str:
    """The rows of `queryset` (in its order) as a FeatureCollection, as text: `fields`
    become the properties (foreign keys as ids, named like the field), `geometry` (a
    field path, or a geometry expression written as it is) the geometry; `members` are
    added at the top level (links, counts...). In another system than WGS 84 (`srid`,
    VN-2000) the coordinates are easting, northing in metres to the millimetre, and the
    collection names its system in a "crs" member. `precision`: decimals, when the caller
    chose the system itself (OGC API – Features, whose Content-Crs header names it)."""
    if srid == WGS84:
        # options 0: no "crs" member in a geometry, whatever system an expression writes
        geojson = Func(geometry, Value(precision or 7), Value(0), function="ST_AsGeoJSON", output_field=TextField())
    else:
        geojson = Func(Transform(geometry, srid), Value(3), function="ST_AsGeoJSON", output_field=TextField())
        members = {"crs": crs_member(srid), **(members or {})}
    rows = queryset.values(*fields, **{GEOMETRY: geojson})
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # Django found the query can match nothing (`id IN ()`, a no-match filter)
        columns = ", ".join(f"NULL AS {name}" for name in fields)
        sql, params = f"SELECT {columns}, NULL::text AS {GEOMETRY} WHERE false", ()
    properties = ", ".join(f"'{name}', t.{name}" for name in fields)  # values() names its columns so
    extra, extra_params = "", []
    for key, value in (members or {}).items():
        extra += ", %s, %s::json"
        extra_params += [key, json.dumps(value, ensure_ascii=False, default=str)]
    query = f"""
        SELECT json_build_object('type', 'FeatureCollection',
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', t.id, 'geometry', t.{GEOMETRY}::json,
                'properties', json_build_object({properties})) ORDER BY t.{ORDER}), '[]'::json)
            {extra})::text
        FROM (SELECT q.*, row_number() OVER () AS {ORDER} FROM ({sql}) q) t
    """  # noqa: S608 - column names come from the model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(query, (*extra_params, *params))  # the members come first in the text
        return cursor.fetchone()[0]
