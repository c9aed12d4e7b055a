"""National scale (issue 15): one province's requests over the national data set against
the same requests over a database holding that province alone.

Two databases of their own, made once and reused while they hold their data:
- `<name>_bench_national`: `load_reference_data --all` and `generate_demo --provinces 34`;
- `<name>_bench_province`: Nghệ An's reference data and `generate_demo --provinces 1`;
both at BENCH_NATIONAL_SCALE (default 0.05 of the national size, i.e. 5 premises per
former commune and 10 assets per premises: ~5×10⁴ premises and ~5×10⁵ assets nationally).
The generator makes every province the same way (the same draws per province), so
Nghệ An's rows are alike in both.

Requests, as a Finance reviewer of Nghệ An (code 40), through the whole Django stack
(the test client): the review map's data at zoom 9 over the whole province and at zoom 13
over Vinh, a page of the premises API, the totals of a polygon drawn over a former district,
and the weekly return worked out now. "Ours" is the time over the national database,
"baseline" over the province alone; target ≤ 1.5×. The national roll-up (every province's
totals, as the Ministry reads them) is timed over the national database and reported.

Each measurement runs in a fresh process per database, the two alternating ROUNDS times;
each process times every request REPEAT times after a warm-up; a figure is the median.
The EXPLAIN (ANALYZE, BUFFERS) plans of each request's slowest queries over both databases
go to bench/results/national_plans.txt.
"""

import json
import os
import statistics
import subprocess
import sys
import time

from common import ROOT, report

SCALE = os.environ.get("BENCH_NATIONAL_SCALE", "0.05")
PROVINCES = int(os.environ.get("BENCH_NATIONAL_PROVINCES", "34"))
ROUNDS = int(os.environ.get("BENCH_NATIONAL_ROUNDS", "3"))
REPEAT = int(os.environ.get("BENCH_NATIONAL_REPEAT", "5"))
HOME = "40"
PLANS = ROOT / "bench" / "results" / "national_plans.txt"
DATABASES = {"national": "_bench_national", "province": "_bench_province"}
# The screens of the map request: the whole province (unit level) and Vinh (clusters).
MAP_VIEWS = {"map z9 (province)": (9, 104.2, 18.6, 106.2, 20.0), "map z13 (Vinh)": (13, 105.62, 18.64, 105.74, 18.72)}
BENCH_USERS = ("bench-finance-40", "bench-ministry")


def database_url(which: str) -> str:
    import dj_database_url

    default = os.environ.get("DATABASE_URL") or "postgis://postgres@127.0.0.1:{}/assets".format(
        os.environ.get("PGPORT", "5433")
    )
    name = dj_database_url.parse(default)["NAME"] + DATABASES[which]
    return default.rsplit("/", 1)[0] + "/" + name


