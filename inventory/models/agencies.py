"""Agencies that manage or use public premises and assets."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import AgencyKind
from inventory.models.base import DemoFlagModel, TimeStampedModel, track_history
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.querysets import AgencyQuerySet

__all__ = ["Agency", "AgencySuccession"]


@track_history()
@province_key
class Agency(ProvinceKeyedModel, DemoFlagModel, TimeStampedModel):
    """A managing or using body (đơn vị quản lý, sử dụng): a provincial department, a
    commune People's Committee, a public service unit... It belongs to an administrative
    unit; a body dissolved by the 2025 merger keeps its row (active=False) and links to
    the bodies that took over its premises and assets through `AgencySuccession`."""

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=40, choices=AgencyKind.choices, db_index=True)
    admin_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    dkts_code = models.CharField(
        _("asset registration unit code (ĐKTS)"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("The unit code of the national public-asset database (mã đơn vị ĐKTS), printed on forms 04."),
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("superior body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        help_text=_("The managing body above this one (cơ quan quản lý cấp trên), printed on forms 04."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessor agencies"),
        through="AgencySuccession",
        symmetrical=False,
        related_name="successors",
        blank=True,
    )

    objects = AgencyQuerySet.as_manager()

    province_from = ("admin_unit",)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["code", "province"], name="agency_code_per_province")]
        indexes = [models.Index(fields=["province", "admin_unit"])]

    def __str__(self):
        return self.name


@track_history()
class AgencySuccession(TimeStampedModel):
    """Merger lineage of agencies: `predecessor` was taken over by `successor`."""

    predecessor = models.ForeignKey(
        Agency, verbose_name=_("predecessor"), on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Agency, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="predecessor_links"
    )
    effective_date = models.DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agency succession")
        verbose_name_plural = _("agency successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="agency_succession_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
