"""Reads on a streaming replica, against a real standby of the test cluster started here
(scripts/replica.sh: pg_basebackup, its own port): the API reads the standby, writes go to
the primary, and a user who just wrote reads the primary (their own write)."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from inventory import dbrouter
from inventory.models import Job, Premises

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _why_no_standby(settings_dict) -> str | None:
    if os.environ.get("DATABASE_URL"):
        return "DATABASE_URL points at a database this test cannot copy with pg_basebackup"
    if settings_dict.get("HOST") not in ("127.0.0.1", "localhost", ""):
        return "the test database is not the project-local cluster"
    pgbin = Path("/usr/lib/postgresql")
    if not any(pgbin.glob("*/bin/pg_basebackup")) and not shutil.which("pg_basebackup"):
        return "pg_basebackup is not installed"
    return None


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary(client, demo_user):
    assert dbrouter.REPLICA not in connections.settings
    client.force_login(demo_user("demo-finance"))
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get("/api/v1/premises/").status_code == 200
    assert _reads_premises([q["sql"] for q in primary])
    assert dbrouter.ReplicaRouter().db_for_read(Premises) == "default"


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """A streaming standby of the test cluster, as the `replica` database alias."""
    primary = connections["default"].settings_dict
    reason = _why_no_standby(primary)
    if reason:
        pytest.skip(f"no standby: {reason}")
    port = _free_port()
    data = ROOT / ".data" / f"test-replica-{os.getpid()}"
    env = dict(os.environ, PGPORT=str(primary["PORT"]), REPLICA_PORT=str(port), REPLICA_DIR=str(data))
    run = subprocess.run(["bash", "scripts/replica.sh", "start"], cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        pytest.fail(f"the standby did not start: {run.stdout}{run.stderr}")
    replica = dict(primary, PORT=str(port))
    connections.settings[dbrouter.REPLICA] = replica
    try:
        with django_db_blocker.unblock():
            # A row committed on the primary reaches the standby by streaming.
            probe = Job.objects.create(kind="export", key=f"replica-probe-{port}")
            deadline = time.monotonic() + 30
            while not Job.objects.using(dbrouter.REPLICA).filter(pk=probe.pk).exists():
                assert time.monotonic() < deadline, "the standby never received the primary's write"
                time.sleep(0.2)
            with connections[dbrouter.REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                in_recovery = cursor.fetchone()[0]
            probe.delete()
            connections[dbrouter.REPLICA].close()
        yield {"port": port, "in_recovery": in_recovery}
    finally:
        connections[dbrouter.REPLICA].close()
        del connections[dbrouter.REPLICA]
        del connections.settings[dbrouter.REPLICA]
        subprocess.run(["bash", "scripts/replica.sh", "stop"], cwd=ROOT, env=env, capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def _queries(client, url, **kwargs):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[dbrouter.REPLICA]) as replica,
    ):
        response = client.get(url, **kwargs)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def _name(body: dict) -> str:
    return body.get("properties", body)["name"]  # a GeoJSON feature or a plain record


def _reads_premises(sqls) -> bool:
    return any('FROM "inventory_premises"' in sql for sql in sqls)


@pytest.mark.django_db(databases=["default", "replica"])
def test_the_standby_is_a_streaming_copy(standby):
    assert standby["in_recovery"] is True


@pytest.mark.django_db(databases=["default", "replica"])
def test_api_reads_go_to_the_replica(standby, client, demo_user):
    client.force_login(demo_user("demo-finance"))
    response, primary, replica = _queries(client, "/api/v1/premises/")
    assert response.status_code == 200
    assert _reads_premises(replica)
    assert not _reads_premises(primary)


@pytest.mark.django_db(databases=["default", "replica"])
def test_pages_that_write_read_the_primary(standby, client, demo_user):
    client.force_login(demo_user("demo-finance"))
    response, primary, replica = _queries(client, "/declarations/premises/")
    assert response.status_code == 200
    assert _reads_premises(primary)
    assert replica == []


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_user_who_just_wrote_reads_their_own_write_on_the_primary(standby, client, demo_user):
    finance = demo_user("demo-finance")
    client.force_login(finance)
    premises = Premises.objects.filter(code__startswith="DEMO-").order_by("pk").first()
    # A write (on the primary, not yet on the standby: this test's transaction is open).
    Premises.objects.filter(pk=premises.pk).update(name="REPLICA own write")
    # Any unsafe request pins its user to the primary for a while.
    assert client.post("/jobs/start/wear/", {"year": "x"}).status_code == 400
    assert dbrouter.PIN_COOKIE in client.cookies
    response, primary, replica = _queries(client, f"/api/v1/premises/{premises.pk}/")
    assert response.status_code == 200
    assert (
        response.json()["properties"]["name"] == "REPLICA own write"
        if "properties" in response.json()
        else (response.json()["name"] == "REPLICA own write")
    )
    assert _reads_premises(primary) and not _reads_premises(replica)

    # Once the pin has passed, reads go back to the standby, which does not have the write.
    client.cookies[dbrouter.PIN_COOKIE] = f"{time.time() - 3600:.3f}"
    response, primary, replica = _queries(client, f"/api/v1/premises/{premises.pk}/")
    assert _reads_premises(replica) and not _reads_premises(primary)
    assert _name(response.json()) == premises.name != "REPLICA own write"


def test_writes_always_go_to_the_primary():
    router = dbrouter.ReplicaRouter()
    token = dbrouter._use_replica.set(True)
    try:
        assert router.db_for_write(Premises) == "default"
        assert router.allow_migrate(dbrouter.REPLICA, "inventory") is False
    finally:
        dbrouter._use_replica.reset(token)
