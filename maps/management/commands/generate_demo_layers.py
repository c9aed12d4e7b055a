"""manage.py generate_demo_layers [--skip-if-present]"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from maps.demo import create_demo_layers, demo_layers_present


class Command(BaseCommand):
    help = _("Create the demo flood layer and hazard site used by the siting study (plainly marked as demo).")

    def add_arguments(self, parser):
        parser.add_argument("--skip-if-present", action="store_true")

    def handle(self, *args, skip_if_present, **options):
        if skip_if_present and demo_layers_present():
            self.stdout.write(_("demo layers already present: nothing to do"))
            return
        layers = create_demo_layers()
        self.stdout.write(_("demo layers: %(names)s") % {"names": ", ".join(layer.name for layer in layers)})
