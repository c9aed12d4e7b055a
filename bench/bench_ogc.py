"""OGC API – Features speed, on the map bench's data set (10^5 premises):

A CQL2-filtered page of 1,000 premises from /ogc/collections/premises/items (the view
called with a request whose user is set, as in bench_api.py: the filter parsed by
pygeofilter and turned into a Q, the scope, the count for numberMatched, the page written
by PostGIS) against hand-written SQL giving the same features: the same rows, properties
and geometry, written by `json_agg` (target ≤ 2×). The filter compares text, a number and
a status, and intersects the geometry with a polygon (S_INTERSECTS).
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
    cursor = connection.cursor()

    def baseline():
        cursor.execute(baseline_sql, [POLYGON])
        return cursor.fetchone()[0]

    ratio, ours_s, base_s, ours_body, base_body = paired(ours, baseline, REPEAT)
    ours_fc, base_fc = json.loads(ours_body), json.loads(base_body)
    assert len(ours_fc["features"]) == 1000
    assert [f["id"] for f in ours_fc["features"]] == [f["id"] for f in base_fc["features"]]
    assert [f["properties"] for f in ours_fc["features"]] == [f["properties"] for f in base_fc["features"]]
    report(
        f"OGC CQL2-filtered page of 1,000 premises ({Premises.objects.count():,} premises)",
        ours_s,
        base_s,
        "s",
        2.0,
        ratio=ratio,
        number_matched=ours_fc["numberMatched"],
        bytes=len(ours_body),
    )


if __name__ == "__main__":
    main()
