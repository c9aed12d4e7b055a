"""OGC API – Features speed, on the map bench's data set (10^5 premises):

A CQL2-filtered page of 1,000 premises from /ogc/collections/premises/items (the view
called with a request whose user is set, as in bench_api.py: the filter parsed by
pygeofilter and turned into a Q, the scope, the count for numberMatched, the page written
by PostGIS) against hand-written SQL giving the same response: the same rows, properties
and geometry written by `json_agg`, and numberMatched counted by the same conditions
(target ≤ 2×). Reported beside it: the same page against the hand-written page alone
(without numberMatched, which OGC API – Features makes optional and QGIS uses as the layer's
feature count): the count is a second pass over every matching row. The filter compares a
status and a number and intersects the geometry with a polygon (S_INTERSECTS).
"""

import json

from common import paired, report, use_bench_database

REPEAT = 7
POLYGON = "POLYGON((103.8 18.5, 106 18.5, 106 20, 103.8 20, 103.8 18.5))"  # Nghệ An and around
FILTER = (
    f"status IN ('surplus', 'partly_surplus', 'in_use_hq') AND floor_area > 50 AND S_INTERSECTS(geometry, {POLYGON})"
)


def main():
    use_bench_database("_bench_map")
    import bench_map
    from django.db import connection
    from django.test import RequestFactory

    from inventory.api.ogc.layers import LAYERS
    from inventory.api.ogc.views import Items
    from inventory.models import Premises, User

    if bench_map.ensure_data():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    user = User.objects.get(username="demo-finance")
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    view = Items.as_view()

    def ours():
        request = factory.get("/ogc/collections/premises/items", {"limit": 1000, "filter": FILTER})
        request.user = user
        response = view(request, key="premises")
        assert response.status_code == 200, response.content[:300]
        return response.content

    fields = LAYERS["premises"].fields
    joined = {"commune": "u.name", "commune_code": "u.code", "agency_name": "a.name"}

    def column(f):
        if f in joined:
            return f"{joined[f]} AS {f}"
        return f"p.{f}_id AS {f}" if f in ("admin_unit", "legacy_unit", "agency") else f"p.{f}"

    columns = ", ".join(column(f) for f in fields)
    props = ", ".join(f"'{f}', t.{f}" for f in fields)
    baseline_sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
            'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.location, 7)::json,
            'properties', json_build_object({props})) ORDER BY t.id))::text
        FROM (SELECT {columns}, p.location
              FROM inventory_premises p
              LEFT JOIN inventory_agency a ON a.id = p.agency_id
              LEFT JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
              WHERE p.deleted_at IS NULL
                AND p.status IN ('surplus', 'partly_surplus', 'in_use_hq') AND p.floor_area > 50
                AND ST_Intersects(p.location, ST_GeomFromText(%s, 4326))
              ORDER BY p.id LIMIT 1000) t
    """
    where = """p.deleted_at IS NULL
                AND p.status IN ('surplus', 'partly_surplus', 'in_use_hq') AND p.floor_area > 50
                AND ST_Intersects(p.location, ST_GeomFromText(%s, 4326))"""
    counted_sql = f"SELECT count(*) FROM inventory_premises p WHERE {where}"
    cursor = connection.cursor()
    # JIT off for the hand-written SQL too, as the view sets it: otherwise PostgreSQL spends
    # about a second compiling the count, and the comparison would flatter the view.
    cursor.execute("SET jit = off")

    def baseline():
        cursor.execute(baseline_sql, [POLYGON])
        return cursor.fetchone()[0]

    def baseline_with_count():
        cursor.execute(counted_sql, [POLYGON])
        matched = cursor.fetchone()[0]
        return matched, baseline()

    total = Premises.objects.count()
    ratio, ours_s, base_s, ours_body, (matched, base_body) = paired(ours, baseline_with_count, REPEAT)
    ours_fc, base_fc = json.loads(ours_body), json.loads(base_body)
    assert len(ours_fc["features"]) == 1000 and ours_fc["numberMatched"] == matched
    assert [f["id"] for f in ours_fc["features"]] == [f["id"] for f in base_fc["features"]]
    assert [f["properties"] for f in ours_fc["features"]] == [f["properties"] for f in base_fc["features"]]
    report(
        f"OGC CQL2-filtered page of 1,000 premises with numberMatched ({total:,} premises)",
        ours_s,
        base_s,
        "s",
        2.0,
        ratio=ratio,
        number_matched=matched,
        bytes=len(ours_body),
    )
    ratio, ours_s, base_s, _ours, _base = paired(ours, baseline, REPEAT)
    report(
        "the same OGC page against the hand-written page alone (no count)",
        ours_s,
        base_s,
        "s",
        None,
        ratio=ratio,
    )


if __name__ == "__main__":
    main()
