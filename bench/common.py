"""Shared set-up of the benchmarks: a separate database (`<name>_bench`) with the
reference data loaded, so measurements never touch the development data."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assets_project.settings")
os.environ.setdefault("DEBUG", "1")


def use_bench_database(suffix: str = "_bench") -> None:
    """Point Django at the bench database (`<name><suffix>`), creating and migrating it
    when needed. A bench whose data set takes long to make keeps its own database."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    default = os.environ.get("DATABASE_URL") or "postgis://postgres@127.0.0.1:{}/assets".format(
        os.environ.get("PGPORT", "5433")
    )
    config = dj_database_url.parse(default)
    bench_name = config["NAME"] + suffix
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench_name)))
    admin.close()
    os.environ["DATABASE_URL"] = default.rsplit("/", 1)[0] + "/" + bench_name

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def report(
    figure: str,
    ours: float,
    baseline: float,
    unit: str,
    target: float | None,
    lower_is_better=True,
    ratio: float | None = None,
    **details,
) -> None:
    """One result line for bench/run.py: ratio = ours / baseline for times (how many
    times slower than the baseline), baseline / ours for rates, unless given."""
    if ratio is None:
        ratio = ours / baseline if lower_is_better else baseline / ours
    print(
        json.dumps(
            {
                "figure": figure,
                "ours": ours,
                "baseline": baseline,
                "unit": unit,
                "ratio": ratio,
                "target": target,
                "details": details,
            }
        ),
        flush=True,
    )


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def timed(call):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def paired(ours, baseline, repeat: int):
    """Ours and the baseline measured in turn, `repeat` times after one warm-up each:
    (median of the paired ratios, median of ours, median of the baseline, last results)."""
    import statistics

    ours(), baseline()
    ratios, our_times, base_times = [], [], []
    for _ in range(repeat):
        a, our_result = timed(ours)
        b, base_result = timed(baseline)
        ratios.append(a / b)
        our_times.append(a)
        base_times.append(b)
    return (
        statistics.median(ratios),
        statistics.median(our_times),
        statistics.median(base_times),
        our_result,
        base_result,
    )
