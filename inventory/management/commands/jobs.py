"""manage.py jobs: list background jobs, follow one with a progress bar, run dead ones again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from inventory.models import Job
from inventory.services import jobs


class Command(BaseCommand):
    help = _("List background jobs; --wait ID follows one with a progress bar; --retry-stale runs dead ones again.")

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=int, metavar="ID", help=_("Follow this job until it ends."))
        parser.add_argument(
            "--retry-stale", action="store_true", help=_("Queue again the jobs whose worker died (killed, restarted).")
        )

    def handle(self, *args, wait=None, retry_stale=False, **options):
        if retry_stale:
            for job in jobs.stale():
                jobs.retry(job)
                self.stdout.write(_("queued again: %(job)s") % {"job": job})
        if wait is not None:
            job = Job.objects.filter(pk=wait).first()
            if job is None:
                raise CommandError(_("No job %(id)s.") % {"id": wait})
            with tqdm(total=job.total or None, desc=str(job), file=self.stderr._out, unit=" rows") as bar:
                job = jobs.wait(job, bar)
            self.stdout.write(f"{job}: {job.get_status_display()} {job.result or job.error}")
            return
        if not retry_stale:
            for job in Job.objects.all()[:50]:
                percent = "" if job.percent is None else f" {job.percent}%"
                self.stdout.write(f"{job.pk}\t{job.kind}\t{job.get_status_display()}{percent}\t{job.key}")
