"""Pages of background jobs: progress (polled as JSON), result, file, and starting the
Finance department's long runs (docs/scaling.md, "Background jobs")."""

import posixpath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from inventory import weekly
from inventory.choices import JobKind, JobStatus
from inventory.models import Job
from inventory.permissions import can_review
from inventory.services import jobs
from inventory.views.files import stored_file_response

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _job(request, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).select_related("owner"), pk=pk)


def status_of(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
        "error": job.error,
        "url": reverse("inventory:job_detail", args=[job.pk]),
    }


@login_required
@require_safe
def job_list(request):
    return render(
        request,
        "inventory/jobs/list.html",
        {"jobs": Job.objects.visible_to(request.user)[:100], "may_start": can_review(request.user)},
    )


@login_required
@require_safe
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "inventory/jobs/detail.html", {"job": job, "result": job.result, "status": status_of(job)})


@login_required
@require_safe
def job_status(request, pk):
    """The small JSON the page polls while the job runs."""
    response = JsonResponse(status_of(_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def job_file(request, pk):
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.file_name:
        raise PermissionDenied
    extension = posixpath.splitext(job.file_name)[1].lstrip(".")
    return stored_file_response(
        job.file_name,
        filename=f"export-{job.pk}.{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=True,
    )


@login_required
@require_POST
def job_start(request, kind):
    """Finance starts a year-end wear run or the weekly return as a job."""
    if not can_review(request.user):
        raise PermissionDenied
    try:
        if kind == JobKind.WEAR:
            year = int(request.POST.get("year", ""))
            if not 1900 <= year <= 2200:
                raise ValueError
            job = jobs.start(request.user, JobKind.WEAR, jobs.key_of(JobKind.WEAR, year), {"year": year})
        elif kind == JobKind.WEEKLY_RETURN:
            label = weekly.parse_week(request.POST.get("week"))
            job = jobs.start(
                request.user, JobKind.WEEKLY_RETURN, jobs.key_of(JobKind.WEEKLY_RETURN, label), {"week": label}
            )
        else:
            raise PermissionDenied
    except (ValueError, ValidationError):
        return JsonResponse({"error": _("Give a valid year or week.")}, status=400)
    return redirect("inventory:job_detail", job.pk)
