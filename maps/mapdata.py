"""Data of the review map, computed in PostGIS.

The browser never receives every premises: at low zoom it gets one feature per new
commune (counts, floor area, value of surplus), above that premises grouped on a grid of
`CELL_PX` screen pixels, and a premises of its own only where it is alone in its cell.
PostgreSQL builds the GeoJSON text itself (`json_build_object`/`json_agg`), so Python only
passes it on. Which premises take part is decided by the ORM queryset the view gives
(the user's scope and the map filters), compiled into the SQL as a subquery.

The unfiltered province view reads the unit rollups (`inventory.models.rollups`), never
the premises or asset rows; filtered views read premises rows and their asset rollup.
"""

from decimal import Decimal

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from inventory.choices import SURPLUS_PREMISES_STATUSES, PremisesStatus
from inventory.geodata import lonlat_problem
from inventory.querysets import surplus_floor_area_sql

UNIT_ZOOM_MAX = 10  # at or below this zoom: one feature per new commune
CELL_PX = 64  # grid cell of the clusters, in screen pixels
MAX_ZOOM = 20


# The surplus rules as SQL, from their one definition (inventory.choices, inventory.querysets).
SURPLUS_SQL = SURPLUS_PREMISES_STATUSES.sql
SURPLUS_AREA_OF_ROW = surplus_floor_area_sql("p.")
SURPLUS_AREA_OF_ROLLUP = surplus_floor_area_sql()


def cell_degrees(zoom: int) -> float:
    """Width in degrees of longitude of CELL_PX pixels at a Web Mercator zoom level."""
    return CELL_PX * 360.0 / (256 * 2**zoom)


# Statistics of a group of premises rows `p` (see `ROW_COLUMNS`), as SQL;
# the same names come from the unit rollups in `_UNIT_ROLLUP_STATS`.
_PREMISES_STATS = f"""
    count(*) AS n,
    coalesce(sum(p.floor_area), 0) AS floor_area,
    count(*) FILTER (WHERE p.status IN {SURPLUS_SQL}) AS surplus_n,
    coalesce(sum({SURPLUS_AREA_OF_ROW}), 0) AS surplus_area,
    coalesce(sum(p.remaining_value) FILTER (WHERE p.status IN {SURPLUS_SQL}), 0) AS surplus_value,
    coalesce(sum(p.asset_value), 0) AS asset_value
"""
_UNIT_ROLLUP_STATS = f"""
    sum(premises_count) AS n,
    sum(floor_area) AS floor_area,
    coalesce(sum(premises_count) FILTER (WHERE status IN {SURPLUS_SQL}), 0) AS surplus_n,
    coalesce(sum({SURPLUS_AREA_OF_ROLLUP}), 0) AS surplus_area,
    coalesce(sum(premises_value) FILTER (WHERE status IN {SURPLUS_SQL}), 0) AS surplus_value,
    sum(asset_value) AS asset_value
"""
_STATS_JSON = (
    "'count', s.n, 'floor_area', s.floor_area, 'surplus_count', s.surplus_n, "
    "'surplus_area', s.surplus_area, 'surplus_value', round(s.surplus_value), 'asset_value', round(s.asset_value)"
)


def _collection(features_sql: str, level: str) -> str:
    return f"""
        SELECT json_build_object(
            'type', 'FeatureCollection', 'level', '{level}',
            'features', coalesce(json_agg(f.feature), '[]'::json))::text
        FROM ({features_sql}) f
    """


def _of_province(province, alias: str = "") -> tuple[str, tuple]:
    """The condition (and parameter) limiting rollup or premises rows (`alias` the
    table's, if the query names it) to one province; none for every province."""
    column = f"{alias}.province_id" if alias else "province_id"
    return (f" AND {column} = %s", (province,)) if province else ("", ())


def unit_features_sql(rows_sql: str | None, province: int | None = None) -> str:
    """One feature per new commune at its centroid. `rows_sql` selects the premises
    rows that count; None means every premises (of `province` if given), read from the
    unit rollups — then the province is the query's first parameter."""
    if rows_sql is None:
        stats = (
            f"SELECT admin_unit_id, {_UNIT_ROLLUP_STATS} FROM inventory_unitrollup "
            f"WHERE true{_of_province(province)[0]} GROUP BY admin_unit_id HAVING sum(premises_count) > 0"
        )
    else:
        stats = f"SELECT p.admin_unit_id, {_PREMISES_STATS} FROM ({rows_sql}) p GROUP BY p.admin_unit_id"
    features = f"""
        SELECT json_build_object(
            'type', 'Feature', 'id', 'u' || u.id,
            'geometry', ST_AsGeoJSON(u.centroid, 6)::json,
            'properties', json_build_object('kind', 'unit', 'unit_id', u.id, 'name', u.name, {_STATS_JSON})
        ) AS feature
        FROM ({stats}) s JOIN inventory_administrativeunit u ON u.id = s.admin_unit_id
        WHERE u.centroid && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
        ORDER BY u.id
    """
    return _collection(features, "unit")


