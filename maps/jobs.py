"""The siting study as a background job: maps' runner for inventory's job queue
(inventory.services.jobs). It calls the public `maps.siting.run_study` and nothing else."""

from django.urls import reverse

from inventory.choices import JobKind
from inventory.models import Job
from inventory.services import jobs


@jobs.register(JobKind.SITING)
def run_siting(job: Job) -> dict:
    from maps.models import SitingStudy
    from maps.siting import run_study

    study = SitingStudy.objects.get(pk=job.params["study"])
    jobs.progress(job, 0, 1)
    summary = jobs.step(job, 0, lambda: {"ranked": len(run_study(study).get("ranked", [])), "study": study.pk})
    jobs.progress(job, 1)
    summary["url"] = reverse("maps:siting_detail", args=[study.pk])
    return summary


def start_siting(actor, study) -> Job:
    """Run a study's ranking in the background (each start is a new run: the criteria may
    have changed since the last)."""
    import uuid

    return jobs.start(
        actor, JobKind.SITING, jobs.key_of(JobKind.SITING, study.pk, uuid.uuid4().hex), {"study": study.pk}, total=1
    )
