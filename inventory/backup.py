"""Backup and restore: a `pg_dump` of the database (custom format) and the uploaded
files, with a manifest of row counts and checksums of the key tables and of every file,
so a restore can be checked against what was saved."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

# Tables whose rows are compared after a restore: the records and their history.
KEY_TABLES = {
    "inventory_administrativeunit": "id",
    "inventory_agency": "id",
    "inventory_premises": "id",
    "inventory_asset": "id",
    "inventory_need": "id",
    "inventory_declaration": "id",
    "inventory_declarationitem": "id",
    "inventory_handlingrecord": "id",
    "inventory_attachment": "id",
    "inventory_premisesevent": "pgh_id",
    "inventory_assetevent": "pgh_id",
    "inventory_handlingrecordevent": "pgh_id",
}


class BackupError(Exception):
    pass


def _pg_env(config: dict) -> tuple[list[str], dict]:
    args = ["-h", config.get("HOST") or "127.0.0.1", "-p", str(config.get("PORT") or 5432)]
    if config.get("USER"):
        args += ["-U", config["USER"]]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    return args, env


def _connect(config: dict):
    import psycopg2

    return psycopg2.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )


def table_checksums(cursor) -> dict:
    """{table: [rows, md5 of the rows in key order]} for the key tables."""
    result = {}
    for table, key in KEY_TABLES.items():
        cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{key}), '')) FROM {table} t")  # noqa: S608 - constants
        count, digest = cursor.fetchone()
        result[table] = [count, digest]
    return result


def file_checksums(root: Path) -> dict:
    """{relative path: sha256} of every file under `root`."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(target_dir: Path, alias: str = "default") -> Path:
    """Write <target_dir>/<timestamp>/ with db.dump, media.tar.gz and manifest.json."""
    config = connections[alias].settings_dict
    folder = Path(target_dir) / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    args, env = _pg_env(config)
    dump = folder / "db.dump"
    result = subprocess.run(
        ["pg_dump", *args, "-Fc", "--no-owner", "-f", str(dump), config["NAME"]],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(result.stderr.strip())
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    with connections[alias].cursor() as cursor:
        manifest = {
            "made_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": config["NAME"],
            "tables": table_checksums(cursor),
            "files": file_checksums(media),
        }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def restore(folder: Path, config: dict, media_root: Path) -> dict:
    """Restore a backup folder into an empty database (`config`, Django style) and an
    empty media folder; returns the manifest, checked against what was restored."""
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    args, env = _pg_env(config)
    with _connect(config) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
        tables = cursor.fetchone()[0]
    conn.close()
    if tables:
        raise BackupError(f"The database {config['NAME']} is not empty: restore into an empty database.")
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media folder {media_root} is not empty: restore into an empty folder.")
    result = subprocess.run(
        ["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", config["NAME"], str(folder / "db.dump")],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(result.stderr.strip())
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    verify(manifest, config, media_root)
    return manifest


def verify(manifest: dict, config: dict, media_root: Path) -> None:
    """The restored rows and files are those the backup saved (BackupError otherwise)."""
    import psycopg2

    with (
        psycopg2.connect(
            dbname=config["NAME"],
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
        ) as conn,
        conn.cursor() as cursor,
    ):
        restored = table_checksums(cursor)
    conn.close()
    differing = [t for t, v in manifest["tables"].items() if restored.get(t) != v]
    if differing:
        raise BackupError(f"Restored tables differ from the backup: {', '.join(differing)}")
    if file_checksums(Path(media_root)) != manifest["files"]:
        raise BackupError("Restored files differ from the backup.")
