"""Background jobs (docs/scaling.md, "Background jobs").

The queue is django-tasks with its database backend (`django_tasks_db`): a table in our
own PostgreSQL and a `manage.py db_worker` process, so no new server. This module wraps the
existing services, it does not rewrite them: each kind of job is a runner that cuts the
work into steps and calls the service's public function in each step.

Why a job killed halfway and run again writes each row once: every step runs in its own
transaction whose first statement inserts the step's `JobStep` row (unique per job and
index). The step's rows and that row commit together or not at all; a new run skips the
steps it finds committed. A session advisory lock on the job's id keeps a second worker off
a job that is still running, and tells a dead run (its connection, and so its lock, is gone)
from a live one.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import JobKind, JobStatus
from inventory.models import Job, JobStep
from inventory.permissions import sees_everything

logger = logging.getLogger(__name__)

# Set while a job's runner works, so a view called by it (an export) does the work itself
# instead of starting another job.
IN_JOB: contextvars.ContextVar[Job | None] = contextvars.ContextVar("in_job", default=None)

# kind -> runner(job); apps register theirs (maps registers the siting study).
RUNNERS: dict[str, Callable[[Job], dict]] = {}

# The lock class of background jobs in pg_advisory_lock(class, id).
LOCK_CLASS = 4815


def register(kind: str):
    def wrap(runner):
        RUNNERS[kind] = runner
        return runner

    return wrap


def key_of(*parts) -> str:
    """A job key from its parts: long or odd parts become a short digest."""
    text = ":".join(str(p) for p in parts)
    if len(text) <= 200:
        return text
    return f"{parts[0]}:{hashlib.sha256(text.encode()).hexdigest()}"


def start(actor, kind: str, key: str, params: dict | None = None, total: int = 0, admin_unit=None) -> Job:
    """The job doing this work: started now, or the one already started under the same key
    (a failed one is started again)."""
    job, created = Job.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "owner": actor,
            "params": params or {},
            "total": total,
            "admin_unit": admin_unit,
        },
    )
    if created or job.status == JobStatus.FAILED:
        enqueue(job)
    return job


def enqueue(job: Job) -> Job:
    """Put the job on the queue (after the surrounding transaction commits, so the worker
    finds the job row)."""
    from inventory.tasks import run_job

    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error="", finished_at=None)
    job.status = JobStatus.QUEUED

    def put():
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(put)
    return job


def _try_lock(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        return cursor.fetchone()[0]


def _unlock(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])


def is_alive(job: Job) -> bool:
    """Whether a worker is running the job now (it holds the job's lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND objid = %s AND granted AND pid <> pg_backend_pid())",
            [LOCK_CLASS, job.pk],
        )
        return cursor.fetchone()[0]


def stale() -> list[Job]:
    """Jobs marked running whose worker died (killed, machine restarted)."""
    return [job for job in Job.objects.filter(status=JobStatus.RUNNING) if not is_alive(job)]


def retry(job: Job) -> Job:
    """Run a failed or dead job again: its committed steps are skipped."""
    if job.status == JobStatus.DONE or (job.status == JobStatus.RUNNING and is_alive(job)):
        return job
    return enqueue(job)


def progress(job: Job, done: int, total: int | None = None) -> None:
    """Record progress where the page's poll sees it at once (outside any transaction)."""
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
        job.total = total
    job.done = done
    if connection.in_atomic_block:
        logger.debug("progress of job %s inside a transaction: seen when it commits", job.pk)
    Job.objects.filter(pk=job.pk).update(**fields)


def step(job: Job, index: int, work: Callable[[], dict | None]) -> dict | None:
    """Run one step of a job once: the step's writes and its `JobStep` row commit together.
    Returns the step's summary, or the stored one when the step was already committed."""
    done = JobStep.objects.filter(job=job, index=index).first()
    if done is not None:
        return done.summary
    with transaction.atomic():
        record = JobStep.objects.create(job=job, index=index)
        summary = work() or {}
        record.summary = summary
        record.save(update_fields=["summary"])
    return summary


