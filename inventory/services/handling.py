"""Handling of surplus premises and assets (DESIGN §3, Decree 186/2025): the holding
agency files a request (form 01/TSC-XLTS) with its lines and documents; Finance marks
the file complete (the decision clock starts) or returns it with a comment, reviews it
(opinion and draft decision), records the one decision signed for its lines; each line
is handed over or carried out (form 02/TSC-BBGN) within its form's deadline, and
closed. A transfer may be handed over before its decision when flagged as a temporary
hand-over (letter 8400/BTC-QLCS). Deadlines come from `HandlingDeadline` rows.

A line reserves its supply: the whole premises or asset line, or part of a partly
surplus building's floor area or of a line's quantity. Every line locks the need (if
any) and then the premises or asset row (`SELECT ... FOR UPDATE`) before checking what
is still available, so two people filing at the same moment cannot promise the same
supply twice: the second waits for the first to commit and then sees it.

Every step takes the acting user, runs in one transaction and records the user in the
history context; a refusal raises before anything is written.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import (
    HANDLING_TRANSITIONS,
    REQUEST_TRANSITIONS,
    SURPLUS_PREMISES_STATUSES,
    AssetCategory,
    AssetStatus,
    DeadlineStep,
    HandlingStatus,
    NeedStatus,
    PremisesStatus,
    RequestStatus,
    SaleMethod,
)
from inventory.models import (
    Agency,
    Asset,
    Decision,
    DecisionAuthority,
    HandlingDeadline,
    HandlingForm,
    HandlingReason,
    HandlingRecord,
    HandlingRequest,
    Need,
    Premises,
    PriorityUse,
    RequestDocument,
    RequiredDocument,
    SaleMethodLimit,
)
from inventory.models.handling import TRANSFER
from inventory.permissions import can_file_for, can_review
from inventory.querysets import surplus_floor_area
from inventory.versioning import lock

CONVERT_FUNCTION = "CONVERT_FUNCTION"
SELL = "SELL"
LIQUIDATE = "LIQUIDATE"


# -- who may do what ---------------------------------------------------------------------
def _require_review(actor):
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department may take this step of the handling procedure."))


def _require_filer(actor, agency):
    if not can_file_for(actor, agency):
        raise PermissionDenied(_("You may only file or correct handling requests for the agencies of your own unit."))


def _step(name):
    """Run a service step in one transaction with the actor in the history context."""

    def wrap(func):
        @functools.wraps(func)
        def run(actor, *args, **kwargs):
            with transaction.atomic(), pghistory.context(user=getattr(actor, "pk", None), step=name):
                return func(actor, *args, **kwargs)

        return run

    return wrap


# -- deadlines (HandlingDeadline rows) -----------------------------------------------------
def book_value(record) -> Decimal | None:
    """The remaining value the documents print for a premises or asset: its book value
    (giá trị còn lại theo sổ kế toán), never the recomputed check (Circular 23/2023;
    LEGAL.md). None when the accounts have not stated it: the document leaves it blank."""
    subject = record.subject if isinstance(record, HandlingRecord) else record
    return subject.book_remaining_value


def line_share(record) -> Decimal:
    """The part of the premises or asset line a line handles (1 for the whole): floor
    area over the total floor area, or quantity over the line's quantity. Every document
    prorates with it."""
    subject = record.subject
    if record.floor_area is not None and subject.floor_area:
        return Decimal(record.floor_area) / Decimal(subject.floor_area)
    if record.quantity is not None and getattr(subject, "quantity", None):
        return Decimal(record.quantity) / Decimal(subject.quantity)
    return Decimal(1)


def prorated(value, record) -> Decimal | None:
    """A value of the whole, prorated to the line and rounded up to whole đồng (Circular
    23/2023 Art. 5.1)."""
    if value is None:
        return None
    amount = Decimal(value) * line_share(record)
    return amount.to_integral_value(rounding="ROUND_CEILING")


def deadline_rule(record, step: str) -> HandlingDeadline | None:
    """The deadline row of a line's form for `step`: the one for its kind of record
    (houses and land / other assets) before the one for all."""
    rows = HandlingDeadline.objects.filter(
        handling_form_id=record.form_id, step=step, is_active=True, applies_to__in=(record.scope, "all")
    )
    return min(rows, key=lambda row: row.applies_to == "all", default=None)


def due(record, step: str, start: dt.date | None) -> dt.date | None:
    rule = deadline_rule(record, step)
    return rule.due(start) if rule else None


# -- what is still available -------------------------------------------------------------
def reserved_area(premises: Premises) -> Decimal:
    """Floor area of a premises promised by open partial handling records."""
    return premises.handling_records.open().aggregate(total=Sum("floor_area"))["total"] or Decimal(0)


def available_area(premises: Premises) -> Decimal:
    """Surplus floor area not yet promised: all of a surplus building's, the surplus
    part of a partly surplus one; none while the whole premises is under handling."""
    if premises.handling_records.open().filter(floor_area__isnull=True).exists():
        return Decimal(0)
    if premises.status not in SURPLUS_PREMISES_STATUSES:
        return Decimal(0)
    total = surplus_floor_area(premises.status, premises.floor_area, premises.surplus_floor_area) or Decimal(0)
    return max(Decimal(0), total - reserved_area(premises))


def available_quantity(asset: Asset) -> int:
    """Items of a surplus asset line not yet promised."""
    if asset.status != AssetStatus.SURPLUS:
        return 0
    open_records = asset.handling_records.open()
    if open_records.filter(quantity__isnull=True).exists():
        return 0
    return max(0, asset.quantity - (open_records.aggregate(total=Sum("quantity"))["total"] or 0))


# -- filing a request ---------------------------------------------------------------------
@dataclass
class Proposal:
    """One line of a request: the premises or asset line (`floor_area`/`quantity` only
    for a part), its form, reason, intended use or receiver, and the form's own fields."""

    form_code: str
    intended_use: str = ""
    basis: str = ""
    reason_code: str | None = None
    priority_use_code: str | None = None
    receiving_agency: object = None
    need: Need | None = None
    floor_area: Decimal | None = None
    quantity: int | None = None
    premises: Premises | None = None
    asset: Asset | None = None
    temporary_handover: bool = False
    sale_method: str = ""
    revalued_value: Decimal | None = None
    liquidation_method: str = ""
    # A further fixed asset for a need reserved by an earlier line of the same request
    # (several records proposed at once, see `propose_transfer_of_assets`).
    more_for_need: bool = False


