"""manage.py generate_demo_layers [--skip-if-present]"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from maps.demo import create_demo_layers, create_demo_roads, demo_layers_present, demo_roads_present


class Command(BaseCommand):
    help = _(
        "Create the demo flood layer and hazard site used by the siting study and the synthetic road network "
        "(plainly marked as demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--skip-if-present", action="store_true")

    def handle(self, *args, skip_if_present, **options):
        if skip_if_present and demo_layers_present():
            if not demo_roads_present():  # a database made before the demo had roads
                layer = create_demo_roads()
                self.stdout.write(_("demo layers: %(names)s") % {"names": layer.name})
                return
            self.stdout.write(_("demo layers already present: nothing to do"))
            return
        layers = create_demo_layers()
        self.stdout.write(_("demo layers: %(names)s") % {"names": ", ".join(layer.name for layer in layers)})
