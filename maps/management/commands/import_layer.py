"""manage.py import_layer FILE --kind flood|landslide|hazard_site|pollution_site|vibration_source|road --name NAME"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.geodata import GeodataError
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

    def handle(self, *args, file, kind, name, label_field, **options):
        self.stdout.write(_("reading %(file)s") % {"file": file})
        try:
            layer = import_layer(file, kind, name, label_field=label_field)
        except GeodataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("layer “%(name)s”: %(n)s features (source CRS: %(crs)s)")
            % {"name": layer.name, "n": layer.features.count(), "crs": layer.source_crs}
        )
