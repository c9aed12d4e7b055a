"""Measurements for docs/scaling.md (run by hand: `.venv/bin/python bench/measure_scale.py`
with PGPORT set and a standby from `make replica` on REPLICA_PORT): streaming replica lag,
and a 6,000-row Excel import as a background job against the same import called directly."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assets_project.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from inventory.models import DeclarationItem, Job, User  # noqa: E402
from inventory.services import excel, jobs  # noqa: E402

ROWS = int(os.environ.get("MEASURE_ROWS", "6000"))


def replica_lag(samples=20) -> list[float]:
    port = int(os.environ.get("REPLICA_PORT", int(os.environ.get("PGPORT", "5433")) + 100))
    standby = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=connection.settings_dict["NAME"])
    standby.autocommit = True
    lags = []
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS scale_lag_probe (n int)")
    for n in range(samples):
        with connection.cursor() as cur:
            cur.execute("INSERT INTO scale_lag_probe VALUES (%s)", [n])
        start = time.perf_counter()
        while True:
            with standby.cursor() as cur:
                cur.execute("SELECT 1 FROM scale_lag_probe WHERE n = %s", [n])
                if cur.fetchone():
                    break
        lags.append((time.perf_counter() - start) * 1000)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE scale_lag_probe")
    return lags


def workbook(user) -> bytes:
    sys.path.insert(0, str(ROOT / "tests" / "inventory"))
    from tests.inventory.test_jobs import _workbook

    return _workbook(user, ROWS)


def clean(user):
    DeclarationItem.objects.filter(payload__name__startswith="KILLTEST").delete()


def main():
    lags = replica_lag()
    print(
        f"replica lag (commit on primary -> row visible on standby), ms: median {statistics.median(lags):.1f}, "
        f"max {max(lags):.1f} over {len(lags)} commits"
    )
    user = User.objects.get(username="demo-commune")
    content = workbook(user)
    clean(user)
    start = time.perf_counter()
    with transaction.atomic():
        result = excel.import_workbook(user, SimpleUploadedFile("w.xlsx", content))
        transaction.set_rollback(True)
    direct = time.perf_counter() - start
    print(f"import of {ROWS} rows called directly: {direct:.1f} s ({result.created} created, rolled back)")
    job = jobs.start_import(user, SimpleUploadedFile("w.xlsx", content), False)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    job.refresh_from_db()
    ran = (job.finished_at - job.started_at).total_seconds()
    print(
        f"the same import as a job: {ran:.1f} s in the worker, {wall:.1f} s from worker start to exit "
        f"(status {job.status}, created {job.result.get('created')})"
    )
    clean(user)
    Job.objects.filter(pk=job.pk).delete()


if __name__ == "__main__":
    main()
