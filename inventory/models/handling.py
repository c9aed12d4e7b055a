"""Handling of surplus premises and assets (phương án / quyết định xử lý)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import (
    HANDLING_DONE,
    HANDLING_OPEN,
    TRANSFER_RECEIVER_BASIS,
    TRANSFER_RECEIVER_KINDS,
    HandlingScope,
    HandlingStatus,
    LiquidationMethod,
    PremisesStatus,
    RequestStatus,
    SaleMethod,
)
from inventory.models.base import (
    TimeStampedModel,
    VersionedModel,
    no_hard_delete_unless_demo,
    track_history,
    versioned,
)
from inventory.models.province import ProvinceKeyedModel, ProvinceOneToOneField, province_key
from inventory.querysets import ScopedQuerySet

__all__ = ["Decision", "HandlingRecord", "HandlingRequest", "RequestDocument"]


class HandlingQuerySet(ScopedQuerySet):
    """Records are seen by the unit of the agency holding what is handled, and by the
    unit of the receiving agency."""

    def belongs_to(self, unit_id) -> Q:
        return (
            Q(premises__agency__admin_unit=unit_id)
            | Q(asset__agency__admin_unit=unit_id)
            | Q(receiving_agency__admin_unit=unit_id)
        )

    def open(self):
        return self.filter(status__in=HANDLING_OPEN)

    def overdue(self, today: dt.date | None = None):
        """Lines past a deadline of the step they wait for: the decision (from a complete
        file, or from a temporary hand-over), the hand-over, the accounts after it."""
        today = today or timezone.localdate()
        return self.filter(
            Q(status=HandlingStatus.PROPOSED, decision_due__lt=today)
            | Q(status=HandlingStatus.APPROVED, deadline__lt=today)
            | Q(
                status=HandlingStatus.CARRIED_OUT,
                temporary_handover=True,
                decision__isnull=True,
                decision_due__lt=today,
            )
            | (
                Q(status=HandlingStatus.CARRIED_OUT, accounts_due__lt=today)
                & ~Q(temporary_handover=True, decision__isnull=True)
            )
        )


def overdue_at(status, decision_due, deadline, accounts_due, awaiting_decision: bool, today=None) -> bool:
    """Past the deadline of the step a line waits for: the decision (from a complete
    file, or from a temporary hand-over), the hand-over, the accounts after it. The
    Python twin of `HandlingQuerySet.overdue`, for one row or a history row."""
    today = today or timezone.localdate()

    def past(day):
        return bool(day and day < today)

    if status == HandlingStatus.PROPOSED:
        return past(decision_due)
    if status == HandlingStatus.APPROVED:
        return past(deadline)
    if status == HandlingStatus.CARRIED_OUT:
        # Handed over before its decision (temporary): the decision is what it waits for.
        return past(decision_due) if awaiting_decision else past(accounts_due)
    return False


class HandlingRequestQuerySet(ScopedQuerySet):
    """Requests are seen by the unit of the holding agency and of any receiving agency."""

    def belongs_to(self, unit_id) -> Q:
        return Q(agency__admin_unit=unit_id) | Q(
            pk__in=HandlingRecord.objects.filter(receiving_agency__admin_unit=unit_id).values("request_id")
        )


class DecisionQuerySet(ScopedQuerySet):
    def belongs_to(self, unit_id) -> Q:
        return Q(request__in=HandlingRequest.objects.filter(HandlingRequest.objects.belongs_to(unit_id)).values("pk"))


@versioned
@track_history()
@province_key
class HandlingRequest(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """A request to handle premises and assets (hồ sơ đề nghị xử lý tài sản công, form
    01/TSC-XLTS), filed by the holding agency (a commune declarant for its commune's
    agencies, or Finance on an agency's behalf) with its superior's letter and the
    documents each form needs (`RequestDocument`). Its lines are `HandlingRecord` rows.

    Finance marks the file complete (the decision clock starts) or returns it with a
    comment; reviews it (opinion and draft decision, tham mưu); the competent person
    signs one `Decision` for its lines. See `RequestStatus` for the steps."""

    agency = models.ForeignKey(
        "inventory.Agency", verbose_name=_("holding agency"), on_delete=models.PROTECT, related_name="handling_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, db_index=True
    )
    purpose = models.TextField(_("grounds of the request"), blank=True)
    superior_letter = models.CharField(
        _("superior agency's letter"), max_length=255, blank=True, help_text=_("Number and date of the letter.")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_on = models.DateField(_("file complete on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked complete by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_opinion = models.TextField(_("Finance's opinion"), blank=True)
    draft_decision = models.TextField(_("draft decision"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = HandlingRequestQuerySet.as_manager()

    province_from = ("agency",)

    class Meta:
        verbose_name = _("handling request")
        verbose_name_plural = _("handling requests")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["province", "status"])]

    def __str__(self):
        return _("Request %(pk)s of %(agency)s") % {"pk": self.pk, "agency": self.agency}


@track_history()
class RequestDocument(TimeStampedModel):
    """A document of a request's file (thành phần hồ sơ): which required document it is,
    and its number/date or a note."""

    request = models.ForeignKey(
        HandlingRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="documents"
    )
    document = models.ForeignKey(
        "inventory.RequiredDocument", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("number, date or note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("document of a request")
        verbose_name_plural = _("documents of requests")
        constraints = [models.UniqueConstraint(fields=["request", "document"], name="request_document_once")]

    def __str__(self):
        return str(self.document)


@versioned
@track_history()
@province_key
class Decision(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """A handling decision (quyết định xử lý) covering the lines of one request: number,
    date, signer and the authority they sign as (the provincial chair or a delegate,
    `DecisionAuthority`). For a sale: who sells and the validity (6 months, one
    extension of at most 6 months, Decree 186/2025 Art. 23)."""

    request = ProvinceOneToOneField(
        HandlingRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="decision"
    )
    number = models.CharField(_("decision number"), max_length=60)
    date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=255)
    authority = models.ForeignKey(
        "inventory.DecisionAuthority", verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.FileField(_("decision document"), upload_to="decisions/%Y/", blank=True)
    seller = models.CharField(_("who sells"), max_length=255, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()

    province_from = ("request",)

    class Meta:
        verbose_name = _("handling decision")
        verbose_name_plural = _("handling decisions")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["request", "province"], name="one_decision_per_request")]

    def __str__(self):
        return self.number


@no_hard_delete_unless_demo(premises_id="inventory_premises", asset_id="inventory_asset", need_id="inventory_need")
@versioned
@track_history()
@province_key
class HandlingRecord(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """A form of handling proposed, decided and carried out for a premises (whole, or a
    part of its floor area) or for a line of assets (all or some items): the form and
    reason from the legal lists, current and intended use, priority use, receiving
    agency and the need it meets, the decision (number, date, decider, document) and the
    hand-over (record number, date), with its deadlines.

    A line of a `HandlingRequest`: proposed → approved (its request's `Decision`) →
    carried out (hand-over, form 02/TSC-BBGN) → closed; a proposal can be cancelled. A
    transfer may be handed over before its decision when `temporary_handover` is set
    (Ministry of Finance letter 8400/BTC-QLCS, 2025): the decision is then due within 30
    days of that hand-over. While a record is open its premises or asset lines are
    reserved: they cannot be promised again (see `inventory.services.handling`).

    `decision_number`, `decision_date` and `decider` are copied from the decision when it
    is recorded (the pages and exports read them on the line); the decision is the source."""

    request = models.ForeignKey(
        # Null only in history rows older than requests: the constraint below holds for live rows.
        HandlingRequest,
        verbose_name=_("request"),
        null=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )

    premises = models.ForeignKey(
        "inventory.Premises",
        verbose_name=_("premises"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handling_records",
    )
    asset = models.ForeignKey(
        "inventory.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handling_records",
    )
    floor_area = models.DecimalField(
        _("floor area handled (m²)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Only part of a building's floor area, when it is split; empty for the whole premises."),
    )
    quantity = models.PositiveIntegerField(_("quantity handled"), null=True, blank=True)
    need = models.ForeignKey(
        "inventory.Need",
        verbose_name=_("need met"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handling_records",
    )
    form = models.ForeignKey(
        "inventory.HandlingForm", verbose_name=_("form of handling"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.ForeignKey(
        "inventory.HandlingReason",
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority_use = models.ForeignKey(
        "inventory.PriorityUse",
        verbose_name=_("priority use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_use = models.CharField(_("current use"), max_length=255, blank=True)
    intended_use = models.CharField(_("intended use"), max_length=255, blank=True)
    receiving_agency = models.ForeignKey(
        "inventory.Agency",
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HandlingStatus.choices, default=HandlingStatus.PROPOSED, db_index=True
    )
    previous_premises_status = models.CharField(
        _("status before handling"), max_length=30, blank=True, choices=PremisesStatus.choices
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decider = models.CharField(_("decided by"), max_length=255, blank=True)
    decision_document = models.FileField(_("decision document"), upload_to="decisions/%Y/", blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    deadline = models.DateField(_("hand-over deadline"), null=True, blank=True)
    handover_number = models.CharField(_("hand-over record number"), max_length=60, blank=True)
    handover_date = models.DateField(_("hand-over date"), null=True, blank=True)
    handover_notes = models.TextField(_("hand-over notes"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    temporary_handover = models.BooleanField(
        _("temporary hand-over before the decision"),
        default=False,
        help_text=_("Letter 8400/BTC-QLCS (2025), transfers only: the decision follows within 30 days."),
    )
    handover_documents = models.TextField(
        _("documents handed over"), blank=True, help_text=_("One per line: land certificate, car registration...")
    )
    accounts_due = models.DateField(_("accounts and declarations due"), null=True, blank=True)
    sale_method = models.CharField(_("sale method"), max_length=20, choices=SaleMethod.choices, blank=True)
    revalued_value = models.DecimalField(
        _("revalued value per unit (VND)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    liquidation_method = models.CharField(
        _("liquidation method"), max_length=20, choices=LiquidationMethod.choices, blank=True
    )
    proceeds = models.DecimalField(_("proceeds (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    proceeds_paid_on = models.DateField(_("proceeds paid to the state budget on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    basis = models.TextField(_("grounds"), blank=True, help_text=_("What the proposal rests on, e.g. a siting study."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = HandlingQuerySet.as_manager()

    province_from = ("premises", "asset", "need", "request")

    class Meta:
        verbose_name = _("handling record")
        verbose_name_plural = _("handling records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(premises__isnull=False, asset__isnull=True) | Q(premises__isnull=True, asset__isnull=False),
                name="handling_premises_or_asset",
            ),
            models.CheckConstraint(condition=Q(request__isnull=False), name="handling_line_in_request"),
        ]

    def __str__(self):
        return f"{self.form} – {self.subject}"

    @property
    def subject(self):
        """The premises or asset line handled."""
        return self.premises if self.premises_id else self.asset

    @property
    def holder(self):
        """The agency holding what is handled (bên giao)."""
        return self.subject.agency

    @property
    def is_open(self) -> bool:
        return self.status in HANDLING_OPEN

    @property
    def is_partial(self) -> bool:
        return self.floor_area is not None or self.quantity is not None

    @property
    def scope(self) -> str:
        """Houses and land for a premises line, other assets for an asset line."""
        return HandlingScope.HOUSES_LAND if self.premises_id else HandlingScope.OTHER_ASSETS

    @property
    def is_done(self) -> bool:
        return self.status in HANDLING_DONE

    def overdue(self, today: dt.date | None = None) -> bool:
        """Past the deadline of the step it waits for (`overdue_at`)."""
        awaiting = self.temporary_handover and self.decision_id is None
        return overdue_at(self.status, self.decision_due, self.deadline, self.accounts_due, awaiting, today)

    def clean(self):
        """The rules every path shares (web, API, Excel, admin): the form applies to the
        kind of record, the reason belongs to the form, a transfer goes to an eligible
        receiver, a temporary hand-over only for a transfer."""
        super().clean()
        errors = {}
        self._validate_form(errors)
        self._validate_receiver(errors)
        if errors:
            raise ValidationError(errors)

    def _validate_form(self, errors: dict) -> None:
        if not self.form_id or not (self.premises_id or self.asset_id):
            return
        if not self.form.applies(self.scope):
            errors["form"] = _("The form “%(form)s” does not apply to %(kind)s.") % {
                "form": self.form,
                "kind": HandlingScope(self.scope).label.lower(),
            }
        if self.reason_id and self.reason.handling_form_id != self.form_id:
            errors["reason"] = _("The reason “%(reason)s” belongs to the form “%(other)s”, not “%(form)s”.") % {
                "reason": self.reason,
                "other": self.reason.handling_form,
                "form": self.form,
            }
        if self.temporary_handover and self.form.code != TRANSFER:
            errors["temporary_handover"] = _("Only a transfer may be handed over before its decision.")

    def _validate_receiver(self, errors: dict) -> None:
        if not self.form_id or self.form.code != TRANSFER:
            return
        receiver = self.receiving_agency
        if receiver is None:
            errors["receiving_agency"] = _("A transfer needs its receiving agency.")
        elif receiver.kind not in TRANSFER_RECEIVER_KINDS or not receiver.is_active:
            errors["receiving_agency"] = _(
                "%(agency)s (%(kind)s) cannot receive a transfer: only a state body, a public service unit, a "
                "Party body or a socio-political organisation can (%(basis)s)."
            ) % {"agency": receiver, "kind": receiver.get_kind_display().lower(), "basis": TRANSFER_RECEIVER_BASIS}


# The form of handling whose receiver is checked and that may be handed over first.
TRANSFER = "TRANSFER"
