"""Background jobs (docs/scaling.md): what the page polls, and the steps a job has committed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import JobKind, JobStatus

__all__ = ["Job", "JobStep"]


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is seen by the person who started it and, for a unit's work, by the other
        users of that unit, and by those who see every record (Finance, auditors,
        administrators); by nobody else (its result may name a unit's records)."""
        from inventory.permissions import scope

        seen = scope(user)
        if seen.everything:  # sees every unit
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        rows = models.Q(owner=user)
        if seen.unit:
            rows |= models.Q(admin_unit_id=seen.unit)
        if seen.province:
            rows |= models.Q(admin_unit__province_id=seen.province) | models.Q(owner__province_id=seen.province)
        return self.filter(rows)


class Job(models.Model):
    """A long piece of work (a large import or export, a siting study, the year-end wear run,
    the weekly return) run by the background worker. `key` names the work: starting the same
    work twice finds the same job. The task queue itself is django-tasks' table; this row is
    what users see (progress and result)."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL
    )
    admin_unit = models.ForeignKey(
        "inventory.AdministrativeUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    file_name = models.CharField(_("result file"), max_length=300, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.DONE else None
        return min(100, int(self.done * 100 / self.total))


class JobStep(models.Model):
    """One step of a job whose work is committed. Written first in the step's own
    transaction, so the step's rows and this row commit together or not at all: a job
    killed halfway and run again skips the committed steps and redoes the others, and two
    workers running the same job cannot both do a step (the second waits on the unique
    key, then finds it taken)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveIntegerField()
    summary = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="jobstep_once")]

    def __str__(self):
        return f"{self.job_id}/{self.index}"