@_step("file")
def file_request(actor, agency: Agency, lines: list, *, purpose="", superior_letter="", documents=None):
    """File a handling request (form 01/TSC-XLTS) for premises and asset lines the
    agency holds, with the documents of its file (`{required document code: note}`)."""
    _require_filer(actor, agency)
    if not lines:
        raise ValidationError(_("A request needs at least one premises or asset line."))
    request = HandlingRequest.objects.create(
        agency=agency, purpose=purpose, superior_letter=superior_letter, filed_by=actor
    )
    for line in lines:
        _add_line(actor, request, line)
    _put_documents(request, documents or {})
    return request


def _add_line(actor, request, proposal: Proposal) -> HandlingRecord:
    if (proposal.premises is None) == (proposal.asset is None):
        raise ValidationError(_("A handling line is for one premises or one asset line."))
    subject = proposal.premises or proposal.asset
    if subject.agency_id != request.agency_id:
        raise ValidationError(
            _("%(subject)s is not held by %(agency)s.") % {"subject": subject, "agency": request.agency}
        )
    need = None
    if proposal.need is not None:
        need = Need.objects.select_for_update().get(pk=proposal.need.pk)
        if need.status != NeedStatus.OPEN and not (proposal.more_for_need and need.status == NeedStatus.RESERVED):
            raise ValidationError(
                _("The need %(need)s is no longer open (%(status)s).")
                % {"need": need.code, "status": need.get_status_display()}
            )
    form = HandlingForm.objects.filter(code=proposal.form_code, is_active=True).first()
    if form is None:
        raise ValidationError(_("Unknown form of handling."))
    reason = None
    if proposal.reason_code:
        reason = HandlingReason.objects.filter(code=proposal.reason_code, is_active=True).first()
        if reason is None:
            raise ValidationError(_("Unknown reason."))
    record = HandlingRecord(
        request=request,
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
        temporary_handover=proposal.temporary_handover,
        sale_method=proposal.sale_method or (SaleMethod.AUCTION if form.code == SELL else ""),
        revalued_value=proposal.revalued_value,
        liquidation_method=proposal.liquidation_method,
    )
    if proposal.premises is not None:
        record.premises = proposal.premises
        record.full_clean(exclude=["created_by", "request"])
        _reserve_premises(record, proposal.premises, proposal.floor_area)
    else:
        record.asset = proposal.asset
        record.full_clean(exclude=["created_by", "request"])
        _reserve_asset(record, proposal.asset, proposal.quantity)
    _check_sale_method(record)
    record.full_clean(exclude=["created_by", "request"])
    record.save()
    if need is not None:
        need.status = NeedStatus.RESERVED
        need.save(update_fields=["status", "updated_at"])
    return record


