"""Handling of surplus premises and assets (DESIGN §3): proposals that reserve what they
handle, decisions, hand-over and closing, with deadlines; the status of the premises or
asset line, and of the need met, follows each step.

A proposal reserves its supply: the whole premises or asset line, or part of a partly
surplus building's floor area or of a line's quantity. Every proposal locks the need
(if any) and then the premises or asset row (`SELECT ... FOR UPDATE`) before checking
what is still available, so two reviewers proposing at the same moment cannot promise
the same supply twice: the second waits for the first to commit and then sees it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import (
    HANDLING_TRANSITIONS,
    AssetStatus,
    HandlingStatus,
    NeedStatus,
    PremisesStatus,
)
from inventory.models import Asset, HandlingForm, HandlingReason, HandlingRecord, Need, Premises, PriorityUse
from inventory.models.handling import DECISION_DAYS, HANDOVER_DAYS
from inventory.services.declarations import can_review
from inventory.versioning import lock

TRANSFER = "TRANSFER"
CONVERT_FUNCTION = "CONVERT_FUNCTION"
SURPLUS_PREMISES = (PremisesStatus.SURPLUS, PremisesStatus.PARTLY_SURPLUS)


def _require_review(actor):
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department records handling."))


# -- what is still available -------------------------------------------------------------
def reserved_area(premises: Premises) -> Decimal:
    """Floor area of a premises promised by open partial handling records."""
    return premises.handling_records.open().aggregate(total=Sum("floor_area"))["total"] or Decimal(0)


def available_area(premises: Premises) -> Decimal:
    """Surplus floor area not yet promised: all of a surplus building's, the surplus
    part of a partly surplus one; none while the whole premises is under handling."""
    if premises.handling_records.open().filter(floor_area__isnull=True).exists():
        return Decimal(0)
    if premises.status == PremisesStatus.SURPLUS:
        total = premises.floor_area or Decimal(0)
    elif premises.status == PremisesStatus.PARTLY_SURPLUS:
        total = premises.surplus_floor_area or Decimal(0)
    else:
        return Decimal(0)
    return max(Decimal(0), total - reserved_area(premises))


def available_quantity(asset: Asset) -> int:
    """Items of a surplus asset line not yet promised."""
    if asset.status != AssetStatus.SURPLUS:
        return 0
    open_records = asset.handling_records.open()
    if open_records.filter(quantity__isnull=True).exists():
        return 0
    return max(0, asset.quantity - (open_records.aggregate(total=Sum("quantity"))["total"] or 0))


# -- proposing ---------------------------------------------------------------------------
@dataclass
class Proposal:
    """What a reviewer proposes; `floor_area`/`quantity` only for a part."""

    form_code: str
    intended_use: str = ""
    basis: str = ""
    reason_code: str | None = None
    priority_use_code: str | None = None
    receiving_agency: object = None
    need: Need | None = None
    floor_area: Decimal | None = None
    quantity: int | None = None


@transaction.atomic
def propose(actor, proposal: Proposal, *, premises: Premises | None = None, asset: Asset | None = None):
    """Record a proposed handling of a premises (or part of its floor area) or of an
    asset line (or some of its items), reserving it, and the need it meets."""
    _require_review(actor)
    if (premises is None) == (asset is None):
        raise ValidationError(_("A handling record is for one premises or one asset line."))
    need = None
    if proposal.need is not None:
        need = Need.objects.select_for_update().get(pk=proposal.need.pk)
        if need.status != NeedStatus.OPEN:
            raise ValidationError(
                _("The need %(need)s is no longer open (%(status)s).")
                % {"need": need.code, "status": need.get_status_display()}
            )
    form = HandlingForm.objects.filter(code=proposal.form_code, is_active=True).first()
    if form is None:
        raise ValidationError(_("Unknown form of handling."))
    reason = None
    if proposal.reason_code:
        reason = HandlingReason.objects.filter(code=proposal.reason_code).first()
        if reason is None:
            raise ValidationError(_("Unknown reason."))
    record = HandlingRecord(
        form=form,
        reason=reason,
        priority_use=PriorityUse.objects.filter(code=proposal.priority_use_code).first()
        if proposal.priority_use_code
        else (need.priority_use if need else None),
        intended_use=proposal.intended_use,
        receiving_agency=proposal.receiving_agency or (need.agency if need else None),
        need=need,
        basis=proposal.basis,
        created_by=actor,
        decision_due=timezone.localdate() + dt.timedelta(days=DECISION_DAYS),
    )
    if premises is not None:
        _reserve_premises(record, premises, proposal.floor_area)
    else:
        _reserve_asset(record, asset, proposal.quantity)
    record.full_clean(exclude=["created_by"])
    record.save()
    if need is not None:
        need.status = NeedStatus.RESERVED
        need.save(update_fields=["status", "updated_at"])
    return record


def _reserve_premises(record, premises, floor_area):
    premises = Premises.objects.select_for_update().get(pk=premises.pk)
    record.premises = premises
    record.current_use = premises.get_status_display()
    record.previous_premises_status = premises.status
    if floor_area is None:
        if premises.handling_records.open().exists():
            raise ValidationError(_("%(premises)s already has a handling record in progress.") % {"premises": premises})
        premises.status = PremisesStatus.UNDER_HANDLING
        premises.save(update_fields=["status", "updated_at"])
        return
    available = available_area(premises)
    if floor_area <= 0 or floor_area > available:
        raise ValidationError(
            _("Only %(available)s m² of %(premises)s is still available; %(asked)s m² was asked for.")
            % {"available": available, "premises": premises, "asked": floor_area}
        )
    record.floor_area = floor_area


def _reserve_asset(record, asset, quantity):
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    record.asset = asset
    record.current_use = asset.get_status_display()
    record.previous_premises_status = asset.status
    available = available_quantity(asset)
    if quantity is None or quantity == asset.quantity:
        if available != asset.quantity:
            raise ValidationError(_("%(asset)s is not available as a whole.") % {"asset": asset})
        asset.status = AssetStatus.PENDING_HANDLING
        asset.save(update_fields=["status", "updated_at"])
        return
    if quantity <= 0 or quantity > available:
        raise ValidationError(
            _("Only %(available)s of %(asset)s are still available; %(asked)s were asked for.")
            % {"available": available, "asset": asset, "asked": quantity}
        )
    record.quantity = quantity


def propose_handling(
    actor, premises, form_code, *, intended_use, basis="", priority_use_code=None, receiving_agency=None
):
    """A whole premises proposed for a form of handling (used by the siting study)."""
    return propose(
        actor,
        Proposal(
            form_code=form_code,
            intended_use=intended_use,
            basis=basis,
            priority_use_code=priority_use_code,
            receiving_agency=receiving_agency,
        ),
        premises=premises,
    )


def propose_transfer(actor, need: Need, *, premises=None, asset=None, floor_area=None, quantity=None, basis=""):
    """Surplus supply proposed for the agency that declared `need`: a transfer
    (điều chuyển) from another agency, or a change of function of the agency's own."""
    holder = (premises or asset).agency_id
    own = holder == need.agency_id
    return propose(
        actor,
        Proposal(
            form_code=CONVERT_FUNCTION if own else TRANSFER,
            reason_code=None if own else "TRF-SURPLUS",
            intended_use=need.purpose,
            basis=basis or _("Need %(code)s: %(purpose)s") % {"code": need.code, "purpose": need.purpose},
            need=need,
            floor_area=floor_area,
            quantity=quantity,
        ),
        premises=premises,
        asset=asset,
    )


