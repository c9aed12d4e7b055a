"""manage.py load_reference_data [--province CODE | --all]"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.legal_lists import seed_legal_lists, seed_procedure_lists
from inventory.reference_data import UnknownProvince, available_provinces, load_province


class Command(BaseCommand):
    help = _(
        "Load a province's administrative units (new since 1 July 2025 and legacy), with "
        "centroids, areas, bounding boxes and the old → new lineage, from the pinned packages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default="40", help=_("Official province code or name (default 40, Nghệ An)."))
        parser.add_argument(
            "--all", action="store_true", dest="all_provinces", help=_("Load every province (all 34), one line each.")
        )

    def handle(self, *args, province, verbosity, all_provinces=False, **options):
        if all_provinces:
            return self.load_all(verbosity)
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

    def load_all(self, verbosity):
        """Every province the packages list: a line per province, then the totals."""
        from tqdm import tqdm

        totals: dict[str, int] = {}
        created = updated = 0
        provinces = available_provinces()
        with tqdm(provinces, unit=" provinces", file=self.stderr._out, disable=verbosity == 0, leave=False) as bar:
            for code, name in bar:
                bar.set_description(name)
                result = load_province(code)
                created, updated = created + result.created, updated + result.updated
                counts = dict(result.counts)
                counts["provinces"] = counts.pop("province", 1)
                for key, value in counts.items():
                    totals[key] = totals.get(key, 0) + value
                line = " ".join(f"{k}={v}" for k, v in result.counts.items() if k != "province")
                bar.write(
                    f"{int(code):02d} {name}: {line} (created {result.created}, updated {result.updated})",
                    file=self.stdout._out,
                )
        seed_legal_lists(apps)
        seed_procedure_lists(apps)
        order = ["provinces", "new_units", "legacy_districts", "legacy_communes", "lineage_links"]
        parts = " ".join(f"{k}={totals.get(k, 0)}" for k in order)
        self.stdout.write(f"reference data: {parts} created={created} updated={updated}")
