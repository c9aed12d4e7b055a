"""manage.py import_boundaries FILE --level new|legacy_commune|legacy_district --code-field NAME [--srs EPSG]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.boundaries import LEVELS, BoundaryImportError, import_boundaries
from inventory.srs import SRS_LABELS


class Command(BaseCommand):
    help = _(
        "Load unit boundary polygons from GeoJSON, Shapefile or another GDAL vector format, "
        "reprojected to WGS 84; units are matched by their official code."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--level", required=True, choices=sorted(LEVELS))
        parser.add_argument("--code-field", required=True, help=_("Attribute holding the official unit code."))
        parser.add_argument(
            "--skip-unmatched",
            action="store_true",
            help=_("Import the features that match and list the codes that do not."),
        )
        parser.add_argument(
            "--srs",
            type=int,
            choices=sorted(SRS_LABELS),
            help=_("The file's coordinate system when the file does not say (EPSG code)."),
        )

    def handle(self, *args, file, level, code_field, skip_unmatched, srs=None, **options):
        self.stdout.write(_("reading %(file)s") % {"file": file})
        try:
            result = import_boundaries(file, level, code_field, skip_unmatched=skip_unmatched, srs=srs)
        except BoundaryImportError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped_codes:
            self.stdout.write(
                _("codes matching no unit, skipped: %(codes)s") % {"codes": ", ".join(result.skipped_codes)}
            )
        self.stdout.write(result.summary())
