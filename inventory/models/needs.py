"""Needs declared by agencies: the demand side of reallocation."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import NeedKind, NeedStatus, NeedUrgency
from inventory.models.base import (
    DemoFlagModel,
    TimeStampedModel,
    VersionedModel,
    no_hard_delete,
    track_history,
    versioned,
)
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.querysets import NeedQuerySet

__all__ = ["Need"]


@no_hard_delete
@versioned
@track_history()
@province_key
class Need(ProvinceKeyedModel, VersionedModel, DemoFlagModel, TimeStampedModel):
    """An agency's declared need (nhu cầu): floor area (e.g. 300 m² of offices) or a
    number of items of an asset class (10 computers, 1 car), with purpose and urgency."""

    code = models.CharField(_("code"), max_length=40)
    agency = models.ForeignKey(
        "inventory.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(_("kind of need"), max_length=20, choices=NeedKind.choices)
    asset_class = models.ForeignKey(
        "inventory.AssetClass",
        verbose_name=_("asset class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    floor_area = models.DecimalField(
        _("floor area needed (m²)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    quantity = models.PositiveIntegerField(_("quantity needed"), null=True, blank=True)
    priority_use = models.ForeignKey(
        "inventory.PriorityUse",
        verbose_name=_("priority use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    purpose = models.TextField(_("purpose"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=NeedUrgency.choices, default=NeedUrgency.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)

    objects = NeedQuerySet.as_manager()

    province_from = ("agency",)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "province"], name="need_code_per_province")]
        indexes = [models.Index(fields=["province", "agency"])]

    def __str__(self):
        return f"{self.code} – {self.agency}"

    def clean(self):
        super().clean()
        if self.kind == NeedKind.FLOOR_AREA and not self.floor_area:
            raise ValidationError({"floor_area": _("Say how much floor area is needed.")})
        if self.kind == NeedKind.ASSET:
            errors = {}
            if not self.asset_class_id:
                errors["asset_class"] = _("Say which class of asset is needed.")
            if not self.quantity:
                errors["quantity"] = _("Say how many items are needed.")
            if errors:
                raise ValidationError(errors)
