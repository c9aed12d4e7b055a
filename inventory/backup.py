"""Backup and restore: a `pg_dump` of the database (custom format) and the uploaded
files, with a manifest of row counts and checksums of the key tables and of every file,
so a restore can be checked against what was saved."""

import datetime as dt
import hashlib
import io
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


def backup(target_dir: Path, alias: str = "default", config: dict | None = None) -> Path:
    """Write <target_dir>/<timestamp>/ with db.dump, media.tar.gz and manifest.json.

    The database may be written to while this runs. The dump and the manifest's row counts
    and checksums therefore come from one snapshot: a read-only REPEATABLE READ transaction
    exports its snapshot, computes the checksums and stays open while `pg_dump --snapshot`
    dumps exactly what that transaction sees. The file checksums are those of the bytes put
    into the archive, so a file written meanwhile cannot make the manifest disagree with it.
    `config` (Django style) names another database than the connection `alias`."""
    config = config or connections[alias].settings_dict
    folder = Path(target_dir) / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    args, env = _pg_env(config)
    dump = folder / "db.dump"
    conn = _connect(config)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            # The first statement fixes the transaction's snapshot; export that one.
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = table_checksums(cursor)
        result = subprocess.run(
            ["pg_dump", *args, "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dump), config["NAME"]],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        conn.rollback()
        conn.close()
    if result.returncode:
        raise BackupError(result.stderr.strip())
    files = archive_media(Path(settings.MEDIA_ROOT), folder / "media.tar.gz")
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": config["NAME"],
        "tables": tables,
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def archive_media(root: Path, target: Path) -> dict:
    """Write every file under `root` into the gzipped tar `target`; return {relative path:
    sha256} of the bytes archived (each file is read once, for both)."""
    files = {}
    with tarfile.open(target, "w:gz") as archive:
        if not root.exists():
            return files
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            try:
                mtime = path.stat().st_mtime
                data = path.read_bytes()
            except FileNotFoundError:  # removed since the listing: not part of this backup
                continue
            name = str(path.relative_to(root))
            info = tarfile.TarInfo(f"./{name}")
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
            archive.addfile(info, io.BytesIO(data))
            files[name] = hashlib.sha256(data).hexdigest()
    return files


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
    with _connect(config) as conn, conn.cursor() as cursor:
        restored = table_checksums(cursor)
    conn.close()
    differing = [t for t, v in manifest["tables"].items() if restored.get(t) != v]
    if differing:
        raise BackupError(f"Restored tables differ from the backup: {', '.join(differing)}")
    if file_checksums(Path(media_root)) != manifest["files"]:
        raise BackupError("Restored files differ from the backup.")
