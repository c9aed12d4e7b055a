"""Review map requests against the raw SQL that yields the same payload.

Data: `generate_demo --sites 243` in its own bench database (`<name>_bench_map`), about
10^5 premises and 1.1×10^6 asset lines, made once and reused while that database holds it.

1. A pan/zoom trace of a 1280×900 px screen from zoom 8 (whole province) to 16 (one
   ward), as the page asks for it: the map data (/maps/data.geojson) and the totals in
   view (/maps/totals.json) of each view, for the Finance reviewer. "Ours" is the map
   view's own cost: the view function called with a request whose user is set (query
   parsing, scope, filters, SQL, response). Django's fixed per-request cost that every
   page pays (session and user lookups, middleware, the test client) is measured
   separately through the test client and printed beside it. Baseline: hand-written
   SQL on the same tables giving the same payload, run on the same connection. Each
   request and its baseline run in turn, REPEAT times; the figure is the median of the
   paired ratios, per request; the row reported is the worst request of the trace.
   Payloads are compared for equality and their size is checked (≤ 500 KB).
2. Totals of a drawn polygon the size of a former district (the hull of its former
   communes' boxes), against the raw SQL aggregate of the same figures.

The query plans of the three kinds of request are written to bench/results/map_plans.txt.
"""

import json
import math
import os
import statistics
import time

from common import ROOT, paired, report, use_bench_database

SITES = int(os.environ.get("BENCH_MAP_SITES", "243"))
REPEAT = int(os.environ.get("BENCH_MAP_REPEAT", "7"))
WIDTH, HEIGHT = 1280, 900
MAX_BYTES = 500_000
PLANS = ROOT / "bench" / "results" / "map_plans.txt"

# The trace: (zoom, longitude, latitude) of the screen centre, zooming in on Vinh with pans.
TRACE = [
    (8, 104.9, 19.2),
    (9, 105.2, 19.0),
    (10, 105.5, 18.8),
    (10, 105.3, 18.9),
    (11, 105.6, 18.75),
    (12, 105.65, 18.7),
    (12, 105.75, 18.7),
    (13, 105.68, 18.68),
    (14, 105.68, 18.675),
    (15, 105.685, 18.675),
    (16, 105.69, 18.675),
    (16, 105.70, 18.68),
]


