"""manage.py backup [--to DIR] [--database-url URL]: a timestamped pg_dump (custom format)
of the database, the uploaded files and a manifest of row counts and checksums, all taken
from the dump's own snapshot so that a backup made while people work restores and checks."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.backup import BackupError, backup


class Command(BaseCommand):
    help = _("Back up the database and the uploaded files.")

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(Path(settings.BASE_DIR) / "backups"), help=_("Folder for backups."))
        parser.add_argument("--database-url", help=_("The database to back up (default: this site's)."))

    def handle(self, *args, to, database_url, **options):
        config = dj_database_url.parse(database_url) if database_url else None
        try:
            folder = backup(Path(to), config=config)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