def run(job_id: int) -> dict:
    """Run a job to its end (called by the worker through `inventory.tasks.run_job`)."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job.result
    if not _try_lock(job.pk):
        logger.info("job %s is being run by another worker", job.pk)
        return {}
    token = IN_JOB.set(job)
    try:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error=""
        )
        try:
            result = RUNNERS[job.kind](job) or {}
        except (ValidationError, PermissionDenied, ValueError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=message, finished_at=timezone.now())
            return {"error": message}
        except Exception:
            logger.exception("job %s failed", job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED,
                error=_("The job failed; an administrator can see why in the log."),
                finished_at=timezone.now(),
            )
            raise
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            result=result,
            finished_at=timezone.now(),
            done=max(job.done, job.total),
            total=max(job.total, job.done),
        )
        return result
    finally:
        IN_JOB.reset(token)
        _unlock(job.pk)


def wait(job: Job, bar=None, poll: float = 0.5, timeout: float | None = None) -> Job:
    """Follow a job until it ends, moving a terminal progress bar (tqdm) as it goes."""
    import time

    started = time.monotonic()
    while True:
        job.refresh_from_db()
        if bar is not None:
            if job.total and bar.total != job.total:
                bar.total = job.total
            bar.n = job.done
            bar.set_postfix_str(job.get_status_display())
            bar.refresh()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        if timeout is not None and time.monotonic() - started > timeout:
            return job
        time.sleep(poll)


# -- runners of the inventory's own services -------------------------------------------


@register(JobKind.WEAR)
def _wear(job: Job) -> dict:
    from inventory.services.wear import book_wear

    year = int(job.params["year"])
    progress(job, 0, 1)
    summary = step(job, 0, lambda: {"summary": book_wear(year, actor=job.owner).summary()})
    progress(job, 1)
    return summary


@register(JobKind.WEEKLY_RETURN)
def _weekly(job: Job) -> dict:
    from inventory import weekly

    label = job.params["week"]
    progress(job, 0, 1)

    def issue():
        frozen = weekly.issue(job.owner, label)
        return {"week": frozen.week, "return_id": frozen.pk}

    summary = step(job, 0, issue)
    progress(job, 1)
    return summary


@register(JobKind.EXCEL_IMPORT)
def _excel_import(job: Job) -> dict:
    from django.core.files.storage import default_storage

    from inventory.services import excel, rejected_rows

    progress(job, 0, job.total or 1)

    def read():
        with default_storage.open(job.params["upload"], "rb") as upload:
            result = excel.import_workbook(job.owner, upload, bool(job.params.get("keep_valid_rows")))
        summary = {
            "written": result.written,
            "created": result.created,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "rejected": result.rejected_count,
            "declaration_id": result.declaration_id,
            "errors": [str(e) for e in result.errors[:50]],
            "already_declared": excel.already_declared_message(result) if result.already_declared else "",
        }
        if token := rejected_rows.keep(job.owner, result):
            summary["rejected_token"] = token
        return summary

    summary = step(job, 0, read)
    progress(job, job.total or 1)
    return summary


def count_workbook_rows(upload) -> int:
    """Data rows of a workbook as its sheets state them (cheap: read-only mode reads the
    sheet dimensions); 0 when it cannot be read (the import then says why)."""
    from openpyxl import load_workbook

    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True)
        try:
            return sum(max((sheet.max_row or 0) - 1, 0) for sheet in workbook.worksheets)
        finally:
            workbook.close()
    except Exception:  # not a workbook: the synchronous import refuses it with its message
        return 0
    finally:
        upload.seek(0)


def start_import(actor, upload, keep_valid_rows: bool) -> Job:
    """Keep the uploaded workbook and start the job that imports it."""
    from django.core.files.storage import default_storage

    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    key = key_of(JobKind.EXCEL_IMPORT, actor.pk, digest.hexdigest(), int(keep_valid_rows))
    existing = Job.objects.filter(key=key).first()
    if existing is not None:
        return start(actor, JobKind.EXCEL_IMPORT, key)
    name = default_storage.save(f"jobs/imports/{actor.pk}-{digest.hexdigest()[:16]}.xlsx", upload)
    total = count_workbook_rows(upload)
    return start(
        actor,
        JobKind.EXCEL_IMPORT,
        key,
        {"upload": name, "keep_valid_rows": keep_valid_rows},
        total=total,
        admin_unit=actor.admin_unit,
    )


# -- exports -------------------------------------------------------------------------------

EXPORT_PROGRESS_ROWS = 10_000


def start_export(request, fmt: str, total: int) -> Job:
    """Start the job that writes this API list export (the same URL and filters)."""
    user = request.user
    query = request.META.get("QUERY_STRING", "")
    key = key_of(JobKind.EXPORT, user.pk, request.path, query, timezone.now().strftime("%Y%m%d%H%M"))
    return start(
        user,
        JobKind.EXPORT,
        key,
        {"path": request.path, "query": query, "format": fmt},
        total=total,
        admin_unit=None if sees_everything(user) else user.admin_unit,
    )


@register(JobKind.EXPORT)
def _export(job: Job) -> dict:
    """Call the API view itself as the job's owner and keep what it streams as a file: the
    same scope, filters, columns and order as the download would have had."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage
    from django.test import RequestFactory
    from django.urls import resolve

    params = job.params
    request = RequestFactory().get(params["path"], data=None, QUERY_STRING=params["query"])
    request.META["QUERY_STRING"] = params["query"]
    request.user = job.owner
    request._dont_enforce_csrf_checks = True
    view = resolve(params["path"])
    response = view.func(request, *view.args, **view.kwargs)
    if response.status_code != 200:
        raise ValueError(_("The export could not be made (answer %(code)s).") % {"code": response.status_code})
    fmt = params["format"]
    import tempfile

    rows = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content if response.streaming else [response.content]:
            out.write(chunk)
            if fmt == "csv":
                rows += chunk.count(b"\n")
                if rows // EXPORT_PROGRESS_ROWS != (rows - chunk.count(b"\n")) // EXPORT_PROGRESS_ROWS:
                    progress(job, max(rows - 1, 0))
        # Not response.close(): that sends request_finished, which closes the connection.
        if getattr(response, "file_to_stream", None) is not None:
            response.file_to_stream.close()
        out.seek(0)
        name = default_storage.save(f"jobs/exports/{job.pk}.{fmt}", File(out))
    Job.objects.filter(pk=job.pk).update(file_name=name)
    filename = response.get("Content-Disposition", "")
    return {"rows": max(rows - 1, 0) if fmt == "csv" else job.total, "format": fmt, "disposition": filename}
