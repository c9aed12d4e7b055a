"""API speed, on the map bench's data set (10^5 premises, 1.1×10^6 asset lines):

1. A 1,000-feature GeoJSON page of premises against the in-database
   `json_agg(ST_AsGeoJSON(...))` of the same rows and properties (target ≤ 2×).
2. A page of assets 90% deep in the list against the first page (keyset pagination;
   target ≤ 1.5×): the cursor is the one a client paging that far would hold.
3. Exporting 10^5 premises as CSV and XLSX, streamed: the peak resident memory (sampled
   from /proc while the answer is read) of a process that exports 10^5 rows against one
   that exports 10^4 (flat memory: about 1×). Reported, with the memory before the export.

"Ours" is the view called with a request whose user is set (as in bench_map.py).
"""

import base64
import json
import subprocess
import sys

from common import ROOT, paired, report, use_bench_database

REPEAT = 7
PROPERTIES = None  # filled from the serializer's field list


def export_peak_rss(fmt: str, rows: int):
    """(peak resident memory while streaming, bytes sent, resident memory before) in KiB,
    of a fresh process that exports `rows` premises; memory is sampled from /proc as the
    response is read."""
    code = f"""
import os, sys
# DATABASE_URL is inherited: it already names the bench database.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assets_project.settings")
sys.path.insert(0, {str(ROOT)!r})
import django
django.setup()
from django.test import RequestFactory
from inventory.api.views import PremisesViewSet
from inventory.models import Premises, User

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

user = User.objects.get(username="demo-finance")
last = Premises.objects.order_by("id").values_list("id", flat=True)[{rows} - 1]
request = RequestFactory(HTTP_HOST="127.0.0.1").get("/api/v1/premises/", {{"format": "{fmt}", "id_max": last}})
request.user = user
before = peak = rss()
response = PremisesViewSet.as_view({{"get": "list"}})(request)
size = 0
for n, chunk in enumerate(response.streaming_content):
    size += len(chunk)
    if n % 200 == 0:
        peak = max(peak, rss())
peak = max(peak, rss())
print(before, peak, size)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    before, peak, size = (int(v) for v in proc.stdout.split()[-3:])
    return peak, size, before


def main():
    use_bench_database("_bench_map")
    import bench_map
    from django.db import connection
    from django.test import RequestFactory

    from inventory.api.serializers import PREMISES_FIELDS
    from inventory.api.views import AssetViewSet, PremisesViewSet
    from inventory.models import Asset, User

    if bench_map.ensure_data():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    user = User.objects.get(username="demo-finance")
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    premises_list = PremisesViewSet.as_view({"get": "list"})
    asset_list = AssetViewSet.as_view({"get": "list"})

    def call(view, params):
        request = factory.get("/api/v1/x/", params)
        request.user = user
        response = view(request)
        if hasattr(response, "render"):
            response.render()  # DRF responses are rendered by the handler; that is part of the cost
        assert response.status_code == 200, response.content[:300]
        return response.content

    # 1. GeoJSON page against json_agg of the same rows.
    props = ", ".join(f"'{f}', t.{f}" for f in PREMISES_FIELDS)
    columns = ", ".join(
        f"p.{f}_id AS {f}" if f in ("admin_unit", "legacy_unit", "agency") else f"p.{f}" for f in PREMISES_FIELDS
    )
    baseline_sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
            'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.location, 7)::json,
            'properties', json_build_object({props})) ORDER BY t.id))::text
        FROM (SELECT {columns}, p.location FROM inventory_premises p ORDER BY p.id LIMIT 1000) t
    """
    cursor = connection.cursor()

    def baseline():
        cursor.execute(baseline_sql)
        return cursor.fetchone()[0]

    ratio, ours_s, base_s, ours_body, base_body = paired(
        lambda: call(premises_list, {"format": "geojson", "page_size": 1000}), baseline, REPEAT
    )
    ours_fc, base_fc = json.loads(ours_body), json.loads(base_body)
    assert [f["id"] for f in ours_fc["features"]] == [f["id"] for f in base_fc["features"]]
    assert len(ours_fc["features"]) == 1000
    report("GeoJSON page of 1,000 premises", ours_s, base_s, "s", 2.0, ratio=ratio, bytes=len(ours_body))

    # 2. A page 90% deep against the first page.
    ids = Asset.objects.order_by("id").values_list("id", flat=True)
    total = Asset.objects.count()
    deep_id = ids[int(total * 0.9)]
    cursor_token = base64.b64encode(f"p={deep_id}".encode()).decode()
    first = lambda: call(asset_list, {"page_size": 100})  # noqa: E731
    deep = lambda: call(asset_list, {"page_size": 100, "cursor": cursor_token})  # noqa: E731
    ratio, deep_s, first_s, deep_body, _first_body = paired(deep, first, REPEAT)
    assert json.loads(deep_body)["results"][0]["id"] > deep_id
    report(
        f"asset page 90% deep ({total:,} asset lines) against the first page", deep_s, first_s, "s", 1.5, ratio=ratio
    )

    # 3. Streamed exports: peak memory at 10^5 rows against 10^4.
    for fmt in ("csv", "xlsx"):
        small, _small_size, _start = export_peak_rss(fmt, 10_000)
        large, large_size, start = export_peak_rss(fmt, 100_000)
        report(
            f"{fmt.upper()} export of 100,000 premises, peak RSS while streaming, against 10,000",
            large / 1024,
            small / 1024,
            "MiB",
            None,
            export_mib=round(large_size / 2**20, 1),
            rss_before_export_mib=round(start / 1024, 1),
        )


if __name__ == "__main__":
    main()
