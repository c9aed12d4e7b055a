"""manage.py generate_demo --seed N --scale K [--replace | --skip-if-present | --clear]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory import demo


class Command(BaseCommand):
    help = _(
        "Generate a deterministic demo data set (agencies, premises, assets, needs, demo users), "
        "plainly marked as demo. --scale multiplies the asset lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=int, default=1, help=_("Multiply the asset lines by K."))
        parser.add_argument(
            "--sites",
            type=int,
            default=1,
            help=_("Multiply the premises: K-1 more sites per former commune (about 412 × K premises)."),
        )
        parser.add_argument("--province", default="40", help=_("Official province code (default 40)."))
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--replace", action="store_true", help=_("Remove existing demo data first."))
        mode.add_argument("--skip-if-present", action="store_true", help=_("Do nothing if demo data exists."))
        mode.add_argument("--clear", action="store_true", help=_("Only remove the demo data and demo users."))

    def handle(self, *args, seed, scale, sites, province, replace, skip_if_present, clear, verbosity, **options):
        say = (lambda message: self.stdout.write(f"  {message}")) if verbosity > 0 else None
        if clear or replace:
            demo.clear_demo(progress=say)
            if clear:
                self.stdout.write(_("demo data removed"))
                return
        elif skip_if_present and demo.demo_present():
            self.stdout.write(_("demo data already present: nothing to do"))
            return
        try:
            summary = demo.generate(seed=seed, scale=scale, sites=sites, province_code=province, progress=say)
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary.line())