def screen_bbox(zoom, lon, lat):
    """The box Leaflet shows for a WIDTH×HEIGHT screen, padded by 10% as the page asks."""
    scale = 256 * 2**zoom

    def to_pixel(lon, lat):
        x = (lon + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
        return x, y

    def to_lonlat(x, y):
        lon = x / scale * 360 - 180
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
        return lon, lat

    cx, cy = to_pixel(lon, lat)
    w, h = WIDTH * 1.2 / 2, HEIGHT * 1.2 / 2
    west, north = to_lonlat(cx - w, cy - h)
    east, south = to_lonlat(cx + w, cy + h)
    return tuple(round(v, 5) for v in (west, south, east, north))


# -- hand-written baselines --------------------------------------------------------------
STATS = """
    'count', s.n, 'floor_area', s.floor_area, 'surplus_count', s.surplus_n, 'surplus_area', s.surplus_area,
    'surplus_value', round(s.surplus_value), 'asset_value', round(s.asset_value)
"""
UNIT_SQL = f"""
SELECT json_build_object('type', 'FeatureCollection', 'level', 'unit',
       'features', coalesce(json_agg(f.feature), '[]'::json))::text
FROM (
  SELECT json_build_object('type', 'Feature', 'id', 'u' || u.id, 'geometry', ST_AsGeoJSON(u.centroid, 6)::json,
         'properties', json_build_object('kind', 'unit', 'unit_id', u.id, 'name', u.name, {STATS})) AS feature
  FROM (SELECT admin_unit_id, sum(premises_count) n, sum(floor_area) floor_area,
               coalesce(sum(premises_count) FILTER (WHERE status IN ('surplus', 'partly_surplus')), 0) surplus_n,
               coalesce(sum(floor_area) FILTER (WHERE status = 'surplus'), 0)
                 + coalesce(sum(surplus_floor_area) FILTER (WHERE status = 'partly_surplus'), 0) surplus_area,
               coalesce(sum(premises_value) FILTER (WHERE status IN ('surplus', 'partly_surplus')), 0) surplus_value,
               sum(asset_value) asset_value
        FROM inventory_unitrollup GROUP BY admin_unit_id HAVING sum(premises_count) > 0) s
  JOIN inventory_administrativeunit u ON u.id = s.admin_unit_id
  WHERE u.centroid && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
  ORDER BY u.id
) f
"""
CLUSTER_SQL = f"""
SELECT json_build_object('type', 'FeatureCollection', 'level', 'cluster',
       'features', coalesce(json_agg(f.feature), '[]'::json))::text
FROM (
  SELECT CASE WHEN s.n = 1 THEN json_build_object('type', 'Feature', 'id', s.one_id,
           'geometry', ST_AsGeoJSON(s.centre, 6)::json,
           'properties', json_build_object('kind', 'premises', 'id', s.one_id, 'code', s.code, 'name', s.name,
             'status', s.status, 'condition', s.condition, 'floor_area', s.floor_area,
             'surplus_area', s.one_surplus_area, 'remaining_value', s.one_value,
             'asset_value', s.asset_value))
         ELSE json_build_object('type', 'Feature', 'id', 'c' || s.gx || '_' || s.gy,
           'geometry', ST_AsGeoJSON(s.centre, 6)::json,
           'properties', json_build_object('kind', 'cluster', {STATS})) END AS feature
  FROM (
    SELECT floor(ST_X(p.location) / %s)::bigint gx, floor(ST_Y(p.location) / %s)::bigint gy,
           ST_SetSRID(ST_MakePoint(avg(ST_X(p.location)), avg(ST_Y(p.location))), 4326) centre,
           min(p.id) one_id, min(p.code) code, min(p.name) name,
           min(p.status) status, min(p.condition) condition, min(p.surplus_floor_area) one_surplus_area,
           min(p.remaining_value) one_value, count(*) n,
           coalesce(sum(p.floor_area), 0) floor_area,
           count(*) FILTER (WHERE p.status IN ('surplus', 'partly_surplus')) surplus_n,
           coalesce(sum(CASE p.status WHEN 'surplus' THEN p.floor_area
                                      WHEN 'partly_surplus' THEN p.surplus_floor_area END), 0) surplus_area,
           coalesce(sum(p.remaining_value) FILTER (WHERE p.status IN ('surplus', 'partly_surplus')), 0) surplus_value,
           coalesce(sum(r.asset_value), 0) asset_value
    FROM inventory_premises p LEFT JOIN inventory_premisesrollup r ON r.premises_id = p.id
    WHERE p.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326) AND p.deleted_at IS NULL
    GROUP BY 1, 2
  ) s
  ORDER BY s.gx, s.gy
) f
"""
STATUSES = ("in_use_hq", "other_public_use", "partly_surplus", "surplus", "under_handling", "handled")
TOTALS_SQL = """
SELECT count(*), coalesce(sum(p.floor_area), 0),
       count(*) FILTER (WHERE p.status IN ('surplus', 'partly_surplus')),
       coalesce(sum(p.floor_area) FILTER (WHERE p.status = 'surplus'), 0)
         + coalesce(sum(p.surplus_floor_area) FILTER (WHERE p.status = 'partly_surplus'), 0),
       coalesce(sum(p.remaining_value) FILTER (WHERE p.status IN ('surplus', 'partly_surplus')), 0),
       coalesce(sum(r.asset_items), 0), coalesce(sum(r.asset_value), 0),
       coalesce(sum(r.surplus_asset_items), 0), coalesce(sum(r.surplus_asset_value), 0),
       {by_status}
FROM inventory_premises p LEFT JOIN inventory_premisesrollup r ON r.premises_id = p.id
WHERE {where} AND p.deleted_at IS NULL
"""
BY_STATUS = ", ".join(f"count(*) FILTER (WHERE p.status = '{s}')" for s in STATUSES)
AREA_TOTALS_SQL = TOTALS_SQL.format(by_status=BY_STATUS, where="ST_Intersects(p.location, ST_GeomFromEWKT(%s))")
BOX_TOTALS_SQL = TOTALS_SQL.format(by_status=BY_STATUS, where="p.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
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


def ensure_data():
    from inventory import demo
    from inventory.models import Premises

    if Premises.objects.count() >= 412 * SITES:
        return False
    print(f"generating demo data with --sites {SITES} ...", flush=True)
    demo.clear_demo()
    summary = demo.generate(seed=1, scale=1, sites=SITES, progress=lambda m: None)
    print(summary.line(), flush=True)
    return True


def same_features(a, b):
    """Equal collections; a cluster's centre may differ in its last digit, because the
    planner may add the points in another order (in parallel, say)."""
    if len(a["features"]) != len(b["features"]) or a["level"] != b["level"]:
        return False
    for fa, fb in zip(a["features"], b["features"], strict=True):
        if (fa["id"], fa["properties"]) != (fb["id"], fb["properties"]):
            return False
        if any(
            abs(x - y) > 2e-6 for x, y in zip(fa["geometry"]["coordinates"], fb["geometry"]["coordinates"], strict=True)
        ):
            return False
    return True


def explain(cursor, sql, params):
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
    return "\n".join(row[0] for row in cursor.fetchall())


class Requests:
    """The review map's views called directly with the Finance reviewer as user ("ours"),
    the same requests through the whole Django stack, and SQL on the same connection."""

    def __init__(self, user):
        from django.db import connection
        from django.test import Client, RequestFactory

        self.user = user
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(user)
        self.factory = RequestFactory(HTTP_HOST="127.0.0.1")
        self.cursor = connection.cursor()

    def call_view(self, view, path, params):
        request = self.factory.get(path, params)
        request.user = self.user
        response = view(request)
        assert response.status_code == 200, response.content[:300]
        return response.content

    def full_stack(self, path, params):
        """Median time of the same request through the whole Django stack."""
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            assert self.client.get(path, params).status_code == 200
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def fetchone(self, sql, params):
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()


def map_sql(zoom, bbox):
    """The raw SQL (and its parameters) giving the map data of a view."""
    from maps.mapdata import UNIT_ZOOM_MAX, cell_degrees

    if zoom <= UNIT_ZOOM_MAX:
        return UNIT_SQL, bbox
    cell = cell_degrees(zoom)
    return CLUSTER_SQL, (cell, cell, *bbox)


def measure_data(requests, zoom, bbox):
    """The map data of one view against its SQL: a row of the table."""
    from maps.views import review

    params = {"z": zoom, "bbox": ",".join(map(str, bbox))}
    sql, sql_params = map_sql(zoom, bbox)
    ratio, ours_s, base_s, payload, base_payload = paired(
        lambda: requests.call_view(review.map_data, "/maps/data.geojson", params),
        lambda: requests.fetchone(sql, sql_params)[0].encode(),
        REPEAT,
    )
    assert same_features(json.loads(payload), json.loads(base_payload)), f"payloads differ at zoom {zoom}"
    assert len(payload) <= MAX_BYTES, f"{len(payload)} bytes at zoom {zoom}"
    features = len(json.loads(payload)["features"])
    stack = requests.full_stack("/maps/data.geojson", params)
    return ("data", zoom, ratio, ours_s, base_s, len(payload), features, stack)


def measure_totals(requests, zoom, bbox):
    """The totals in view, as the side summary asks for them, against their SQL: a row of the table."""
    from maps.views import review

    params = {"bbox": ",".join(map(str, bbox))}
    t_ratio, t_ours, t_base, t_payload, t_row = paired(
        lambda: json.loads(requests.call_view(review.map_totals, "/maps/totals.json", params)),
        lambda: requests.fetchone(BOX_TOTALS_SQL, bbox),
        REPEAT,
    )
    assert [t_payload[k] for k in TOTAL_KEYS] == [float(v) if v % 1 else int(v) for v in t_row[:9]]
    stack = requests.full_stack("/maps/totals.json", params)
    return ("totals", zoom, t_ratio, t_ours, t_base, len(json.dumps(t_payload)), t_payload["count"], stack)


def print_rows(rows):
    """Print the trace's table; the row of the worst ratio."""
    worst = None
    print("  request zoom   view     raw SQL   ratio   payload  features   whole stack")
    for row in rows:
        kind, zoom, ratio, ours_s, base_s, size, n, stack = row
        print(
            f"  {kind:6} z{zoom:<2} {ours_s * 1000:7.2f} ms {base_s * 1000:7.2f} ms {ratio:5.2f}×"
            f" {size:>8,} B {n:>8,} {stack * 1000:8.2f} ms"
        )
        if worst is None or ratio > worst[2]:
            worst = row
    return worst


def measure_polygon(requests, plans):
    """Totals of a drawn polygon the size of a former district (the hull of its former
    communes' boxes) against their SQL: (district, ratio, ours, baseline, payload)."""
    from inventory.models import AdministrativeUnit
    from maps.views import review

    district = max(
        AdministrativeUnit.objects.legacy_districts(),
        key=lambda d: AdministrativeUnit.objects.filter(parent=d, bbox__isnull=False).count(),
    )
    area_geojson, area_ewkt = requests.fetchone(
        "SELECT ST_AsGeoJSON(ST_ConvexHull(ST_Collect(bbox))), ST_AsEWKT(ST_ConvexHull(ST_Collect(bbox))) "
        "FROM inventory_administrativeunit WHERE parent_id = %s AND bbox IS NOT NULL",
        [district.pk],
    )
    a_ratio, a_ours, a_base, a_payload, a_row = paired(
        lambda: json.loads(requests.call_view(review.map_totals, "/maps/totals.json", {"area": area_geojson})),
        lambda: requests.fetchone(AREA_TOTALS_SQL, [area_ewkt]),
        REPEAT,
    )
    assert [a_payload[k] for k in TOTAL_KEYS] == [float(v) if v % 1 else int(v) for v in a_row[:9]]
    plans.append((f"drawn polygon ({district.name})", explain(requests.cursor, AREA_TOTALS_SQL, [area_ewkt])))
    return district, a_ratio, a_ours, a_base, a_payload


def main():
    use_bench_database("_bench_map")  # its own database: the 10^5-premises set is made once
    from django.db import connection

    from inventory.models import Asset, Premises, User

    if ensure_data():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    requests = Requests(User.objects.get(username="demo-finance"))
    cursor = requests.cursor
    premises_count = Premises.objects.count()
    asset_count = Asset.objects.count()

    rows = []
    plans = []
    for zoom, lon, lat in TRACE:
        bbox = screen_bbox(zoom, lon, lat)
        rows.append(measure_data(requests, zoom, bbox))
        if zoom in (8, 13):
            plans.append((f"map data, zoom {zoom}", explain(cursor, *map_sql(zoom, bbox))))
        if zoom in (8, 14):
            plans.append((f"totals in view, zoom {zoom}", explain(cursor, BOX_TOTALS_SQL, bbox)))
        rows.append(measure_totals(requests, zoom, bbox))
    worst = print_rows(rows)

    district, a_ratio, a_ours, a_base, a_payload = measure_polygon(requests, plans)
    cursor.execute(
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT sum(premises_count), sum(asset_value) FROM inventory_unitrollup"
    )
    plans.append(("province totals from the unit rollup", "\n".join(r[0] for r in cursor.fetchall())))

    PLANS.parent.mkdir(parents=True, exist_ok=True)
    PLANS.write_text("\n\n".join(f"== {title}\n{plan}" for title, plan in plans), encoding="utf-8")
    kind, zoom, ratio, ours_s, base_s, _size, _n, stack = worst
    report(
        f"map request, worst of a zoom 8–16 trace ({kind} z{zoom}; "
        f"{premises_count:,} premises, {asset_count:,} assets)",
        ours_s,
        base_s,
        "s",
        1.5,
        ratio=ratio,
        largest_payload_bytes=max(r[5] for r in rows),
        requests=len(rows),
        whole_stack_ms=round(stack * 1000, 2),
        whole_stack_ratio_worst=round(max(r[7] / r[4] for r in rows), 2),
    )
    report(
        f"drawn polygon totals, former district size ({district.name}, {a_payload['count']:,} premises)",
        a_ours,
        a_base,
        "s",
        2.0,
        ratio=a_ratio,
    )


if __name__ == "__main__":
    main()