def cluster_features_sql(rows_sql: str) -> str:
    """Premises in the box grouped on a grid of `cell` degrees; a cell with one premises
    is that premises, with its own facts (the min() of one row is that row's value, so
    no second look-up is needed)."""
    features = f"""
        SELECT CASE WHEN s.n = 1 THEN json_build_object(
            'type', 'Feature', 'id', s.one_id,
            'geometry', ST_AsGeoJSON(s.centre, 6)::json,
            'properties', json_build_object(
                'kind', 'premises', 'id', s.one_id, 'code', s.code, 'name', s.name, 'status', s.status,
                'condition', s.condition, 'floor_area', s.floor_area, 'surplus_area', s.one_surplus_area,
                'remaining_value', s.remaining_value, 'asset_value', s.asset_value))
        ELSE json_build_object(
            'type', 'Feature', 'id', 'c' || s.gx || '_' || s.gy,
            'geometry', ST_AsGeoJSON(s.centre, 6)::json,
            'properties', json_build_object('kind', 'cluster', {_STATS_JSON}))
        END AS feature
        FROM (
            SELECT floor(ST_X(p.location) / %s)::bigint AS gx, floor(ST_Y(p.location) / %s)::bigint AS gy,
                   ST_SetSRID(ST_MakePoint(avg(ST_X(p.location)), avg(ST_Y(p.location))), 4326) AS centre,
                   min(p.id) AS one_id, min(p.code) AS code,
                   min(p.name) AS name, min(p.status) AS status, min(p.condition) AS condition,
                   min(p.surplus_floor_area) AS one_surplus_area, min(p.remaining_value) AS remaining_value,
                   {_PREMISES_STATS}
            FROM ({rows_sql}) p
            GROUP BY 1, 2
        ) s
        ORDER BY s.gx, s.gy
    """
    return _collection(features, "cluster")


ROW_COLUMNS = (
    "id",
    "code",
    "name",
    "location",
    "admin_unit_id",
    "status",
    "condition",
    "floor_area",
    "surplus_floor_area",
    "remaining_value",
)
ROLLUP_COLUMNS = ("asset_items", "asset_value", "surplus_asset_items", "surplus_asset_value")
# Every premises with its asset rollup: the rows of an unfiltered view, written out so
# that the most frequent request compiles nothing. Same columns as `rows_sql` below.
ALL_ROWS = (
    f"SELECT {', '.join(f'p.{c}' for c in ROW_COLUMNS)}, {', '.join(f'r.{c}' for c in ROLLUP_COLUMNS)} "
    "FROM inventory_premises p LEFT JOIN inventory_premisesrollup r ON r.premises_id = p.id"
)


