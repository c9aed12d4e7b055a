"""Site plans (phương án sắp xếp lại, xử lý nhà, đất) and the frozen weekly returns to the
Ministry of Finance (Công điện 213/CĐ-TTg)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.choices import AgencyKind, SitePlanStatus, SitePlanUse
from inventory.models.base import (
    TimeStampedModel,
    VersionedModel,
    no_hard_delete_unless_demo,
    track_history,
    versioned,
)
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.models.valued import raise_if
from inventory.querysets import ScopedQuerySet

__all__ = ["SitePlan", "WeeklyReturn"]

# Options that lend a recovered headquarters (Decree 186/2025 Art. 19.1.b): the borrower
# pays the running costs only, and the loan is temporary, so it needs an end date.
LENDING_USES = (SitePlanUse.LEND_AGENCY, SitePlanUse.LEND_COMMUNE)


class SitePlanQuerySet(ScopedQuerySet):
    """Plans are seen by the unit of the agency that manages the site."""

    unit_path = "premises__agency__admin_unit"

    def approved(self):
        return self.filter(status=SitePlanStatus.APPROVED)


@no_hard_delete_unless_demo(premises_id="inventory_premises")
@versioned
@track_history()
@province_key
class SitePlan(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """The plan for one surplus, partly surplus or under-handling site (phương án sắp xếp
    lại, xử lý nhà, đất): the managing unit and the person responsible, the chosen use
    (a priority use of Công điện 213 first; temporary lending under Decree 186 Art. 19
    is one option), and the timetable. Drafted by the site's commune or by Finance,
    approved by Finance (who, when, with which decision). A site has at most one
    approved plan at a time: approving a new one supersedes the old one, which stays
    in the register with its history."""

    premises = models.ForeignKey(
        "inventory.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="site_plans"
    )
    managing_agency = models.ForeignKey(
        "inventory.Agency",
        verbose_name=_("managing unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit that manages the site until the plan is carried out."),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=255)
    responsible_title = models.CharField(_("position of the responsible person"), max_length=255, blank=True)
    use = models.CharField(_("chosen use"), max_length=30, choices=SitePlanUse.choices)
    priority_use = models.ForeignKey(
        "inventory.PriorityUse",
        verbose_name=_("priority use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    borrower = models.ForeignKey(
        "inventory.Agency",
        verbose_name=_("borrowing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For temporary lending: the agency or commune that uses the site."),
    )
    description = models.TextField(_("what the plan does"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("to be completed by"))
    status = models.CharField(
        _("status"), max_length=20, choices=SitePlanStatus.choices, default=SitePlanStatus.DRAFT, db_index=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    decision_ref = models.CharField(_("approving decision"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SitePlanQuerySet.as_manager()

    province_from = ("premises",)

    class Meta:
        verbose_name = _("site plan")
        verbose_name_plural = _("site plans")
        ordering = ["premises__code", "-created_at"]
        indexes = [models.Index(fields=["province", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["premises", "province"],
                condition=Q(status=SitePlanStatus.APPROVED),
                name="one_approved_site_plan",
            ),
            models.CheckConstraint(
                condition=~Q(status=SitePlanStatus.APPROVED) | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="approved_site_plan_has_approver",
            ),
        ]

    def __str__(self):
        return _("Plan for %(premises)s") % {"premises": self.premises}

    def clean(self):
        super().clean()
        errors: dict = {}
        if self.use == SitePlanUse.PRIORITY_USE and not self.priority_use_id:
            errors["priority_use"] = _("Name the priority use the site is given to.")
        if self.use in LENDING_USES and not self.borrower_id:
            errors["borrower"] = _("Name the agency or commune that borrows the site.")
        if (
            self.use == SitePlanUse.LEND_COMMUNE
            and self.borrower_id
            and self.borrower.kind != AgencyKind.COMMUNE_COMMITTEE
        ):
            errors["borrower"] = _("A site lent to the commune is lent to its People's Committee.")
        if self.use not in LENDING_USES and self.borrower_id:
            errors["borrower"] = _("Only a temporary lending has a borrower.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The plan cannot end before it starts.")
        if not (self.responsible_person or "").strip():
            errors["responsible_person"] = _("Name the person responsible.")
        raise_if(errors)


@pgtrigger.register(
    pgtrigger.Protect(name="frozen_no_update", operation=pgtrigger.Update),
    pgtrigger.Protect(name="frozen_no_delete", operation=pgtrigger.Delete),
)
@province_key
class WeeklyReturn(ProvinceKeyedModel, models.Model):
    """The weekly return to the Ministry of Finance (báo cáo tuần, Công điện 213/CĐ-TTg)
    as issued: the ISO week, its cut-off, the figures exactly as reported (JSON, with the
    codes of the sites counted), who issued it and when. PostgreSQL refuses any change
    or removal of an issued return, so an auditor reads what was reported."""

    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2026-W48."))
    cutoff = models.DateTimeField(_("cut-off"))
    figures = models.JSONField(_("figures"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    province_from = ()

    class Meta:
        verbose_name = _("weekly return")
        verbose_name_plural = _("weekly returns")
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["province", "week"], name="one_weekly_return_per_province")]

    def __str__(self):
        return _("Weekly return %(week)s") % {"week": self.week}
