"""Handling of surplus premises and assets (phương án / quyết định xử lý)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import HandlingStatus, PremisesStatus
from inventory.models.base import (
    TimeStampedModel,
    VersionedModel,
    no_hard_delete_unless_demo,
    track_history,
    versioned,
)
from inventory.querysets import ScopedQuerySet

__all__ = ["HandlingRecord"]


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
        return self.filter(status__in=(HandlingStatus.PROPOSED, HandlingStatus.APPROVED))

    def overdue(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            Q(status=HandlingStatus.PROPOSED, decision_due__lt=today)
            | Q(status=HandlingStatus.APPROVED, deadline__lt=today)
        )


# Hand-over within 30 days of the decision (Decree 186/2025; LEGAL.md).
HANDOVER_DAYS = 30
# A decision is due within 20 days of a complete file (Decree 186/2025).
DECISION_DAYS = 20


@no_hard_delete_unless_demo(
    premises_id="inventory_premises", asset_id="inventory_asset", need_id="inventory_need"
)
@versioned
@track_history()
class HandlingRecord(VersionedModel, TimeStampedModel):
    """A form of handling proposed, decided and carried out for a premises (whole, or a
    part of its floor area) or for a line of assets (all or some items): the form and
    reason from the legal lists, current and intended use, priority use, receiving
    agency and the need it meets, the decision (number, date, decider, document) and the
    hand-over (record number, date), with its deadlines.

    proposed → approved → carried out → closed; a proposal can be cancelled. While a
    record is open its premises or asset lines are reserved: they cannot be promised
    again (see `inventory.services.handling`)."""

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
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    basis = models.TextField(_("grounds"), blank=True, help_text=_("What the proposal rests on, e.g. a siting study."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = HandlingQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling record")
        verbose_name_plural = _("handling records")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(premises__isnull=False, asset__isnull=True) | Q(premises__isnull=True, asset__isnull=False),
                name="handling_premises_or_asset",
            )
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
        return self.status in (HandlingStatus.PROPOSED, HandlingStatus.APPROVED)

    @property
    def is_partial(self) -> bool:
        return self.floor_area is not None or self.quantity is not None

    def overdue(self, today: dt.date | None = None) -> bool:
        """Past its decision or hand-over deadline and not yet at that step."""
        today = today or timezone.localdate()
        if self.status == HandlingStatus.PROPOSED:
            return bool(self.decision_due and self.decision_due < today)
        if self.status == HandlingStatus.APPROVED:
            return bool(self.deadline and self.deadline < today)
        return False