# -- the steps after the proposal --------------------------------------------------------
def _locked(record: HandlingRecord, to: str, expected_version: int | None = None) -> HandlingRecord:
    """The record locked, at the version the step was based on (StaleVersion if not),
    in a state from which `to` may follow."""
    record = lock(HandlingRecord, record.pk, expected_version)
    if to not in HANDLING_TRANSITIONS[record.status]:
        raise ValidationError(
            _("A handling record that is %(current)s cannot become %(target)s.")
            % {"current": record.get_status_display().lower(), "target": HandlingStatus(to).label.lower()}
        )
    return record


@transaction.atomic
def approve(
    actor, record, *, decision_number: str, decision_date: dt.date, decider: str, document=None, expected_version=None
):
    """The competent authority's decision: hand-over due within 30 days of it."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.APPROVED, expected_version)
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Give the decision number.")
    if not decider.strip():
        errors["decider"] = _("Say who decided.")
    if decision_date is None:
        errors["decision_date"] = _("Give the decision date.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    record.status = HandlingStatus.APPROVED
    record.decision_number = decision_number.strip()
    record.decision_date = decision_date
    record.decider = decider.strip()
    record.deadline = decision_date + dt.timedelta(days=HANDOVER_DAYS)
    if document is not None:
        record.decision_document = document
    record.save()
    return record


@transaction.atomic
def carry_out(actor, record, *, handover_number: str, handover_date: dt.date, notes: str = "", expected_version=None):
    """The hand-over (form 02/TSC-BBGN) has taken place: the supply leaves the surplus
    pool (to the receiving agency for a transfer) and the need is met."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.CARRIED_OUT, expected_version)
    errors = {}
    if not handover_number.strip():
        errors["handover_number"] = _("Give the hand-over record number.")
    if handover_date is None:
        errors["handover_date"] = _("Give the hand-over date.")
    elif handover_date > timezone.localdate():
        errors["handover_date"] = _("The hand-over date cannot be in the future.")
    elif record.decision_date and handover_date < record.decision_date:
        errors["handover_date"] = _("The hand-over cannot come before the decision.")
    if errors:
        raise ValidationError(errors)
    record.status = HandlingStatus.CARRIED_OUT
    record.handover_number = handover_number.strip()
    record.handover_date = handover_date
    record.handover_notes = notes
    record.save()
    if record.premises_id:
        _hand_over_premises(record)
    else:
        _hand_over_asset(record)
    if record.need_id:
        Need.objects.filter(pk=record.need_id).update(status=NeedStatus.MET, updated_at=timezone.now())
    return record