def _check_sale_method(record) -> None:
    """Auction unless the unit's original cost and revalued value fall within a
    `SaleMethodLimit` of the chosen method (Decree 186/2025 Arts. 24–27); cars only at
    auction."""
    if record.form.code != SELL:
        if record.sale_method:
            raise ValidationError({"sale_method": _("A sale method is only for a sale.")})
        return
    if record.sale_method in ("", SaleMethod.AUCTION):
        return
    subject = record.subject
    units = getattr(subject, "quantity", 1) or 1
    cost = subject.original_cost / units if subject.original_cost is not None else None
    is_car = bool(record.asset_id and subject.asset_class.category == AssetCategory.CAR)
    limits = SaleMethodLimit.objects.filter(method=record.sale_method, is_active=True)
    if not any(limit.allows(cost, record.revalued_value, is_car) for limit in limits):
        if is_car:
            message = _("A car can only be sold at auction (Decree 186/2025).")
        else:
            message = _(
                "“%(method)s” is only allowed within Decree 186/2025's limits per unit (original cost and revalued "
                "value); this line must be sold at auction."
            ) % {"method": SaleMethod(record.sale_method).label}
        raise ValidationError({"sale_method": message})


def _put_documents(request, documents: dict) -> None:
    known = {d.code: d for d in RequiredDocument.objects.filter(code__in=list(documents), is_active=True)}
    unknown = sorted(set(documents) - set(known))
    if unknown:
        raise ValidationError(_("Unknown documents: %(codes)s.") % {"codes": ", ".join(unknown)})
    for code, note in documents.items():
        RequestDocument.objects.update_or_create(
            request=request, document=known[code], defaults={"reference": (note or "").strip()}
        )


def missing_documents(request) -> list:
    """The required documents of the request's lines (by form, reason and kind of
    record; documents of no form are required for every form) its file does not hold."""
    have = set(request.documents.values_list("document_id", flat=True))
    missing = {}
    for line in request.lines.exclude(status=HandlingStatus.CANCELLED):
        rows = RequiredDocument.objects.filter(
            Q(handling_form__isnull=True) | Q(handling_form_id=line.form_id),
            Q(reason__isnull=True) | Q(reason_id=line.reason_id),
            applies_to__in=(line.scope, "all"),
            is_active=True,
        )
        missing.update({row.pk: row for row in rows if row.pk not in have})
    return sorted(missing.values(), key=lambda row: (row.sort_order, row.code))


def _locked_request(request, to: str, expected_version=None) -> HandlingRequest:
    request = lock(HandlingRequest, request.pk, expected_version)
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise ValidationError(
            _("A request that is %(current)s cannot become %(target)s.")
            % {"current": request.get_status_display().lower(), "target": RequestStatus(to).label.lower()}
        )
    return request


@_step("resubmit")
def resubmit(actor, request, *, documents=None, expected_version=None):
    """The agency answers a return: adds the documents asked for and files again."""
    request = _locked_request(request, RequestStatus.SUBMITTED, expected_version)
    _require_filer(actor, request.agency)
    _put_documents(request, documents or {})
    request.status = RequestStatus.SUBMITTED
    request.save()
    return request


