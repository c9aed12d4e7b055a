"""A background job's page shows its progress while it runs and its result when it ends,
polling the job's status (no reload by hand)."""

import json
from contextlib import closing

import psycopg2
import pytest
from django.db import connection
from playwright.sync_api import expect

from inventory.choices import JobKind, JobStatus
from inventory.models import Job, User
from tests.browser.test_login_home import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def commit(pk, **values):
    """Change the job as the worker would: committed, on a connection of its own (the
    test's own connection is inside the test's transaction)."""
    settings = connection.settings_dict
    with (
        closing(
            psycopg2.connect(
                host=settings["HOST"],
                port=settings["PORT"],
                user=settings["USER"],
                password=settings["PASSWORD"],
                dbname=settings["NAME"],
            )
        ) as conn,
        conn,
        conn.cursor() as cursor,
    ):
        assignments = ", ".join(f"{name} = %s" for name in values)
        cursor.execute(f"UPDATE inventory_job SET {assignments} WHERE id = %s", [*values.values(), pk])


@pytest.fixture(scope="module")
def running_import(django_db_setup, django_db_blocker):
    """A committed import job of demo-commune, a quarter done (the live server must see it)."""
    with django_db_blocker.unblock():
        commune = User.objects.get(username="demo-commune")
        job = Job.objects.create(
            kind=JobKind.EXCEL_IMPORT,
            key="browser:progress",
            owner=commune,
            admin_unit=commune.admin_unit,
            status=JobStatus.RUNNING,
            done=1500,
            total=6000,
        )
    yield job
    with django_db_blocker.unblock():
        Job.objects.filter(pk=job.pk).delete()


def test_finance_may_follow_a_communes_job(page, live_url, running_import):
    login(page, live_url, "demo-finance")  # sees everything
    assert page.goto(f"{live_url}/jobs/{running_import.pk}/status/").status == 200


def test_progress_moves_while_the_job_runs_and_the_result_shows_at_the_end(
    page, live_url, running_import, django_db_blocker, shot
):
    job = running_import
    login(page, live_url, "demo-commune")
    page.goto(f"{live_url}/jobs/{job.pk}/")
    bar = page.locator("[data-testid=job-progress]")
    assert bar.get_attribute("value") == "25"
    assert page.inner_text("[data-testid=job-status]") == "Đang chạy"
    shot(page, "job-running")

    commit(job.pk, done=4500)  # the worker commits another step
    expect(page.locator("#job-count")).to_have_text("4500 / 6000", timeout=10_000)
    expect(bar).to_have_attribute("value", "75")

    commit(  # and ends
        job.pk,
        done=6000,
        status=JobStatus.DONE,
        result=json.dumps({"written": True, "created": 6000, "changed": 0, "unchanged": 0, "rejected": 0}),
    )
    page.wait_for_selector("[data-testid=job-result]", timeout=10_000)
    assert page.inner_text("[data-testid=job-status]") == "Đã xong"
    assert "6000 mới" in page.inner_text("[data-testid=job-result]")
    shot(page, "job-done")