def _hand_over_premises(record):
    premises = Premises.objects.select_for_update().get(pk=record.premises_id)
    if record.floor_area is None:
        premises.status = PremisesStatus.HANDLED
        if record.form.code == TRANSFER and record.receiving_agency_id:
            premises.agency_id = record.receiving_agency_id
        premises.save()
        return
    # A part of the building now serves the receiving agency: less of it is surplus.
    surplus = premises.floor_area if premises.status == PremisesStatus.SURPLUS else premises.surplus_floor_area
    left = max(Decimal(0), (surplus or Decimal(0)) - record.floor_area)
    if left > 0:
        premises.status = PremisesStatus.PARTLY_SURPLUS
        premises.surplus_floor_area = left
    else:
        premises.status = PremisesStatus.OTHER_PUBLIC_USE
        premises.surplus_floor_area = None
    premises.save()


def _hand_over_asset(record):
    asset = Asset.objects.select_for_update().get(pk=record.asset_id)
    transfer = record.form.code == TRANSFER and record.receiving_agency_id
    if record.quantity is None or record.quantity == asset.quantity:
        if transfer:
            asset.agency_id = record.receiving_agency_id
            asset.status = AssetStatus.IN_USE
        else:
            asset.status = AssetStatus.HANDLED
        asset.save()
        return
    # Some items of the line: they become a line of their own, with their share of the cost.
    share = Decimal(record.quantity) / Decimal(asset.quantity)
    moved_cost = (asset.original_cost * share).quantize(Decimal(1)) if asset.original_cost is not None else None
    # the book value goes with its share too (the line keeps the rest)
    moved_book = _share(asset.book_remaining_value, share)
    Asset.objects.create(
        code=f"{asset.code}-XL{record.pk}",
        name=asset.name,
        asset_class=asset.asset_class,
        agency_id=record.receiving_agency_id if transfer else asset.agency_id,
        premises=None if transfer else asset.premises,
        quantity=record.quantity,
        unit_of_measure=asset.unit_of_measure,
        condition=asset.condition,
        status=AssetStatus.IN_USE if transfer else AssetStatus.HANDLED,
        original_cost=moved_cost,
        book_remaining_value=moved_book,
        book_date=asset.book_date if moved_book is not None else None,
        in_use_date=asset.in_use_date,
        notes=_("Split from %(code)s by handling record %(pk)s.") % {"code": asset.code, "pk": record.pk},
    )
    asset.quantity -= record.quantity
    if moved_cost is not None:
        asset.original_cost -= moved_cost
    if moved_book is not None:
        asset.book_remaining_value -= moved_book
    asset.save()


def _share(amount, share):
    return None if amount is None else (amount * share).quantize(Decimal(1))


@transaction.atomic
def close(actor, record, expected_version=None):
    """Accounts and declarations updated: nothing more to do."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.CLOSED, expected_version)
    record.status = HandlingStatus.CLOSED
    record.closed_on = timezone.localdate()
    record.save()
    return record


@transaction.atomic
def cancel(actor, record, *, reason: str, expected_version=None):
    """Withdraw a proposal: what it reserved is free again, and the need is open."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.CANCELLED, expected_version)
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the proposal is cancelled.")})
    record.status = HandlingStatus.CANCELLED
    record.cancel_reason = reason.strip()
    record.save()
    if record.premises_id and record.floor_area is None:
        Premises.objects.filter(pk=record.premises_id, status=PremisesStatus.UNDER_HANDLING).update(
            status=record.previous_premises_status or PremisesStatus.SURPLUS, updated_at=timezone.now()
        )
    if record.asset_id and record.quantity is None:
        Asset.objects.filter(pk=record.asset_id, status=AssetStatus.PENDING_HANDLING).update(
            status=record.previous_premises_status or AssetStatus.SURPLUS, updated_at=timezone.now()
        )
    if record.need_id:
        Need.objects.filter(pk=record.need_id, status=NeedStatus.RESERVED).update(
            status=NeedStatus.OPEN, updated_at=timezone.now()
        )
    return record
