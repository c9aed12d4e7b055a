"""Background jobs: a job killed halfway and run again writes each row once; its progress
and result are seen by its owner (and those who see everything), nobody else."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from inventory.choices import JobKind, JobStatus
from inventory.models import DeclarationItem, Job, JobStep, User
from inventory.services import jobs
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


# -- steps commit once ----------------------------------------------------------------------

CRASH_KIND = "test_steps"
RUNS: list[int] = []


class Crash(Exception):
    pass


@jobs.register(CRASH_KIND)
def _four_steps(job):
    for index in range(4):

        def work(index=index):
            RUNS.append(index)
            if job.params.get("crash_at") == index:
                raise Crash
            return {"step": index}

        jobs.step(job, index, work)
        jobs.progress(job, index + 1, 4)
    return {"steps": 4}


@pytest.mark.django_db
def test_a_job_that_died_halfway_redoes_only_the_steps_it_had_not_committed(demo_user):
    RUNS.clear()
    job = Job.objects.create(kind=CRASH_KIND, key="t:crash", owner=demo_user("demo-finance"), params={"crash_at": 2})
    with pytest.raises(Crash):
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert sorted(JobStep.objects.filter(job=job).values_list("index", flat=True)) == [0, 1]
    assert job.done == 2  # progress of the committed steps

    Job.objects.filter(pk=job.pk).update(params={})  # the cause is fixed; run it again
    RUNS.clear()
    assert jobs.run(job.pk) == {"steps": 4}
    assert RUNS == [2, 3]  # steps 0 and 1 were not done twice
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 4, 4)
    assert JobStep.objects.filter(job=job).count() == 4


@pytest.mark.django_db
def test_a_finished_job_is_not_run_again(demo_user):
    RUNS.clear()
    job = Job.objects.create(kind=CRASH_KIND, key="t:done", owner=demo_user("demo-finance"))
    jobs.run(job.pk)
    RUNS.clear()
    jobs.run(job.pk)
    assert RUNS == []


@pytest.mark.django_db
def test_the_same_work_started_twice_is_one_job(demo_user):
    finance = demo_user("demo-finance")
    first = jobs.start(finance, JobKind.WEAR, "wear:2031", {"year": 2031})
    second = jobs.start(finance, JobKind.WEAR, "wear:2031", {"year": 2031})
    assert first.pk == second.pk
    assert Job.objects.filter(key="wear:2031").count() == 1


# -- who sees a job ------------------------------------------------------------------------


@pytest.fixture
def import_job(db, demo_user):
    commune = demo_user("demo-commune")
    return Job.objects.create(
        kind=JobKind.EXCEL_IMPORT,
        key="t:import",
        owner=commune,
        admin_unit=commune.admin_unit,
        status=JobStatus.RUNNING,
        done=1500,
        total=6000,
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("owner", True),
        ("same_unit", True),
        ("other_unit", False),
        ("finance", True),
        ("auditor", True),
        ("admin", True),
    ],
)
def test_a_jobs_progress_is_seen_by_its_owner_and_unit_only(client, demo_user, import_job, who, sees):
    from inventory.models import AdministrativeUnit

    commune = import_job.owner
    other_unit = (
        AdministrativeUnit.objects.filter(level=commune.admin_unit.level).exclude(pk=commune.admin_unit_id).first()
    )
    users = {
        "owner": commune,
        "same_unit": factories.declarant(commune.admin_unit),
        "other_unit": factories.declarant(other_unit),
        "finance": demo_user("demo-finance"),
        "auditor": demo_user("demo-auditor"),
        "admin": demo_user("demo-admin"),
    }
    client.force_login(users[who])
    response = client.get(reverse("inventory:job_status", args=[import_job.pk]))
    page = client.get(reverse("inventory:job_detail", args=[import_job.pk]))
    if sees:
        assert response.status_code == 200
        assert response.json()["percent"] == 25
        assert response.json()["status"] == "running"
        assert response["Cache-Control"] == "no-store"
        assert page.status_code == 200
    else:
        assert (response.status_code, page.status_code) == (404, 404)


def test_a_jobs_progress_needs_a_login(client, import_job):
    response = client.get(reverse("inventory:job_status", args=[import_job.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_only_finance_starts_a_wear_run(client, demo_user):
    client.force_login(demo_user("demo-commune"))
    assert client.post(reverse("inventory:job_start", args=["wear"]), {"year": 2031}).status_code == 403
    client.force_login(demo_user("demo-finance"))
    assert client.post(reverse("inventory:job_start", args=["wear"]), {"year": "1e309"}).status_code == 400
    response = client.post(reverse("inventory:job_start", args=["wear"]), {"year": 2031})
    job = Job.objects.get(key="wear:2031")
    assert response.status_code == 302 and response["Location"] == reverse("inventory:job_detail", args=[job.pk])
    assert job.params == {"year": 2031} and job.status == JobStatus.QUEUED


@pytest.mark.django_db
def test_a_large_export_becomes_a_job_and_its_file_is_the_same_export(client, demo_user, settings):
    from django.core.files.storage import default_storage

    settings.JOB_EXPORT_ROWS = 5
    finance = demo_user("demo-finance")
    client.force_login(finance)
    response = client.get("/api/v1/premises/?format=csv")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.kind == JobKind.EXPORT and job.owner == finance and job.total > 5
    assert response.json()["status_url"].endswith(reverse("inventory:job_status", args=[job.pk]))

    jobs.run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    with default_storage.open(job.file_name) as f:
        lines = f.read().decode("utf-8-sig").splitlines()
    from inventory.models import Premises

    assert len(lines) - 1 == Premises.objects.visible_to(finance).count() == job.result["rows"]
    download = client.get(reverse("inventory:job_file", args=[job.pk]))
    assert download.status_code == 200
    client.force_login(demo_user("demo-commune"))
    assert client.get(reverse("inventory:job_file", args=[job.pk])).status_code == 404


# -- a worker killed in the middle of an import, and the retry -------------------------------

KILL_ROWS = int(os.environ.get("TEST_KILL_ROWS", "6000"))


def _workbook(user, rows: int) -> bytes:
    from openpyxl import load_workbook

    from inventory.models import Premises
    from inventory.services import excel

    book = load_workbook(io.BytesIO(excel.template(user)))
    sheet = book["Tài sản"]
    headings = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.value = None
    premises = list(Premises.objects.visible_to(user).values_list("code", flat=True)[:20])
    for n in range(rows):
        row = dict.fromkeys(headings)
        row.update(
            {
                "Tên": f"KILLTEST bàn ghế {n}",
                "Loại tài sản": "MMTB-NT",
                "Đơn vị sử dụng": user.agency.code,
                "Cơ sở nhà, đất": premises[n % len(premises)],
                "Số lượng": 1 + n % 5,
                "Đơn vị tính": "bộ",
                "Nguyên giá (đồng)": 3_000_000 + n,
                "Tình trạng": "Tốt",
                "Trạng thái": "Đang sử dụng",
            }
        )
        sheet.append([row[h] for h in headings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _worker(*extra) -> subprocess.Popen:
    env = dict(os.environ)
    settings = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgis://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT']}/{settings['NAME']}"
    )
    env["DEBUG"] = "1"
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _until(condition, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def _another_session_writing() -> bool:
    """Another session of this database is inside a transaction that has written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)"
        )
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def killed_and_retried(django_db_setup, django_db_blocker):
    """An import of KILL_ROWS rows run by a worker process that is killed (SIGKILL) in the
    middle of the import, then run again by a new worker. Done before any test transaction
    (the worker processes must see committed rows); everything made is removed after."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tasks_db.models import DBTaskResult

    seen = {}
    with django_db_blocker.unblock():
        commune = User.objects.get(username="demo-commune")
        user = User.objects.create(
            username=f"killtest-{os.getpid()}", role=commune.role, admin_unit=commune.admin_unit, agency=commune.agency
        )
        job = None
        try:
            upload = SimpleUploadedFile("big.xlsx", _workbook(user, KILL_ROWS))
            seen["counted"] = jobs.count_workbook_rows(upload)
            job = jobs.start_import(user, upload, keep_valid_rows=False)
            worker = _worker()
            try:
                _until(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING, 90, "the worker to start")
                # Killed once the worker's transaction has written (it holds a transaction id),
                # polled closely: on an idle machine the whole import takes under a second.
                _until(_another_session_writing, 90, "the worker to begin writing", every=0.005)
                seen["step_before_kill"] = JobStep.objects.filter(job=job).exists()
                worker.send_signal(signal.SIGKILL)  # no chance to clean up: as a power cut would
                worker.wait(timeout=10)
            finally:
                if worker.poll() is None:
                    worker.kill()
            seen["rows_after_kill"] = DeclarationItem.objects.filter(payload__name__startswith="KILLTEST").count()
            _until(lambda: job in jobs.stale(), 30, "the killed worker's session to end")
            seen["status_after_kill"] = Job.objects.get(pk=job.pk).status

            jobs.retry(Job.objects.get(pk=job.pk))
            worker = _worker("--batch")
            try:
                _, err = worker.communicate(timeout=300)
                seen["worker_err"] = err.decode()[-2000:]
            finally:
                if worker.poll() is None:
                    worker.kill()
            seen["job"] = Job.objects.get(pk=job.pk)
            seen["names"] = list(
                DeclarationItem.objects.filter(payload__name__startswith="KILLTEST").values_list(
                    "payload__name", flat=True
                )
            )
            seen["steps"] = JobStep.objects.filter(job=job).count()
            yield seen
        finally:
            DeclarationItem.objects.filter(payload__name__startswith="KILLTEST").delete()
            DBTaskResult.objects.filter(task_path="inventory.tasks.run_job").delete()
            if job is not None:
                Job.objects.filter(pk=job.pk).delete()
            from inventory.models import Declaration

            made = Declaration.objects.filter(created_by=user)
            DeclarationItem.objects.filter(declaration__in=made).delete()
            made.delete()
            user.delete()


@pytest.mark.django_db
def test_an_import_killed_halfway_and_retried_writes_each_row_once(killed_and_retried):
    seen = killed_and_retried
    assert seen["counted"] >= KILL_ROWS
    assert not seen["step_before_kill"], "the import ended before the kill; raise TEST_KILL_ROWS"
    assert seen["rows_after_kill"] == 0  # the killed step's rows were never committed
    assert seen["status_after_kill"] == JobStatus.RUNNING  # and the job is seen as dead (stale)
    job = seen["job"]
    assert job.status == JobStatus.DONE, (job.error, seen["worker_err"])
    assert job.attempts == 2
    assert len(seen["names"]) == KILL_ROWS
    assert len(set(seen["names"])) == KILL_ROWS
    assert job.result["created"] == KILL_ROWS
    assert seen["steps"] == 1


# -- the Finance department's runs as jobs ----------------------------------------------------


@pytest.mark.django_db
def test_the_wear_run_as_a_job_books_the_year_once(client, demo_user):
    from inventory.models import BookedWear

    client.force_login(demo_user("demo-finance"))
    assert not BookedWear.objects.filter(year=2026).exists()
    client.post(reverse("inventory:job_start", args=["wear"]), {"year": 2026})
    job = Job.objects.get(key="wear:2026")
    jobs.run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 1
    booked = BookedWear.objects.filter(year=2026).count()
    assert booked > 0
    assert "2026" in job.result["summary"]
    # the same run asked again is the same, finished job: nothing booked twice
    client.post(reverse("inventory:job_start", args=["wear"]), {"year": 2026})
    assert Job.objects.filter(kind=JobKind.WEAR).count() == 1
    assert BookedWear.objects.filter(year=2026).count() == booked
    page = client.get(reverse("inventory:job_detail", args=[job.pk]))
    assert job.result["summary"] in page.content.decode()


@pytest.mark.django_db
def test_the_weekly_return_as_a_job_is_issued_and_a_refusal_is_shown(client, demo_user):
    import datetime as dt

    from django.utils import timezone

    from inventory import weekly
    from inventory.models import WeeklyReturn

    client.force_login(demo_user("demo-finance"))
    last_week = weekly.week_of(timezone.localdate() - dt.timedelta(days=14))
    client.post(reverse("inventory:job_start", args=["weekly_return"]), {"week": last_week})
    job = Job.objects.get(kind=JobKind.WEEKLY_RETURN)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert WeeklyReturn.objects.get(week=last_week).pk == job.result["return_id"]
    # issuing it again (a new job for a week already issued) fails with the service's reason
    again = Job.objects.create(kind=JobKind.WEEKLY_RETURN, key="t:again", owner=job.owner, params={"week": last_week})
    jobs.run(again.pk)
    again.refresh_from_db()
    assert again.status == JobStatus.FAILED
    assert last_week in again.error
    assert WeeklyReturn.objects.filter(week=last_week).count() == 1