def child(which: str, action: str) -> dict:
    """Run this script on one database in a fresh process; its last line is JSON."""
    env = {**os.environ, "DATABASE_URL": database_url(which), "DEBUG": "1"}
    proc = subprocess.run(
        [sys.executable, __file__, action, which], env=env, cwd=ROOT / "bench", capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{action} {which} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    for line in proc.stderr.splitlines()[-5:]:
        print(f"  [{which}] {line}", file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- in the child: one database -------------------------------------------------------
def setup_django(which: str):
    import dj_database_url
    import django
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    admin.close()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assets_project.settings")
    django.setup()


def prepare(which: str) -> dict:
    """Migrate, load the reference data and generate the data set unless present."""
    from django.core.management import call_command
    from django.db import connection

    from inventory import national
    from inventory.models import AdministrativeUnit, Asset, Premises

    call_command("migrate", verbosity=0)
    provinces = PROVINCES if which == "national" else 1
    if AdministrativeUnit.objects.filter(level="province").count() < provinces:
        started = time.perf_counter()
        call_command("load_reference_data", *(["--all"] if which == "national" else []), verbosity=0)
        print(f"reference data in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    summary = national.generate(
        provinces,
        scale=float(SCALE),
        home_code=HOME,
        skip_if_present=True,
        progress=lambda message: print(message, file=sys.stderr, flush=True),
    )
    if summary.counts:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(summary.line(), file=sys.stderr)
    made = summary.total("premises") + summary.total("assets")
    return {
        "premises": Premises.objects.count(),
        "assets": Asset.objects.count(),
        "made_rows": made,
        "made_seconds": summary.seconds,
        "provinces_made": len(summary.counts),
    }


def bench_users():
    from inventory.choices import Role
    from inventory.models import AdministrativeUnit, User

    home = AdministrativeUnit.objects.get(level="province", code=HOME)
    scoped = {"province": home} if hasattr(User, "province") else {}
    finance, _ = User.objects.get_or_create(username=BENCH_USERS[0], defaults={"role": Role.FINANCE, **scoped})
    ministry, _ = User.objects.get_or_create(username=BENCH_USERS[1], defaults={"role": Role.FINANCE})
    return finance, ministry


def requests_of(finance, ministry):
    """(name, user, path, params) of each request measured."""
    from django.db import connection

    with connection.cursor() as cursor:
        # the former district of Nghệ An with most former communes: the polygon a reviewer draws
        cursor.execute(
            """SELECT ST_AsGeoJSON(ST_ConvexHull(ST_Collect(c.bbox)))
               FROM inventory_administrativeunit c JOIN inventory_administrativeunit d ON d.id = c.parent_id
               JOIN inventory_administrativeunit p ON p.id = d.province_id
               WHERE p.code = %s AND d.level = 'legacy_district' AND c.bbox IS NOT NULL
               GROUP BY d.id, d.code ORDER BY count(*) DESC, d.code LIMIT 1""",
            [HOME],
        )
        area = cursor.fetchone()[0]
    found = [
        (name, finance, "/maps/data.geojson", {"z": z, "bbox": f"{w},{s},{e},{n}"})
        for name, (z, w, s, e, n) in MAP_VIEWS.items()
    ]
    return [
        *found,
        ("API page of premises", finance, "/api/v1/premises/", {"page_size": 100}),
        ("drawn-area totals", finance, "/maps/totals.json", {"area": area}),
        ("weekly return", finance, "/reports/weekly/", {}),
        ("national roll-up (34 provinces)", ministry, "/reports/", {}),
    ]


def measure(which: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    finance, ministry = bench_users()
    clients = {}
    for user in (finance, ministry):
        clients[user.pk] = Client(HTTP_HOST="127.0.0.1")
        clients[user.pk].force_login(user)
    times, plans = {}, []
    for name, user, path, params in requests_of(finance, ministry):
        client = clients[user.pk]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)  # the warm-up, whose queries are explained
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
        samples = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(path, params)
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
        reads = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        slowest = sorted(reads, key=lambda q: -float(q["time"]))[:2]
        with connection.cursor() as cursor:
            for query in slowest:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                plans.append(f"== {which}: {name} ({len(queries)} queries; {query['time']} s)\n{query['sql']}\n{plan}")
    return {"times": times, "plans": plans}


def main():
    results = {}
    for which in DATABASES:
        print(f"preparing the {which} database ...", flush=True)
        results[which] = child(which, "--prepare")
        print(f"  {which}: {json.dumps(results[which])}", flush=True)
    rounds = {which: [] for which in DATABASES}
    plans = []
    for _round in range(ROUNDS):
        for which in DATABASES:
            measured = child(which, "--measure")
            rounds[which].append(measured["times"])
            plans = plans if _round else [*plans, *measured["plans"]]
    PLANS.parent.mkdir(parents=True, exist_ok=True)
    PLANS.write_text("\n\n".join(sorted(plans, key=lambda p: p.split(":")[1])) + "\n", encoding="utf-8")

    national, province = results["national"], results["province"]
    sizes = f"{national['premises']:,} premises, {national['assets']:,} assets vs {province['premises']:,}, " + (
        f"{province['assets']:,}; scale {SCALE}"
    )
    for name in rounds["national"][0]:
        ours = statistics.median(r[name] for r in rounds["national"])
        base = statistics.median(r[name] for r in rounds["province"])
        if name.startswith("national roll-up"):
            report(f"{name}, national data set ({sizes})", ours, base, "s", None, over_one_province=round(base, 4))
        else:
            report(f"Nghệ An {name}: national / province alone ({sizes})", ours, base, "s", 1.5)
    made = national if national["made_rows"] else None
    if made:
        rate = made["made_rows"] / made["made_seconds"]
        full = (10**6 + 10**7) / rate
        report(
            "generate_demo --provinces: premises and assets made per second",
            rate,
            rate,
            "rows/s",
            None,
            ratio=1.0,
            full_national_estimate_minutes=round(full / 60),
        )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        action, which = sys.argv[1:]
        setup_django(which)
        result = prepare(which) if action == "--prepare" else measure(which)
        print(json.dumps(result, default=str))
    else:
        main()
