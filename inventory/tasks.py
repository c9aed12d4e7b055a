"""Tasks run by the background worker (`manage.py db_worker`): django-tasks' API."""

from django_tasks import task

from inventory.services import jobs


@task()
def run_job(job_id: int) -> dict:
    """Run one background job (inventory.services.jobs)."""
    return jobs.run(job_id)
