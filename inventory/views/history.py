"""The history tab of each record's page: who changed what and when, the values before and
after in words, and the record as it stood at the end of a chosen day (?as_of=YYYY-MM-DD)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from inventory import history, reports
from inventory.models import Asset, Declaration, HandlingRecord, Need, Premises
from inventory.permissions import can_read_history
from inventory.views.common import scoped

# kind in the URL -> (model, URL name of the record's own page)
KINDS = {
    "premises": (Premises, "inventory:premises_detail"),
    "asset": (Asset, "inventory:asset_edit"),
    "need": (Need, "inventory:need_edit"),
    "declaration": (Declaration, "inventory:declaration_detail"),
    "handling": (HandlingRecord, "inventory:handling_detail"),
}


@login_required
def record_history(request, kind, pk):
    model, page = KINDS[kind]
    record = scoped(model, request.user, pk=pk)  # another unit's record: 404, as its page
    if not can_read_history(request.user, model):
        raise PermissionDenied
    as_of_text = request.GET.get("as_of", "").strip()
    as_of, as_of_error, as_of_values = None, None, None
    try:
        as_of = reports.parse_as_of(as_of_text)
    except ValueError as exc:
        as_of_error = str(exc)
    if as_of is not None:
        as_of_values = history.record_as_of(record, as_of)
    return render(
        request,
        "inventory/history.html",
        {
            "record": record,
            "kind": kind,
            "record_url": reverse(page, args=[record.pk]),
            "changes": history.record_changes(record),
            "as_of": as_of,
            "as_of_text": as_of_text,
            "as_of_error": as_of_error,
            "as_of_values": as_of_values,
        },
    )
