"""Shared pieces of the inventory models."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def track_history(**options):
    """History tracker for a domain model: every insert, update and delete is stored
    by PostgreSQL triggers (so raw SQL and bulk writes are caught too), with the
    context (acting user, URL or command) that the middleware or a command sets.

    Statement-level triggers: a bulk INSERT or COPY of a million rows attaches the
    history context once per statement, not once per row (row-level triggers upsert the
    context row for every row, which made bulk loads about 100× slower than COPY).
    A fresh decorator per model, as pghistory requires."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pghistory.Statement,
        **options,
    )


class TimeStampedModel(models.Model):
    """Creation and last-change times; who changed what is in the history tables."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DemoFlagModel(models.Model):
    """Rows made by `generate_demo` carry is_demo=True and say so wherever they are shown."""

    is_demo = models.BooleanField(_("demo data"), default=False, db_index=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record edited by several people: its `version` grows by one with every change
    (a PostgreSQL trigger, so raw SQL counts too). A form or API write carries the
    version it was based on; a stale one is refused (`inventory.versioning`) and
    nothing is overwritten."""

    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # the trigger counted this change: read the new number back
            self.version = type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True).first()


def versioned(model):
    """Class decorator: the trigger that counts the versions of a VersionedModel."""
    return pgtrigger.register(
        pgtrigger.Trigger(
            name="version_bump",
            when=pgtrigger.Before,
            operation=pgtrigger.Update,
            condition=pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*"),
            func="NEW.version := OLD.version + 1; RETURN NEW;",
        )
    )(model)


class SoftDeleteModel(models.Model):
    """A record that is never removed: deleting it records when, by whom and why, and
    hides it (the default manager shows live records only; `all_objects` shows every
    one). An administrator can restore it; its history stays either way. PostgreSQL
    refuses to remove such a row outright unless it is demo data (`no_hard_delete`)."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delete_reason = models.TextField(_("reason for deleting"), blank=True, default="", db_default="", editable=False)

    class Meta:
        abstract = True


def deleted_index(name: str) -> models.Index:
    """Only the few deleted rows are indexed (for the administrators' "deleted" list): an
    index over every live row's NULL would mislead the planner on live queries."""
    return models.Index(fields=["deleted_at"], condition=models.Q(deleted_at__isnull=False), name=name)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def no_hard_delete(model):
    """Class decorator: PostgreSQL refuses DELETE of a row that is not demo data."""
    return pgtrigger.register(
        pgtrigger.Protect(name="no_hard_delete", operation=pgtrigger.Delete, condition=pgtrigger.Q(old__is_demo=False))
    )(model)
