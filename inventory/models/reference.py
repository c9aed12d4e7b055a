"""Legal lists kept as data, each row with its legal basis, editable by an administrator:
the law changes (Decree 186/2025 replaced 151/2017; Circular 141/2025 replaces 23/2023)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import AssetCategory, BuildingGrade, HandlingScope
from inventory.models.base import TimeStampedModel, track_history

__all__ = ["AssetClass", "HandlingForm", "HandlingReason", "PriorityUse"]

# A province may adjust the statutory wear rate by at most ±20% (Circular 23/2023).
PROVINCIAL_RATE_ADJUSTMENT = Decimal("0.20")


class ReferenceEntry(TimeStampedModel):
    """A row of a legal list: stable code, Vietnamese name, legal basis, order."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


@track_history()
class AssetClass(ReferenceEntry):
    """A class of fixed asset with its useful life and wear rate (hao mòn).

    `statutory_wear_rate` is the rate of the circular's annex; `wear_rate` is the rate
    applied in this province, which may differ from it by at most ±20%.
    """

    category = models.CharField(_("category"), max_length=30, choices=AssetCategory.choices)
    building_grade = models.CharField(
        _("building grade"),
        max_length=10,
        choices=BuildingGrade.choices,
        blank=True,
        help_text=_("For houses and buildings: the grade this class covers."),
    )
    useful_life_years = models.PositiveSmallIntegerField(_("useful life (years)"), null=True, blank=True)
    statutory_wear_rate = models.DecimalField(
        _("statutory wear rate (%/year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    wear_rate = models.DecimalField(
        _("applied wear rate (%/year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Empty for assets that are not worn (e.g. land-use rights)."),
    )

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("asset class")
        verbose_name_plural = _("asset classes")

    def clean(self):
        super().clean()
        if self.wear_rate is not None and self.statutory_wear_rate:
            low = self.statutory_wear_rate * (1 - PROVINCIAL_RATE_ADJUSTMENT)
            high = self.statutory_wear_rate * (1 + PROVINCIAL_RATE_ADJUSTMENT)
            if not low <= self.wear_rate <= high:
                raise ValidationError(
                    {
                        "wear_rate": _(
                            "The applied rate may differ from the statutory rate by at most 20%% "
                            "(between %(low)s and %(high)s)."
                        )
                        % {"low": round(low, 2), "high": round(high, 2)}
                    }
                )
        if self.category == AssetCategory.BUILDING and not self.building_grade:
            raise ValidationError({"building_grade": _("A building class needs its grade.")})


@track_history()
class HandlingForm(ReferenceEntry):
    """A form of handling (hình thức xử lý): keep, recover, transfer, sell, liquidate..."""

    applies_to = models.CharField(_("applies to"), max_length=20, choices=HandlingScope.choices)

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("form of handling")
        verbose_name_plural = _("forms of handling")


@track_history()
class HandlingReason(ReferenceEntry):
    """A reason for a form of handling, cited by its legal clause (Law 15/2017 Art. 41, 42, 45)."""

    handling_form = models.ForeignKey(
        HandlingForm, verbose_name=_("form of handling"), on_delete=models.PROTECT, related_name="reasons"
    )

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("reason for handling")
        verbose_name_plural = _("reasons for handling")


@track_history()
class PriorityUse(ReferenceEntry):
    """A priority use for surplus houses and land (Công điện 213/CĐ-TTg): health,
    education, culture, sports, commune police, other public works."""

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("priority use")
        verbose_name_plural = _("priority uses")
