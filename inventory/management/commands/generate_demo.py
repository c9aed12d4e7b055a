"""manage.py generate_demo --seed N --scale K [--replace | --skip-if-present | --clear]
manage.py generate_demo --provinces N [--scale F] [--skip-if-present]   (national data set)"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory import demo, national


class Command(BaseCommand):
    help = _(
        "Generate a deterministic demo data set (agencies, premises, assets, needs, demo users), "
        "plainly marked as demo. --scale multiplies the asset lines. With --provinces N, a national "
        "data set for N provinces instead, made in PostgreSQL (--scale 1: about 10^6 premises and "
        "10^7 assets for 34 provinces)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help=_(
                "Multiply the asset lines by K (a whole number, default 1); with --provinces, the fraction "
                "of the national size (default 1)."
            ),
        )
        parser.add_argument(
            "--sites",
            type=int,
            default=1,
            help=_("Multiply the premises: K-1 more sites per former commune (about 412 × K premises)."),
        )
        parser.add_argument("--province", default="40", help=_("Official province code (default 40)."))
        parser.add_argument(
            "--provinces",
            type=int,
            default=None,
            help=_("Make the national data set for N provinces, --province first (needs load_reference_data --all)."),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--replace", action="store_true", help=_("Remove existing demo data first."))
        mode.add_argument("--skip-if-present", action="store_true", help=_("Do nothing if demo data exists."))
        mode.add_argument("--clear", action="store_true", help=_("Only remove the demo data and demo users."))

    def handle(self, *args, provinces, scale, verbosity, **options):
        say = (lambda message: self.stdout.write(f"  {message}")) if verbosity > 0 else None
        if provinces is not None:
            self.national(provinces, 1.0 if scale is None else scale, say, **options)
        else:
            self.province(1 if scale is None else scale, say, **options)

    def national(self, count, scale, say, *, province, skip_if_present, replace, clear, **options):
        if replace or clear:
            raise CommandError(_("--provinces makes data; remove it with --clear without --provinces."))
        try:
            summary = national.generate(
                count, scale=scale, home_code=province, skip_if_present=skip_if_present, progress=say
            )
        except national.NationalDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary.line())

    def province(self, scale, say, *, seed, sites, province, replace, skip_if_present, clear, **options):
        if scale != int(scale):
            raise CommandError(_("--scale must be a whole number without --provinces."))
        if clear or replace:
            demo.clear_demo(progress=say)
            if clear:
                self.stdout.write(_("demo data removed"))
                return
        elif skip_if_present and demo.demo_present():
            self.stdout.write(_("demo data already present: nothing to do"))
            return
        try:
            summary = demo.generate(seed=seed, scale=int(scale), sites=sites, province_code=province, progress=say)
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary.line())