def rows_sql(queryset, bbox=None, area: GEOSGeometry | None = None, province=None) -> tuple[str, tuple]:
    """The SQL (and parameters) of the premises rows that count, inside `bbox` and
    `area` if given, with their asset rollup. `queryset` None means every premises (of
    `province` if given); otherwise the queryset (the user's scope and the filters) is
    compiled by the ORM into one flat query, so scope, filters and box reach the planner
    together."""
    if queryset is None:
        condition, params = _of_province(province, "p")
        where, params = [f"p.deleted_at IS NULL{condition}"], list(params)
        if bbox is not None:
            where.append("p.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
            params += bbox
        if area is not None:
            where.append("ST_Intersects(p.location, ST_GeomFromEWKB(%s))")
            params.append(bytes(area.ewkb))
        return ALL_ROWS + " WHERE " + " AND ".join(where), tuple(params)
    if bbox is not None:
        queryset = queryset.filter(location__bboverlaps=Polygon.from_bbox(bbox))
    if area is not None:
        queryset = queryset.filter(location__intersects=area)
    rows = queryset.order_by().values(*ROW_COLUMNS, **{c: F(f"rollup__{c}") for c in ROLLUP_COLUMNS})
    return rows.query.sql_with_params()


def map_features(queryset, zoom: int, bbox: tuple[float, float, float, float], province=None) -> str:
    """The GeoJSON FeatureCollection (as text) of the map at `zoom` over `bbox`
    (west, south, east, north). `queryset` is the premises that count, or None for every
    premises of `province` (every province if None) — unfiltered, for a user who sees
    whole provinces: then the low zoom levels come from the rollups."""
    zoom = max(0, min(MAX_ZOOM, zoom))
    with connection.cursor() as cursor:
        if zoom <= UNIT_ZOOM_MAX:
            if queryset is None:
                cursor.execute(unit_features_sql(None, province), (*_of_province(province)[1], *bbox))
            else:
                sql, params = rows_sql(queryset)
                cursor.execute(unit_features_sql(sql), (*params, *bbox))
        else:
            sql, params = rows_sql(queryset, bbox, province=province)
            cell = cell_degrees(zoom)
            cursor.execute(cluster_features_sql(sql), (cell, cell, *params))
        return cursor.fetchone()[0]


# -- totals -------------------------------------------------------------------------------
STATUS_KEYS = [s.value for s in PremisesStatus]
TOTAL_KEYS = (
    "count",
    "floor_area",
    "surplus_count",
    "surplus_area",
    "surplus_value",
    "asset_items",
    "asset_value",
    "surplus_asset_items",
    "surplus_asset_value",
)
# The totals of rows `p` (from `rows_sql`), in TOTAL_KEYS order, then the count by status.
_TOTALS_OF_ROWS = f"""
    SELECT count(*), coalesce(sum(p.floor_area), 0),
           count(*) FILTER (WHERE p.status IN {SURPLUS_SQL}),
           coalesce(sum({SURPLUS_AREA_OF_ROW}), 0),
           coalesce(sum(p.remaining_value) FILTER (WHERE p.status IN {SURPLUS_SQL}), 0),
           coalesce(sum(p.asset_items), 0), coalesce(sum(p.asset_value), 0),
           coalesce(sum(p.surplus_asset_items), 0), coalesce(sum(p.surplus_asset_value), 0),
           {", ".join(f"count(*) FILTER (WHERE p.status = '{key}')" for key in STATUS_KEYS)}
    FROM ({{rows}}) p
"""
_TOTALS_OF_ROLLUP = f"""
    SELECT coalesce(sum(premises_count), 0), coalesce(sum(floor_area), 0),
           coalesce(sum(premises_count) FILTER (WHERE status IN {SURPLUS_SQL}), 0),
           coalesce(sum({SURPLUS_AREA_OF_ROLLUP}), 0),
           coalesce(sum(premises_value) FILTER (WHERE status IN {SURPLUS_SQL}), 0),
           coalesce(sum(asset_items), 0), coalesce(sum(asset_value), 0),
           coalesce(sum(surplus_asset_items), 0), coalesce(sum(surplus_asset_value), 0),
           {", ".join(f"coalesce(sum(premises_count) FILTER (WHERE status = '{key}'), 0)" for key in STATUS_KEYS)}
    FROM inventory_unitrollup WHERE true
"""


def totals(queryset=None, bbox=None, area: GEOSGeometry | None = None, province=None) -> dict:
    """Totals of the premises that count (all of `province`, or of every province, when
    `queryset` is None), optionally inside a box or an area: number, floor area, surplus
    (number, floor area, remaining value of the buildings), assets (items and remaining
    value, surplus too), number by status. Everything, with no box or area, is read from
    the unit rollups."""
    with connection.cursor() as cursor:
        if queryset is None and area is None and bbox is None:
            condition, params = _of_province(province)
            cursor.execute(_TOTALS_OF_ROLLUP + condition, params)
        else:
            sql, params = rows_sql(queryset, bbox=bbox, area=area, province=province)
            cursor.execute(_TOTALS_OF_ROWS.replace("{rows}", sql), params)
        row = cursor.fetchone()
    result = {key: _number(value) for key, value in zip(TOTAL_KEYS, row, strict=False)}
    result["by_status"] = {key: int(value) for key, value in zip(STATUS_KEYS, row[len(TOTAL_KEYS) :], strict=True)}
    return result


def _number(value):
    """Decimals as JSON numbers: whole ones as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'west,south,east,north' in degrees; ValueError (translated) if it is not that."""
    try:
        w, s, e, n = (float(p) for p in text.split(","))
    except ValueError:
        raise ValueError(_("The box must be four numbers: west,south,east,north.")) from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(_("The box is outside longitude −180…180 and latitude −90…90, or empty."))
    return w, s, e, n


def parse_area(text: str) -> GEOSGeometry:
    """A drawn area as a GeoJSON geometry in longitude/latitude: a valid polygon or
    multipolygon; ValueError (translated) otherwise."""
    try:
        geometry = GEOSGeometry(text)
    except (ValueError, TypeError, GEOSException, GDALException):
        raise ValueError(_("The area is not a GeoJSON polygon.")) from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.empty:
        raise ValueError(_("The area must be a polygon."))
    if geometry.srid not in (None, 4326):
        raise ValueError(_("The area must be in longitude and latitude (EPSG:4326)."))
    geometry.srid = 4326
    problem = lonlat_problem(geometry)
    if problem:
        raise ValueError(problem)
    if not geometry.valid:
        raise ValueError(_("The area's outline crosses itself; draw it again."))
    return geometry
