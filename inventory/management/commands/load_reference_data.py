"""manage.py load_reference_data [--province CODE]"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.legal_lists import seed_legal_lists, seed_procedure_lists
from inventory.reference_data import UnknownProvince, load_province


class Command(BaseCommand):
    help = _(
        "Load a province's administrative units (new since 1 July 2025 and legacy), with "
        "centroids, areas, bounding boxes and the old → new lineage, from the pinned packages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default="40", help=_("Official province code or name (default 40, Nghệ An)."))

    def handle(self, *args, province, verbosity, **options):
        say = (lambda message: self.stdout.write(f"  {message}")) if verbosity > 0 else None
        try:
            result = load_province(province, progress=say)
        except UnknownProvince as exc:
            raise CommandError(str(exc)) from exc
        if verbosity > 1:
            for warning in result.warnings:
                self.stderr.write(f"  {warning}")
        elif result.warnings:
            self.stdout.write(_("  %(n)s source notes (run with -v 2 to list them)") % {"n": len(result.warnings)})
        if result.changed:
            self.stdout.write(_("  created %(c)s, updated %(u)s rows") % {"c": result.created, "u": result.updated})
        else:
            self.stdout.write(_("  already up to date: nothing changed"))
        # The legal lists of the handling procedure (documents, deadlines, authorities):
        # missing rows created, existing ones left to the administrator.
        created = seed_legal_lists(apps) + seed_procedure_lists(apps)
        self.stdout.write(_("  legal lists: %(n)s rows created") % {"n": created})
        self.stdout.write(result.summary())
