"""Legal lists kept as data, each row with its legal basis, editable by an administrator:
the law changes (Decree 186/2025 replaced 151/2017; Circular 141/2025 replaces 23/2023)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import AssetCategory, BuildingGrade, HandlingScope
from inventory.models.base import TimeStampedModel, track_history

__all__ = ["AssetClass", "HandlingForm", "HandlingReason", "PriorityUse"]


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

    Lives and rates are dated (`WearRate`, related name `rates`): a value of a year is
    computed with the rate in force that year. `wear_rate`, `statutory_wear_rate` and
    `useful_life_years` read the row in force this year, for display.
    """

    category = models.CharField(_("category"), max_length=30, choices=AssetCategory.choices)
    building_grade = models.CharField(
        _("building grade"),
        max_length=10,
        choices=BuildingGrade.choices,
        blank=True,
        help_text=_("For houses and buildings: the grade this class covers."),
    )

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("asset class")
        verbose_name_plural = _("asset classes")

    def rate_schedule(self):
        """The class's dated rates, read once per instance (`schedule(year)` → rate)."""
        from inventory.models.wear import RateSchedule

        if getattr(self, "_rate_schedule", None) is None:
            self._rate_schedule = RateSchedule(list(self.rates.all()) if self.pk else [])
        return self._rate_schedule

    def refresh_from_db(self, *args, **kwargs):
        self._rate_schedule = None
        super().refresh_from_db(*args, **kwargs)

    def _current_rate_row(self):
        return self.rate_schedule().row(timezone.localdate().year)

    @property
    def wear_rate(self) -> Decimal | None:
        """Applied rate in force this year (%/year); None: not worn."""
        row = self._current_rate_row()
        return row.applied_rate if row else None

    @property
    def statutory_wear_rate(self) -> Decimal | None:
        row = self._current_rate_row()
        return row.statutory_rate if row else None

    @property
    def useful_life_years(self) -> int | None:
        row = self._current_rate_row()
        return row.useful_life_years if row else None

    def clean(self):
        super().clean()
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
