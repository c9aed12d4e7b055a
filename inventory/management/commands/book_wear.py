"""manage.py book_wear --year YYYY: the year-end wear run (docs/valuation.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.services.wear import WearRunRefused, book_wear


class Command(BaseCommand):
    help = _(
        "Book a year's wear once for every asset and premises building (Circular 23/2023 Art. 12): "
        "a second run changes nothing; a closed year is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("The fiscal year to book, e.g. 2026."))
        parser.add_argument(
            "--background",
            action="store_true",
            help=_("Queue the run for the background worker and follow it with a progress bar."),
        )

    def handle(self, *args, year, background=False, **options):
        if not 1900 <= year <= 2200:
            raise CommandError(_("The year must be between 1900 and 2200."))
        if background:
            from tqdm import tqdm

            from inventory.choices import JobKind
            from inventory.services import jobs

            job = jobs.start(None, JobKind.WEAR, jobs.key_of(JobKind.WEAR, year), {"year": year})
            with tqdm(total=1, desc=str(job), file=self.stderr._out) as bar:
                job = jobs.wait(job, bar)
            if job.error:
                raise CommandError(job.error)
            self.stdout.write(job.result.get("summary", ""))
            return
        try:
            result = book_wear(year)
        except WearRunRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
