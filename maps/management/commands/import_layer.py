"""manage.py import_layer FILE --kind flood|landslide|hazard_site|pollution_site|vibration_source|road
--name NAME [--srs 9208|3405|4326]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.geodata import GeodataError
from inventory.srs import SRS_LABELS
from maps.choices import LayerKind
from maps.models import RoadEdge
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
        parser.add_argument(
            "--class-field",
            default=None,
            help=_("Road layers: the attribute holding the road class (code or alias of a road class)."),
        )

    def handle(self, *args, file, kind, name, label_field, class_field=None, srs=None, **options):
        self.stdout.write(_("reading %(file)s") % {"file": file})
        try:
            layer = import_layer(file, kind, name, label_field=label_field, srs=srs, class_field=class_field)
        except GeodataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("layer “%(name)s”: %(n)s features (source CRS: %(crs)s)")
            % {"name": layer.name, "n": layer.features.count(), "crs": layer.source_crs}
        )
        if kind == LayerKind.ROAD:
            self.stdout.write(
                _("road network rebuilt: %(edges)s edges, %(mine)s of them from this layer")
                % {"edges": RoadEdge.objects.count(), "mine": layer.road_edges.count()}
            )