@_step("return")
def return_request(actor, request, comment: str, expected_version=None):
    """Finance returns the file to the agency with what must be corrected or added."""
    _require_review(actor)
    request = _locked_request(request, RequestStatus.RETURNED, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected when returning a request.")})
    request.status = RequestStatus.RETURNED
    request.return_comment = comment.strip()
    request.returned_by = actor
    request.save()
    return request


@_step("complete")
def mark_complete(actor, request, expected_version=None):
    """Finance accepts the file as complete: the decision clock of each line starts."""
    _require_review(actor)
    request = _locked_request(request, RequestStatus.COMPLETE, expected_version)
    missing = missing_documents(request)
    if missing:
        raise ValidationError(
            _("The file is not complete: %(docs)s missing.") % {"docs": "; ".join(str(d) for d in missing)}
        )
    today = timezone.localdate()
    request.status = RequestStatus.COMPLETE
    request.completed_on, request.completed_by = today, actor
    request.save()
    for line in request.lines.filter(status=HandlingStatus.PROPOSED).select_related("form", "premises", "asset"):
        if not line.temporary_handover or line.decision_due is None:
            line.decision_due = due(line, DeadlineStep.DECISION, today)
            line.save()
    return request


@_step("review")
def review(actor, request, *, opinion: str, draft_decision: str = "", expected_version=None):
    """Finance's review for the decider (tham mưu): its opinion and the draft decision."""
    _require_review(actor)
    request = _locked_request(request, RequestStatus.REVIEWED, expected_version)
    if not opinion.strip():
        raise ValidationError({"opinion": _("Give Finance's opinion.")})
    request.status = RequestStatus.REVIEWED
    request.review_opinion, request.draft_decision = opinion.strip(), draft_decision.strip()
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save()
    return request


# -- the decision --------------------------------------------------------------------------
@_step("decide")
def decide(
    actor,
    request,
    *,
    number: str,
    date: dt.date,
    signer: str,
    authority_code: str | None = None,
    seller: str = "",
    document=None,
    expected_version=None,
):
    """Record the signed decision for every open line of a reviewed request: the
    hand-over (or carrying out) is due by each line's form, a sale's validity runs."""
    _require_review(actor)
    request = _locked_request(request, RequestStatus.DECIDED, expected_version)
    errors = _decision_errors(number, date, signer)
    authorities = DecisionAuthority.objects.filter(is_active=True)
    authority = authorities.filter(code=authority_code).first() if authority_code else authorities.first()
    if authority is None:
        errors["authority"] = _("Unknown decision authority.")
    if errors:
        raise ValidationError(errors)
    lines = list(
        request.lines.filter(
            Q(status=HandlingStatus.PROPOSED) | Q(status=HandlingStatus.CARRIED_OUT, decision__isnull=True)
        ).select_related("form", "premises", "asset")
    )
    refused = [str(line.form) for line in lines if not authority.may_decide(line.form)]
    if refused:
        raise ValidationError(
            {
                "authority": _("%(authority)s may not decide: %(forms)s.")
                % {"authority": authority, "forms": ", ".join(refused)}
            }
        )
    decision = Decision(
        request=request,
        number=number.strip(),
        date=date,
        signer=signer.strip(),
        authority=authority,
        seller=seller.strip(),
        recorded_by=actor,
    )
    if document is not None:
        decision.document = document
    sales = [due(line, DeadlineStep.HANDOVER, date) for line in lines if line.form.code == SELL]
    decision.valid_until = min(filter(None, sales), default=None)
    decision.full_clean(exclude=["request", "recorded_by", "authority"])
    decision.save()
    for line in lines:
        _record_decision(line, decision, date)
    request.status = RequestStatus.DECIDED
    request.save()
    return decision


def _decision_errors(number: str, date: dt.date | None, signer: str) -> dict:
    """What a decision lacks: its number, its signer, a date not in the future."""
    errors = {}
    if not number.strip():
        errors["decision_number"] = _("Give the decision number.")
    if not signer.strip():
        errors["decider"] = _("Say who signed the decision.")
    if date is None:
        errors["decision_date"] = _("Give the decision date.")
    elif date > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    return errors


def _record_decision(line, decision: Decision, date: dt.date) -> None:
    """One line under the decision: a proposed line is approved, its hand-over due."""
    line.full_clean(exclude=["created_by", "request"])
    _check_sale_method(line)
    line.decision = decision
    line.decision_number, line.decision_date, line.decider = decision.number, date, decision.signer
    if decision.document:
        line.decision_document = decision.document.name
    if line.status == HandlingStatus.PROPOSED:
        line.status = HandlingStatus.APPROVED
        line.deadline = due(line, DeadlineStep.HANDOVER, date)
    line.save()


def approve(
    actor, record, *, decision_number: str, decision_date: dt.date, decider: str, document=None, expected_version=None
):
    """A decision for the request of one line (the page and API of a line): see `decide`."""
    record = lock(HandlingRecord, record.pk, expected_version)
    if HandlingStatus.APPROVED not in HANDLING_TRANSITIONS[record.status]:
        raise ValidationError(
            _("A handling record that is %(current)s cannot become %(target)s.")
            % {"current": record.get_status_display().lower(), "target": HandlingStatus.APPROVED.label.lower()}
        )
    decide(actor, record.request, number=decision_number, date=decision_date, signer=decider, document=document)
    return HandlingRecord.objects.get(pk=record.pk)


# -- compatibility: a one-line request filed by Finance ------------------------------------
@_step("propose")
def propose(actor, proposal: Proposal, *, premises: Premises | None = None, asset: Asset | None = None):
    """A one-line request filed for the holder of `premises` or `asset` (used by the
    reallocation and siting pages); returns its line."""
    subject = premises or asset
    if subject is None or (premises is not None and asset is not None):
        raise ValidationError(_("A handling line is for one premises or one asset line."))
    proposal.premises, proposal.asset = premises, asset
    request = file_request(actor, subject.agency, [proposal], purpose=proposal.basis)
    return request.lines.get()


def propose_handling(
    actor,
    premises,
    form_code,
    *,
    intended_use,
    basis="",
    priority_use_code=None,
    receiving_agency=None,
    reason_code=None,
):
    """A whole premises proposed for a form of handling (used by the siting study)."""
    return propose(
        actor,
        Proposal(
            form_code=form_code,
            reason_code=reason_code,
            intended_use=intended_use,
            basis=basis,
            priority_use_code=priority_use_code,
            receiving_agency=receiving_agency,
        ),
        premises=premises,
    )


def _transfer_proposal(need: Need, holder_id, *, basis="", floor_area=None, quantity=None, more_for_need=False):
    own = holder_id == need.agency_id
    return Proposal(
        form_code=CONVERT_FUNCTION if own else TRANSFER,
        reason_code=None if own else "TRF-SURPLUS",
        intended_use=need.purpose,
        basis=basis or _("Need %(code)s: %(purpose)s") % {"code": need.code, "purpose": need.purpose},
        need=need,
        floor_area=floor_area,
        quantity=quantity,
        more_for_need=more_for_need,
    )


def propose_transfer(actor, need: Need, *, premises=None, asset=None, floor_area=None, quantity=None, basis=""):
    """Surplus supply proposed for the agency that declared `need`: a transfer
    (điều chuyển) from another agency, or a change of function of the agency's own."""
    holder = (premises or asset).agency_id
    proposal = _transfer_proposal(need, holder, basis=basis, floor_area=floor_area, quantity=quantity)
    return propose(actor, proposal, premises=premises, asset=asset)


@_step("propose")
def propose_transfer_of_assets(actor, need: Need, assets, basis="") -> list:
    """Several fixed assets of one holder (one record each, e.g. computers of one group)
    proposed at once for one need: one request with a line per asset; all or none."""
    assets = list(assets)
    if not assets:
        raise ValidationError(_("No asset of this group is still available."))
    holder = assets[0].agency
    if any(asset.agency_id != holder.pk for asset in assets):
        raise ValidationError(_("The assets proposed together must have one holder."))
    lines = []
    for n, asset in enumerate(assets):
        proposal = _transfer_proposal(need, holder.pk, basis=basis, more_for_need=n > 0)
        proposal.asset = asset
        lines.append(proposal)
    request = file_request(actor, holder, lines, purpose=lines[0].basis)
    return list(request.lines.order_by("pk"))


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


# -- the steps after the decision ----------------------------------------------------------
def _locked(record: HandlingRecord, to: str, expected_version: int | None = None) -> HandlingRecord:
    """The line locked, at the version the step was based on (StaleVersion if not), in a
    state from which `to` may follow. A transfer flagged for a temporary hand-over may be
    handed over before its decision (letter 8400/BTC-QLCS)."""
    record = lock(HandlingRecord, record.pk, expected_version)
    early = (
        to == HandlingStatus.CARRIED_OUT
        and record.status == HandlingStatus.PROPOSED
        and record.temporary_handover
        and record.form.code == TRANSFER
    )
    if to not in HANDLING_TRANSITIONS[record.status] and not early:
        if to == HandlingStatus.CARRIED_OUT and record.status == HandlingStatus.PROPOSED:
            raise ValidationError(
                _(
                    "This line has no decision yet: only a transfer flagged for a temporary hand-over (letter "
                    "8400/BTC-QLCS) may be handed over before its decision."
                )
            )
        raise ValidationError(
            _("A handling record that is %(current)s cannot become %(target)s.")
            % {"current": record.get_status_display().lower(), "target": HandlingStatus(to).label.lower()}
        )
    return record


@_step("handover")
def carry_out(
    actor,
    record,
    *,
    handover_number: str,
    handover_date: dt.date,
    notes: str = "",
    documents: str = "",
    expected_version=None,
):
    """The hand-over (form 02/TSC-BBGN) has taken place: the supply leaves the surplus
    pool (to the receiving agency for a transfer) and the need is met. Before the
    decision (temporary hand-over) the decision is due within its own deadline."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.CARRIED_OUT, expected_version)
    errors = {}
    temporary = record.status == HandlingStatus.PROPOSED
    if temporary and record.request.status not in (RequestStatus.COMPLETE, RequestStatus.REVIEWED):
        errors["handover_date"] = _("A temporary hand-over needs a complete file.")
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
    record.handover_documents = documents.strip()
    record.accounts_due = due(record, DeadlineStep.ACCOUNTS, handover_date)
    if temporary:
        record.decision_due = due(record, DeadlineStep.TEMPORARY_DECISION, handover_date)
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
    surplus = surplus_floor_area(premises.status, premises.floor_area, premises.surplus_floor_area)
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


@_step("close")
def close(actor, record, expected_version=None):
    """Accounts and declarations updated: nothing more to do for this line. The request
    is closed with its last line."""
    _require_review(actor)
    record = _locked(record, HandlingStatus.CLOSED, expected_version)
    if record.temporary_handover and record.decision_id is None:
        raise ValidationError(
            _("A line handed over before its decision cannot be closed until the decision is recorded.")
        )
    record.status = HandlingStatus.CLOSED
    record.closed_on = timezone.localdate()
    record.save()
    _close_request_when_done(record.request_id)
    return record


def _close_request_when_done(request_id) -> None:
    request = HandlingRequest.objects.select_for_update().get(pk=request_id)
    left = request.lines.exclude(status__in=(HandlingStatus.CLOSED, HandlingStatus.CANCELLED))
    if request.status == RequestStatus.DECIDED and not left.exists():
        request.status = RequestStatus.CLOSED
        request.save()


@_step("cancel")
def cancel(actor, record, *, reason: str, expected_version=None):
    """Withdraw a line: what it reserved is free again, and the need is open."""
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
    request = HandlingRequest.objects.select_for_update().get(pk=record.request_id)
    if not request.lines.exclude(status=HandlingStatus.CANCELLED).exists() and request.status != RequestStatus.DECIDED:
        request.status = RequestStatus.WITHDRAWN
        request.save()
    else:
        _close_request_when_done(request.pk)
    return record


# -- overdue steps, for Finance ------------------------------------------------------------
@dataclass
class OverdueStep:
    """A step past its deadline and who must act."""

    line: HandlingRecord
    step: str
    due: dt.date
    who: str = field(default="")


def overdue_steps(user, today: dt.date | None = None) -> list[OverdueStep]:
    """The steps past their deadline among the lines `user` sees, with who must act."""
    today = today or timezone.localdate()
    steps = []
    lines = (
        HandlingRecord.objects.visible_to(user)
        .overdue(today)
        .select_related("request__agency", "receiving_agency", "form", "premises", "asset")
    )
    for line in lines.order_by("pk"):
        holder, receiver = line.request.agency, line.receiving_agency
        if line.status == HandlingStatus.PROPOSED:
            steps.append(OverdueStep(line, _("decision"), line.decision_due, _("Finance and the decider")))
        elif line.status == HandlingStatus.APPROVED:
            who = holder.name if receiver is None else f"{holder.name} → {receiver.name}"
            steps.append(OverdueStep(line, _("hand-over or carrying out"), line.deadline, who))
        elif line.decision_id is None:
            steps.append(
                OverdueStep(
                    line, _("decision after a temporary hand-over"), line.decision_due, _("Finance and the decider")
                )
            )
        else:
            steps.append(OverdueStep(line, _("accounts and declarations"), line.accounts_due, holder.name))
    return steps
