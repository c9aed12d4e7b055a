"""Backup → wipe → restore: the same rows (counts and checksums of the key tables) and
the same files; a restore never goes into a database that holds data."""

import io
import secrets
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
def empty_database():
    name = f"test_restore_{secrets.token_hex(4)}"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    config = connection.settings_dict
    url = f"postgis://{config['USER']}@{config['HOST']}:{config['PORT']}/{name}"
    yield name, url
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


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
    config = connection.settings_dict
    with (
        psycopg2.connect(dbname=name, host=config["HOST"], port=config["PORT"], user=config["USER"]) as conn,
        conn.cursor() as cursor,
    ):
        restored = table_checksums(cursor)
    conn.close()
    assert restored == source
    assert source["inventory_premises"][0] > 400 and source["inventory_assetevent"][0] > 5000
    assert file_checksums(restored_media) == file_checksums(media) and len(file_checksums(media)) == 2


def test_restore_refuses_a_database_that_holds_data(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("backup", to=str(tmp_path / "backups"), stdout=out)
    config = connection.settings_dict
    url = f"postgis://{config['USER']}@{config['HOST']}:{config['PORT']}/{config['NAME']}"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", out.getvalue().strip(), database_url=url, media=str(tmp_path / "m"))
