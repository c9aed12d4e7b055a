"""The tabs above a record's page: its details and its history (inventory.views.history)."""

from django import template
from django.urls import reverse

from inventory import history
from inventory.permissions import can_declare, can_read_history
from inventory.views.history import KINDS

register = template.Library()


@register.inclusion_tag("inventory/_record_tabs.html", takes_context=True)
def record_tabs(context, record, kind, active="details"):
    """Tabs for `record` of `kind` (a key of views.history.KINDS); the history tab only
    for those who may read that kind's history."""
    model, page = KINDS[kind]
    user = context["request"].user
    # An asset's or a need's page is its form, open to declarants only.
    has_page = kind not in ("asset", "need") or can_declare(user)
    return {
        "details_url": reverse(page, args=[record.pk]) if has_page else None,
        "history_url": reverse(f"inventory:{kind}_history", args=[record.pk]),
        "show_history": can_read_history(user, model),
        "active": active,
    }


@register.simple_tag
def changes_of(record):
    """The record's changes from its history tables (history.record_changes), or None for a
    model without history: the admin's History page shows these instead of the admin's own
    log, which knows only of changes made in the admin."""
    if record is None or not hasattr(type(record), "events"):
        return None
    return history.record_changes(record)


# Columns every record has that its page does not list among the facts.
NOT_FACTS = {"id", "is_demo", "updated_at"}


def fact_text(record, name: str) -> str:
    """A declared field's value as the page shows it: a choice's label, yes/no, a number
    as officials write it, a short date; "—" when not stated."""
    from django.db import models
    from django.template.defaultfilters import yesno
    from django.utils.formats import date_format

    from inventory.text import number_text

    field = record._meta.get_field(name)
    value = getattr(record, name)
    if isinstance(field, models.BooleanField):
        return yesno(value)  # Django's own translated "yes"/"no"
    if value is None or value == "":
        return "—"
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    if isinstance(field, models.DateField):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(field, models.DecimalField | models.IntegerField) and not field.is_relation:
        return number_text(value, name)
    return str(value)


@register.inclusion_tag("inventory/includes/declared_facts.html")
def declared_facts(record, shown=""):
    """Rows for the record's declared fields (`PUBLIC_FIELDS`) that the page does not
    already show (`shown`: their names, comma-separated)."""
    skip = NOT_FACTS | {name.strip() for name in shown.split(",")}
    return {
        "rows": [
            (name, record._meta.get_field(name).verbose_name, fact_text(record, name))
            for name in record.PUBLIC_FIELDS
            if name not in skip
        ]
    }
