"""manage.py restore FOLDER [--database-url URL] [--media DIR]: restore a backup into an
empty database and an empty media folder, then check rows and files against its manifest."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from inventory.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup (database and uploaded files) into an empty database.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help=_("A backup folder made by `manage.py backup` (or its db.dump)."))
        parser.add_argument("--database-url", help=_("The empty database to restore into (default: this site's)."))
        parser.add_argument("--media", help=_("The empty folder for the files (default: MEDIA_ROOT)."))

    def handle(self, *args, folder, database_url, media, **options):
        config = dj_database_url.parse(database_url) if database_url else connections["default"].settings_dict
        try:
            manifest = restore(Path(folder), config, Path(media or settings.MEDIA_ROOT))
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _digest in manifest["tables"].values())
        self.stdout.write(
            _("restored %(db)s: %(rows)s rows in the key tables and %(files)s files, all as saved")
            % {"db": config["NAME"], "rows": rows, "files": len(manifest["files"])}
        )
