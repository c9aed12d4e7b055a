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
    A fresh decorator per model, as pghistory requires.

    A record's events are read newest first, and each change beside the one before it
    (history tabs, the admin's list, `as_of`): one index on (record, event id) answers
    both, however many events the record has; it replaces the index on the record alone.
    A model with a province key gets the same index led by it: a province's records as
    they stood at a time (the weekly return, the reports' `rows_before`) read only that
    province's events, not the nation's."""

    def decorate(model):
        meta = dict(options.get("meta", {}))
        indexes = [*meta.get("indexes", []), models.Index(fields=["pgh_obj", "pgh_id"])]
        if any(field.name == "province" for field in model._meta.concrete_fields):
            indexes.append(models.Index(fields=["province", "pgh_obj", "pgh_id"]))
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            level=pghistory.Statement,
            **{**options, "meta": {**meta, "indexes": indexes}},
        )(model)

    return decorate


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

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def deleted_index(name: str) -> models.Index:
    """Only the few deleted rows are indexed (for the administrators' "deleted" list): an
    index over every live row's NULL would mislead the planner on live queries."""
    return models.Index(fields=["deleted_at"], condition=models.Q(deleted_at__isnull=False), name=name)


def no_hard_delete(model):
    """Class decorator: PostgreSQL refuses DELETE of a row that is not demo data, and
    refuses to turn a real row into demo data (which would open the way to deleting it).
    TRUNCATE of every table of the register is refused by migration 0010."""
    return pgtrigger.register(
        pgtrigger.Protect(name="no_hard_delete", operation=pgtrigger.Delete, condition=pgtrigger.Q(old__is_demo=False)),
        pgtrigger.Protect(
            name="demo_flag_fixed",
            operation=pgtrigger.Update,
            condition=pgtrigger.Q(old__is_demo__df=pgtrigger.F("new__is_demo")),
        ),
    )(model)


def no_hard_delete_unless_demo(**parents: str):
    """Class decorator for a row that belongs to demo data through its parents (no flag
    of its own): PostgreSQL refuses DELETE unless one of the parents it names is demo
    data. `parents` maps a foreign-key column to the parent's table, e.g.
    premises_id="inventory_premises"; the parents' own flag cannot change (no_hard_delete)."""
    demo_parent = " OR ".join(
        # identifiers given in code by the models, never user input
        f"EXISTS (SELECT 1 FROM {table} WHERE id = OLD.{column} AND is_demo)"  # noqa: S608
        for column, table in parents.items()
    )
    trigger = pgtrigger.Trigger(
        name="no_hard_delete",
        when=pgtrigger.Before,
        operation=pgtrigger.Delete,
        func=(
            f"IF {demo_parent} THEN RETURN OLD; END IF; "
            "RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME; "
        ),
    )
    return pgtrigger.register(trigger)
