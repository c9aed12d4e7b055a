"""manage.py build_road_network — rebuild the routable edges from every road layer."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from maps.routing import build_network


class Command(BaseCommand):
    help = _("Rebuild the road network (noded edges) from every road layer; import_layer --kind road does it too.")

    def handle(self, *args, **options):
        counts = build_network()
        self.stdout.write(_("road network: %(edges)s edges, %(nodes)s nodes") % counts)
