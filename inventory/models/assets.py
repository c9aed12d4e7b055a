"""Asset items: buildings, structures, cars, machinery, equipment..."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory import fixed_assets
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
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.models.rollups import asset_rollup_triggers
from inventory.models.valued import ValuedModel, raise_if
from inventory.querysets import AssetQuerySet, live_manager

__all__ = ["Asset"]

FIXED_ASSET_QUANTITY_MESSAGE = _(
    "A fixed asset is one record (Circular 23/2023 Art. 5.2.a): its quantity must be 1. Several identical "
    "fixed assets declared as one new row become one record each; only tools and instruments that are not "
    "fixed assets stay a line with a quantity."
)


@no_hard_delete
@versioned
@track_history()
@province_key
class Asset(ProvinceKeyedModel, ValuedModel, VersionedModel, SoftDeleteModel, DemoFlagModel, TimeStampedModel):
    """An asset held by an agency (tài sản). A fixed asset (tài sản cố định, see
    `FixedAssetCriteria`) is one record, its own accounting object (Circular 23/2023
    Art. 5.2.a): twelve computers are twelve records, which keep the code of the line
    or row they were declared in as their `group_code`. Only tools and instruments that
    are not fixed assets (công cụ, dụng cụ) may be a line with a quantity; its original
    cost is that of the whole line. Its place is the premises where it is kept."""

    code = models.CharField(_("code"), max_length=40)
    group_code = models.CharField(
        _("group code"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Mã nhóm: the code of the line or row the asset was declared in with others like it."),
    )
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
    is_fixed_asset = models.BooleanField(
        _("fixed asset"),
        default=False,
        editable=False,
        help_text=_("Set on saving from the fixed-asset criteria in force when it was put into use."),
    )
    unit_of_measure = models.CharField(_("unit"), max_length=30, default="chiếc")
    plate_number = models.CharField(_("plate number"), max_length=20, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True, validators=[MaxValueValidator(100)])
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD)
    status = models.CharField(
        _("status"), max_length=30, choices=AssetStatus.choices, default=AssetStatus.IN_USE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)

    # The declared fields of an asset (see Premises.PUBLIC_FIELDS).
    PUBLIC_FIELDS = (
        "id",
        "code",
        "group_code",
        "is_fixed_asset",
        "name",
        "asset_class",
        "agency",
        "premises",
        "quantity",
        "unit_of_measure",
        "plate_number",
        "seats",
        "condition",
        "status",
        "original_cost",
        "in_use_date",
        "book_accumulated_wear",
        "book_remaining_value",
        "book_date",
        "remaining_value",
        "notes",
        "is_demo",
        "updated_at",
    )

    objects = live_manager(AssetQuerySet)
    all_objects = AssetQuerySet.as_manager()

    province_from = ("agency",)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["premises", "status"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["province", "premises"]),
            models.Index(fields=["province", "status"]),
            deleted_index("asset_deleted"),
        ]
        triggers = asset_rollup_triggers()
        constraints = [
            models.UniqueConstraint(fields=["code", "province"], name="asset_code_per_province"),
            # Each fixed asset is its own record (Circular 23/2023 Art. 5.2.a).
            models.CheckConstraint(
                condition=models.Q(is_fixed_asset=False) | models.Q(quantity=1), name="fixed_asset_one_record"
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def wear_rate(self):
        return self.asset_class.wear_rate if self.asset_class_id else None

    def fixed_asset(self, today=None) -> bool:
        """Whether the asset meets the fixed-asset criteria in force when it was put
        into use, judged on its cost per unit."""
        if not self.asset_class_id:
            return False
        rule = self.asset_class.fixed_asset_rule(fixed_assets.criteria_year(self.in_use_date, today))
        return fixed_assets.meets(rule, fixed_assets.unit_cost(self.original_cost, self.quantity))

    def save(self, *args, **kwargs):
        self.is_fixed_asset = self.fixed_asset()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_fixed_asset"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict = {}
        self._validate_in_use_date(errors)
        self._validate_quantity(errors)
        if self.asset_class_id and self.asset_class.category == AssetCategory.CAR and not self.plate_number.strip():
            errors["plate_number"] = _("A car needs its plate number.")
        raise_if(errors)

    def _validate_quantity(self, errors: dict) -> None:
        if (self.quantity or 1) > 1 and self.fixed_asset():
            errors["quantity"] = FIXED_ASSET_QUANTITY_MESSAGE
