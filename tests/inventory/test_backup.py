"""Backup → wipe → restore: the same rows (counts and checksums of the key tables) and
the same files; a backup taken while records are being written restores and passes its
own check; a restore never goes into a database that holds data."""

import io
import json
import secrets
import subprocess
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory.backup import file_checksums, table_checksums

pytestmark = pytest.mark.django_db


def _admin_connection():
    config = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", host=config["HOST"], port=config["PORT"], user=config["USER"], password=config["PASSWORD"]
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def new_database():
    """A factory of new, empty databases (name, url), all dropped after the test."""
    admin = _admin_connection()
    config = connection.settings_dict
    names = []

    def make():
        name = f"test_restore_{secrets.token_hex(4)}"
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return name, f"postgis://{config['USER']}@{config['HOST']}:{config['PORT']}/{name}"

    yield make
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.fixture
def empty_database(new_database):
    return new_database()


def _connect(name):
    config = connection.settings_dict
    return psycopg2.connect(dbname=name, host=config["HOST"], port=config["PORT"], user=config["USER"])


def _copy_test_database_into(name):
    """The test database's committed rows (reference and demo data) copied into `name`,
    so that other writers can commit there without touching the session's data."""
    config = connection.settings_dict
    server = ["-h", config["HOST"], "-p", str(config["PORT"]), "-U", config["USER"]]
    dump = subprocess.Popen(["pg_dump", *server, "-Fc", "--no-owner", config["NAME"]], stdout=subprocess.PIPE)
    subprocess.run(["pg_restore", *server, "--no-owner", "--exit-on-error", "-d", name], stdin=dump.stdout, check=True)
    dump.stdout.close()
    assert dump.wait() == 0


class Writer(threading.Thread):
    """Another user at work through a second connection: each round commits a new need
    (codes LOAD-000001, LOAD-000002, ... in order) and then an update of a premises
    (which also appends to its history)."""

    def __init__(self, database):
        super().__init__(daemon=True)
        self.database = database
        self.rounds = 0
        self.error = None
        self.halt = threading.Event()

    def run(self):
        try:
            conn = _connect(self.database)
            conn.autocommit = True
            with conn.cursor() as cursor:
                while not self.halt.is_set():
                    number = self.rounds + 1
                    cursor.execute(
                        "INSERT INTO inventory_need (created_at, updated_at, is_demo, code, kind, floor_area, quantity,"
                        " purpose, urgency, status, agency_id, asset_class_id, priority_use_id, version)"
                        " SELECT now(), now(), false, %s, kind, floor_area, quantity, purpose, urgency, status,"
                        " agency_id, asset_class_id, priority_use_id, 1 FROM inventory_need ORDER BY id LIMIT 1",
                        [f"LOAD-{number:06d}"],
                    )
                    cursor.execute(
                        "UPDATE inventory_premises SET updated_at = clock_timestamp() WHERE id ="
                        " (SELECT id FROM inventory_premises ORDER BY id OFFSET %s LIMIT 1)",
                        [number % 400],
                    )
                    self.rounds = number
            conn.close()
        except Exception as exc:  # reported by the test
            self.error = exc

    def wait_for(self, rounds, timeout=60):
        deadline = time.monotonic() + timeout
        while self.rounds < rounds:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"the writer made {self.rounds} of {rounds} rounds"
            time.sleep(0.01)


def test_backup_wipe_restore_gives_the_same_rows_and_files(settings, tmp_path, empty_database):
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "ảnh-trụ-sở.jpg").write_bytes(b"\xff\xd8\xff" + secrets.token_bytes(2048))
    (media / "decisions").mkdir()
    (media / "decisions" / "quyết-định-215.pdf").write_bytes(b"%PDF-1.4 " + secrets.token_bytes(512))
    settings.MEDIA_ROOT = media
    out = io.StringIO()
    call_command("backup", to=str(tmp_path / "backups"), stdout=out)
    folder = Path(out.getvalue().strip())
    assert (folder / "db.dump").stat().st_size > 100_000 and (folder / "media.tar.gz").exists()

    name, url = empty_database  # the "wiped" side: a new, empty database and media folder
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=url, media=str(restored_media), stdout=io.StringIO())

    with connection.cursor() as cursor:
        source = table_checksums(cursor)
    with _connect(name) as conn, conn.cursor() as cursor:
        restored = table_checksums(cursor)
    conn.close()
    assert restored == source
    assert source["inventory_premises"][0] > 400 and source["inventory_assetevent"][0] > 5000
    assert file_checksums(restored_media) == file_checksums(media) and len(file_checksums(media)) == 2


def test_a_backup_taken_while_records_are_written_restores_and_passes_its_check(settings, tmp_path, new_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    source, source_url = new_database()
    _copy_test_database_into(source)
    with _connect(source) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inventory_need")
        needs_before = cursor.fetchone()[0]
    conn.close()

    writer = Writer(source)
    writer.start()
    try:
        writer.wait_for(20)  # writing before the backup starts...
        rounds_before = writer.rounds
        out = io.StringIO()
        call_command("backup", to=str(tmp_path / "backups"), database_url=source_url, stdout=out)
        writer.wait_for(writer.rounds + 20)  # ...and still writing after it ended
    finally:
        writer.halt.set()
        writer.join(timeout=30)
    assert writer.error is None and not writer.is_alive()
    folder = Path(out.getvalue().strip())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    saved = manifest["tables"]["inventory_need"][0] - needs_before
    assert rounds_before <= saved < writer.rounds  # a moment during the load, not before or after it

    target, target_url = new_database()
    call_command(
        "restore", str(folder), database_url=target_url, media=str(tmp_path / "restored"), stdout=io.StringIO()
    )

    # What the restore holds is one moment of the writer's work: exactly its first needs, in order.
    with _connect(target) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT code FROM inventory_need WHERE code LIKE 'LOAD-%' ORDER BY code")
        codes = [row[0] for row in cursor.fetchall()]
    conn.close()
    assert codes == [f"LOAD-{n:06d}" for n in range(1, saved + 1)]


def test_restore_refuses_a_database_that_holds_data(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("backup", to=str(tmp_path / "backups"), stdout=out)
    config = connection.settings_dict
    url = f"postgis://{config['USER']}@{config['HOST']}:{config['PORT']}/{config['NAME']}"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", out.getvalue().strip(), database_url=url, media=str(tmp_path / "m"))
