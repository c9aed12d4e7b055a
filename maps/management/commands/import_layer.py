"""manage.py import_layer FILE --kind flood|landslide|hazard_site|road --name NAME [--srs 9208|3405|4326]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.geodata import GeodataError
from inventory.srs import SRS_LABELS
from maps.choices import LayerKind
from maps.services import import_layer


class Command(BaseCommand):
    help = _(
        "Import a hazard or context layer (flood, landslide, hazard sites, main roads) from GeoJSON or "
        "Shapefile, reprojected to WGS 84."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=LayerKind.values)
        parser.add_argument("--name", required=True)
        parser.add_argument("--label-field", default=None)
        parser.add_argument(
            "--srs",
            type=int,
            choices=sorted(SRS_LABELS),
            help=_("The file's coordinate system when the file does not say (EPSG code)."),
        )

    def handle(self, *args, file, kind, name, label_field, srs=None, **options):
        self.stdout.write(_("reading %(file)s") % {"file": file})
        try:
            layer = import_layer(file, kind, name, label_field=label_field, srs=srs)
        except GeodataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("layer “%(name)s”: %(n)s features (source CRS: %(crs)s)")
            % {"name": layer.name, "n": layer.features.count(), "crs": layer.source_crs}
        )
