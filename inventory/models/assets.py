"""Asset items: buildings, structures, cars, machinery, equipment..."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import AssetCategory, AssetStatus, Condition
from inventory.models.base import (
    DemoFlagModel,
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    deleted_index,
    no_hard_delete,
    track_history,
    versioned,
)
from inventory.models.rollups import asset_rollup_triggers
from inventory.models.valued import ValuedModel, raise_if
from inventory.querysets import AssetQuerySet, live_manager

__all__ = ["Asset"]


@no_hard_delete
@versioned
@track_history()
class Asset(ValuedModel, VersionedModel, SoftDeleteModel, DemoFlagModel, TimeStampedModel):
    """A line of asset items of one class held by an agency (tài sản), e.g. one car or
    twelve identical computers. Its place is the premises where it is kept; the
    original cost is that of the whole line."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    asset_class = models.ForeignKey(
        "inventory.AssetClass", verbose_name=_("asset class"), on_delete=models.PROTECT, related_name="assets"
    )
    agency = models.ForeignKey(
        "inventory.Agency", verbose_name=_("holding agency"), on_delete=models.PROTECT, related_name="assets"
    )
    premises = models.ForeignKey(
        "inventory.Premises",
        verbose_name=_("premises"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    unit_of_measure = models.CharField(_("unit"), max_length=30, default="chiếc")
    plate_number = models.CharField(_("plate number"), max_length=20, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True, validators=[MaxValueValidator(100)])
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD)
    status = models.CharField(
        _("status"), max_length=30, choices=AssetStatus.choices, default=AssetStatus.IN_USE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = live_manager(AssetQuerySet)
    all_objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["premises", "status"]),
            models.Index(fields=["agency", "status"]),
            deleted_index("asset_deleted"),
        ]
        triggers = asset_rollup_triggers()

    def __str__(self):
        return f"{self.code} – {self.name}"

    def wear_rate(self):
        return self.asset_class.wear_rate if self.asset_class_id else None

    def clean(self):
        super().clean()
        errors: dict = {}
        self._validate_in_use_date(errors)
        if self.asset_class_id and self.asset_class.category == AssetCategory.CAR and not self.plate_number.strip():
            errors["plate_number"] = _("A car needs its plate number.")
        raise_if(errors)
