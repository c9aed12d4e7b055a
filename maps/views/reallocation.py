"""Reallocation: open needs, the surplus that could meet each, and a proposal from a
chosen match (which reserves the need and the supply)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import NEED_PENDING_STATUSES, NeedStatus
from inventory.models import Asset, Need, Premises
from inventory.permissions import can_review
from inventory.services.handling import propose_transfer, propose_transfer_of_assets
from inventory.views.common import record_id
from maps.reallocation import candidates, group_members, origin_of


def _require_review(user):
    if not can_review(user):
        raise PermissionDenied


@login_required
def need_list(request):
    _require_review(request.user)
    needs = (
        Need.objects.visible_to(request.user)
        .filter(status__in=NEED_PENDING_STATUSES)
        .select_related("agency", "asset_class", "priority_use")
        .order_by("-urgency", "code")
    )
    return render(request, "maps/reallocation_list.html", {"needs": needs})


@login_required
def need_candidates(request, pk):
    _require_review(request.user)
    need = get_object_or_404(Need.objects.visible_to(request.user).select_related("agency__admin_unit"), pk=pk)
    found = candidates(need, request.user) if need.status == NeedStatus.OPEN else []
    origin = origin_of(need)
    markers = [
        {
            "rank": i,
            "name": str(c.record),
            "lat": c.location.y,
            "lon": c.location.x,
            "available": float(c.available),
            "distance_km": round(c.distance_m / 1000, 1),
        }
        for i, c in enumerate(found, start=1)
    ]
    return render(
        request,
        "maps/reallocation_need.html",
        {
            "need": need,
            "candidates": found,
            "markers": {"origin": {"lat": origin.y, "lon": origin.x, "name": str(need.agency)}, "candidates": markers},
            "records": need.handling_records.select_related("premises", "asset", "form"),
        },
    )


@login_required
@require_POST
def propose(request, pk):
    """Turn a match into a proposal; the amount defaults to the whole supply."""
    _require_review(request.user)
    need = get_object_or_404(Need.objects.visible_to(request.user), pk=pk)
    kind = request.POST.get("kind")
    model = {"premises": Premises, "asset": Asset}.get(kind)
    supply_id = record_id(request.POST.get("supply"))
    if model is None or supply_id is None:
        messages.error(request, _("Choose a candidate."))
        return redirect("maps:reallocation_need", pk)
    supply = get_object_or_404(model.objects.visible_to(request.user), pk=supply_id)
    amount = request.POST.get("amount", "").strip()
    try:
        part = {}
        if amount and request.POST.get("part") == "1":
            if kind == "premises":
                part["floor_area"] = Decimal(amount)
            else:
                part["quantity"] = int(amount)
        if kind == "asset" and supply.is_fixed_asset:
            # A fixed asset stands for its group: the whole group, or as many as asked.
            members = group_members(supply, part.get("quantity"), Asset.objects.visible_to(request.user))
            record = propose_transfer_of_assets(request.user, need, members)[0]
        else:
            record = propose_transfer(request.user, need, **{kind: supply}, **part)
    except (InvalidOperation, ValueError):
        messages.error(request, _("The amount must be a number."))
        return redirect("maps:reallocation_need", pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("maps:reallocation_need", pk)
    messages.success(
        request, _("Proposal recorded: %(record)s. The need and the supply are reserved.") % {"record": record}
    )
    return redirect("inventory:handling_detail", record.pk)
