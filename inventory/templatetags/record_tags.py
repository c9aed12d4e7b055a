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
