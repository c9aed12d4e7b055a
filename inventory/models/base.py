"""Shared pieces of the inventory models."""

import pghistory
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
