"""A bounded load test against gunicorn on loopback: 50 users (locust, headless) for
60 s mixing map requests, API reads and declaration edits, with production settings
(DEBUG off). Zero errors are required; p50 and p95 are reported; afterwards the database
must hold exactly the declarations the test made (one item per successful save, one
open declaration for the agency)."""

import csv
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from common import ROOT, report, use_bench_database

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    use_bench_database()
    from rest_framework.authtoken.models import Token

    from inventory import demo
    from inventory.models import Declaration, DeclarationItem, User

    if not demo.demo_present():
        demo.generate(seed=1)
    token = Token.objects.get_or_create(user=User.objects.get(username="demo-auditor"))[0].key
    agency = User.objects.get(username="demo-commune").agency
    marker = f"LOAD-{uuid.uuid4().hex[:8]}"
    static_root = tempfile.mkdtemp(prefix="assets-static-")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # loopback, plain HTTP
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "API_RATE": "1000000/hour",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "assets_project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        items_before = DeclarationItem.objects.filter(payload__purpose__startswith=marker).count()
        drafts_before = list(Declaration.objects.filter(agency=agency).values_list("pk", flat=True))
        stats_prefix = Path(tempfile.mkdtemp(prefix="assets-load-")) / "load"
        saved_log = stats_prefix.with_name("saved.txt")
        run = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(max(1, USERS // 5)),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(stats_prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env={**env, "LOAD_MARKER": marker, "LOAD_TOKEN": token, "LOAD_SAVED_LOG": str(saved_log)},
            capture_output=True,
            text=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{stats_prefix}_stats.csv", newline="") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    total = stats["Aggregated"]
    failures = int(total["Failure Count"])
    # What the server answered as saved (logged by the users) against what the database holds.
    answered = set(saved_log.read_text(encoding="utf-8").split("\n")) - {""} if saved_log.exists() else set()
    held = set(
        DeclarationItem.objects.filter(payload__purpose__startswith=marker).values_list("payload__purpose", flat=True)
    )
    saved, written = len(answered), len(held) - items_before
    open_declarations = Declaration.objects.filter(agency=agency, status__in=("draft", "returned")).count()
    for name, row in sorted(stats.items()):
        print(
            f"  {name:14} {int(row['Request Count']):6} requests {int(row['Failure Count']):3} failed  "
            f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms",
            flush=True,
        )
    # Leave the bench database as it was: the test's declaration items go, and the draft
    # declaration if the test opened it.
    DeclarationItem.objects.filter(payload__purpose__startswith=marker).delete()
    Declaration.objects.filter(agency=agency, status="draft", items__isnull=True).exclude(pk__in=drafts_before).delete()
    if failures or held != answered or open_declarations != 1:
        print(run.stdout[-3000:], run.stderr[-3000:])
        raise SystemExit(
            f"load test: {failures} failed requests; {saved} saves answered, {written} written; "
            f"{open_declarations} open declarations"
        )
    p50, p95 = float(total["50%"]) / 1000, float(total["95%"]) / 1000
    report(
        f"load: {USERS} users for {SECONDS} s on gunicorn (map, API, declarations), p95 against p50",
        p95,
        p50,
        "s",
        None,
        requests=int(total["Request Count"]),
        failures=failures,
        requests_per_s=round(float(total["Requests/s"]), 1),
        declarations_saved=saved,
        declarations_written=written,
    )


if __name__ == "__main__":
    main()
