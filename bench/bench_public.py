"""The public register (/cong-khai/) over 10^4 published sites, reported (issue 17 item 4).

Data: `generate_demo --sites 25` (about 1.0×10^4 premises) in its own bench database
(`<name>_bench_public`), every site then put in a publishable status (surplus, partly
surplus, under handling, handled, in turn) and published, made once and reused.

1. The list page (first page, no filter) as the public opens it: the view called with an
   anonymous request (query parsing, filters, the page's rows through the allow-list,
   the template). Baseline: the hand-written SQL giving the same page's rows and the
   count (no template).
2. The open-data GeoJSON of every site (the public map loads it): the view against one
   hand-written `json_agg` of the same features and properties.
3. The open-data CSV of every site, in WGS 84 and in VN-2000 (TM-3 104°45′): the view
   against the hand-written SQL of the same rows (fetched, not formatted).

The views and the baselines run with PostgreSQL's JIT off: with it on, compiling the
register's query took about 2.7 s of 3.1 s (the reason for `querysets.without_jit`).

Each request and its baseline run in turn, REPEAT times; the figure is the median of the
paired ratios. Reported (no target).
"""

import os

from common import paired, report, use_bench_database

SITES = int(os.environ.get("BENCH_PUBLIC_SITES", "25"))
REPEAT = int(os.environ.get("BENCH_PUBLIC_REPEAT", "5"))
PUBLISHABLE = ("surplus", "partly_surplus", "under_handling", "handled")

# The page's rows: the published sites with their latest handling record and approved plan.
ROWS_SQL = """
SELECT p.code AS code, p.name AS name, u.name AS commune, lu.name AS former_commune, p.status AS status,
       p.condition, p.land_area, p.floor_area, p.surplus_floor_area, h.status AS stage, hd.decision_number,
       hd.decision_date, pl.use, pu.name AS priority_use, {extra}
FROM inventory_premises p
JOIN inventory_publiclisting l ON l.premises_id = p.id AND NOT l.withdrawn
LEFT JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
LEFT JOIN inventory_administrativeunit lu ON lu.id = p.legacy_unit_id
LEFT JOIN LATERAL (SELECT status FROM inventory_handlingrecord r WHERE r.premises_id = p.id AND r.status <> 'cancelled'
                   ORDER BY r.created_at DESC, r.id DESC LIMIT 1) h ON true
LEFT JOIN LATERAL (SELECT decision_number, decision_date FROM inventory_handlingrecord r
                   WHERE r.premises_id = p.id AND r.status <> 'cancelled' AND r.decision_number <> ''
                   ORDER BY r.created_at DESC, r.id DESC LIMIT 1) hd ON true
LEFT JOIN LATERAL (SELECT s.use, s.priority_use_id FROM inventory_siteplan s
                   WHERE s.premises_id = p.id AND s.status = 'approved' LIMIT 1) pl ON true
LEFT JOIN inventory_priorityuse pu ON pu.id = pl.priority_use_id{join}
WHERE p.deleted_at IS NULL AND p.status IN ('surplus', 'partly_surplus', 'under_handling', 'handled')
ORDER BY p.code {limit}
"""
PAGE_SQL = ROWS_SQL.format(extra="p.id", join="", limit="LIMIT 50")
COUNT_SQL = """
SELECT count(*) FROM inventory_premises p JOIN inventory_publiclisting l ON l.premises_id = p.id AND NOT l.withdrawn
WHERE p.deleted_at IS NULL AND p.status IN ('surplus', 'partly_surplus', 'under_handling', 'handled')
"""
CSV_SQL = {
    4326: ROWS_SQL.format(extra="ST_X(p.location), ST_Y(p.location)", join="", limit=""),
    9208: ROWS_SQL.format(
        extra="ST_Y(t.g), ST_X(t.g)",
        join="\nCROSS JOIN LATERAL (SELECT ST_Transform(p.location, 9208) AS g) t",
        limit="",
    ),
}
GEOJSON_SQL = f"""
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'geometry', ST_AsGeoJSON(t.location)::json,
    'properties', json_build_object('code', t.code, 'name', t.name, 'commune', t.commune, 'status', t.status))
    ORDER BY t.code), '[]'::json))::text
FROM ({ROWS_SQL.format(extra="p.location AS location", join="", limit="")}) t
"""


def ensure_data():
    from django.db import connection
    from django.utils import timezone

    from inventory import demo
    from inventory.models import Premises, PublicListing, User

    if PublicListing.objects.published().count() >= 10_000:
        return False
    if Premises.objects.count() < 10_000:
        print(f"generating demo data with --sites {SITES} ...", flush=True)
        demo.clear_demo()
        print(demo.generate(seed=1, scale=1, sites=SITES, progress=lambda m: None).line(), flush=True)
    finance = User.objects.get(username="demo-finance")
    with connection.cursor() as cursor:
        # Every site in a publishable status, in turn (a bench database: the demo's statuses do not matter).
        cursor.execute(
            "UPDATE inventory_premises SET status = (%s::text[])[1 + id %% 4] WHERE status NOT IN %s",
            [list(PUBLISHABLE), PUBLISHABLE],
        )
    now = timezone.now()
    PublicListing.objects.bulk_create(
        [
            PublicListing(premises_id=pk, published_by=finance, published_at=now, summary="")
            for pk in Premises.objects.exclude(public_listing__isnull=False).values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    return True


def main():
    use_bench_database("_bench_public")
    import json

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory

    from inventory.models import PublicListing
    from inventory.views import public as views

    ensure_data()
    published = PublicListing.objects.published().count()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def call(view, path, params=None):
        def run():
            request = factory.get(path, params or {})
            request.user = AnonymousUser()
            request.session = {}
            request._messages = []
            response = view(request)
            assert response.status_code == 200, response.status_code
            return response.content

        return run

    def sql(statement, fetch="all"):
        def run():
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")  # as the views run (see querysets.without_jit)
                cursor.execute(statement)
                return cursor.fetchall() if fetch == "all" else cursor.fetchone()

        return run

    def page_baseline():
        return sql(COUNT_SQL, "one")(), sql(PAGE_SQL)()

    ratio, ours, base, content, (count, rows) = paired(call(views.register, "/cong-khai/"), page_baseline, REPEAT)
    assert count[0] == published and len(rows) == 50
    report("public register: list page, 10^4 sites", ours, base, "s", None, ratio=ratio, sites=published)

    ratio, ours, base, content, (text,) = paired(
        call(views.register_geojson, "/cong-khai/danh-sach.geojson"), sql(GEOJSON_SQL, "one"), REPEAT
    )
    ours_features = json.loads(content)["features"]
    base_features = json.loads(text)["features"]
    assert len(ours_features) == len(base_features) == published
    assert [f["properties"]["code"] for f in ours_features] == [f["properties"]["code"] for f in base_features]
    report(
        "public register: GeoJSON of 10^4 sites",
        ours,
        base,
        "s",
        None,
        ratio=ratio,
        bytes=len(content),
    )

    for srid in (4326, 9208):
        params = {} if srid == 4326 else {"srs": srid}
        ratio, ours, base, content, rows = paired(
            call(views.register_csv, "/cong-khai/danh-sach.csv", params), sql(CSV_SQL[srid]), REPEAT
        )
        assert content.decode("utf-8-sig").count("\n") == len(rows) + 1 == published + 1
        report(f"public register: CSV of 10^4 sites (EPSG:{srid})", ours, base, "s", None, ratio=ratio)


if __name__ == "__main__":
    main()
