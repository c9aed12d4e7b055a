"""Handling of surplus premises and assets (phương án / quyết định xử lý)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import HandlingStatus
from inventory.models.base import TimeStampedModel, track_history
from inventory.querysets import ScopedQuerySet

__all__ = ["HandlingRecord"]


class HandlingQuerySet(ScopedQuerySet):
    unit_path = "premises__agency__admin_unit"


@track_history()
class HandlingRecord(TimeStampedModel):
    """A form of handling proposed, decided and carried out for a premises: the form
    and reason from the legal lists, current and intended use, priority use, receiving
    agency, the decision (number, date, decider) and the hand-over deadline."""

    premises = models.ForeignKey(
        "inventory.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="handling_records"
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
    previous_premises_status = models.CharField(_("premises status before handling"), max_length=30, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decider = models.CharField(_("decided by"), max_length=255, blank=True)
    deadline = models.DateField(_("hand-over deadline"), null=True, blank=True)
    basis = models.TextField(_("grounds"), blank=True, help_text=_("What the proposal rests on, e.g. a siting study."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = HandlingQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling record")
        verbose_name_plural = _("handling records")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.form} – {self.premises}"
