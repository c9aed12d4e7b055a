"""manage.py backup [--to DIR]: a timestamped pg_dump (custom format) of the database,
the uploaded files and a manifest of row counts and checksums."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.backup import BackupError, backup


class Command(BaseCommand):
    help = _("Back up the database and the uploaded files.")

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(Path(settings.BASE_DIR) / "backups"), help=_("Folder for backups."))

    def handle(self, *args, to, **options):
        try:
            folder = backup(Path(to))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
