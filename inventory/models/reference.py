"""Legal lists kept as data, each row with its legal basis, editable by an administrator:
the law changes (Decree 186/2025 replaced 151/2017; Circular 141/2025 replaces 23/2023)."""

import calendar
import datetime as dt
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import fixed_assets
from inventory.choices import (
    AssetCategory,
    BuildingGrade,
    DeadlineEvent,
    DeadlineStep,
    DeadlineUnit,
    HandlingScope,
    SaleMethod,
)
from inventory.models.base import TimeStampedModel, track_history

__all__ = [
    "AssetClass",
    "DecisionAuthority",
    "FixedAssetCriteria",
    "HandlingDeadline",
    "HandlingForm",
    "HandlingReason",
    "PriorityUse",
    "RequiredDocument",
    "SaleMethodLimit",
]


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

    def fixed_asset_rule(self, year: int):
        """What makes an asset of this class put into use in `year` a fixed asset
        (`fixed_assets.class_rule`: always, never, or a minimum cost per unit), from the
        criteria and the useful life in force that year; read once per instance and year
        (a workbook's rows share their class's instance)."""
        if getattr(self, "_fixed_asset_rules", None) is None:
            self._fixed_asset_rules = {None: list(FixedAssetCriteria.objects.all())}
        rules = self._fixed_asset_rules
        if year not in rules:
            rate = self.rate_schedule().row(year)
            rules[year] = fixed_assets.class_rule(
                fixed_assets.criteria_for(rules[None], year),
                category=self.category,
                class_code=self.code,
                useful_life_years=rate.useful_life_years if rate else None,
            )
        return rules[year]

    def refresh_from_db(self, *args, **kwargs):
        self._fixed_asset_rules = None
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
    """A form of handling (hình thức xử lý): keep, recover, transfer, sell, liquidate...

    `applies_to` says which records it may be used for: houses and land (a premises line)
    or other assets (an asset line), or both — no "keep in use" on a computer."""

    applies_to = models.CharField(_("applies to"), max_length=20, choices=HandlingScope.choices)

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("form of handling")
        verbose_name_plural = _("forms of handling")

    def applies(self, scope: str) -> bool:
        """Whether the form may be used for a record of `scope` (houses_land/other_assets)."""
        return self.applies_to in (HandlingScope.ALL, scope)


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


@track_history()
class RequiredDocument(ReferenceEntry):
    """A document the request file must hold for a form of handling, or for every form
    when `handling_form` is empty (thành phần hồ sơ):
    the list of assets, the land-use certificate, the current-state record, the repair
    estimate of a liquidation for damage... `reason` narrows it to one reason of the
    form; `applies_to` to houses and land or other assets."""

    handling_form = models.ForeignKey(
        HandlingForm,
        verbose_name=_("form of handling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="required_documents",
        help_text=_("Empty: every form of handling."),
    )
    reason = models.ForeignKey(
        HandlingReason,
        verbose_name=_("only for the reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="required_documents",
    )
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=HandlingScope.choices, default=HandlingScope.ALL
    )
    verify = models.BooleanField(_("verify"), default=False, help_text=_("Read in a secondary source: to be checked."))

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def clean(self):
        super().clean()
        if self.reason_id and self.reason.handling_form_id != self.handling_form_id:
            raise ValidationError({"reason": _("The reason belongs to another form of handling.")})


@track_history()
class HandlingDeadline(ReferenceEntry):
    """How long a step of a form of handling may take, from which event, under which
    article (Decree 186/2025; the houses-and-land decree's values marked verify).
    `applies_to` separates buildings and land from other assets where the law does
    (liquidation: 60 days for buildings and land-attached assets, 30 for others)."""

    handling_form = models.ForeignKey(
        HandlingForm, verbose_name=_("form of handling"), on_delete=models.PROTECT, related_name="deadlines"
    )
    step = models.CharField(_("step"), max_length=30, choices=DeadlineStep.choices)
    starts_on = models.CharField(_("counted from"), max_length=30, choices=DeadlineEvent.choices)
    period = models.PositiveSmallIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.DAYS)
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=HandlingScope.choices, default=HandlingScope.ALL
    )
    verify = models.BooleanField(_("verify"), default=False, help_text=_("Read in a secondary source: to be checked."))

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("handling deadline")
        verbose_name_plural = _("handling deadlines")

    def due(self, start):
        """The date the step is due when its event happened on `start`."""
        if start is None:
            return None
        if self.unit == DeadlineUnit.MONTHS:
            return add_months(start, self.period)
        return start + dt.timedelta(days=self.period)


def add_months(day, months: int):
    """The same day `months` later (the last day of the month when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@track_history()
class DecisionAuthority(ReferenceEntry):
    """Who may sign a handling decision: the chair of the provincial People's Committee,
    or a person the province delegated (its delegation decision is the legal basis).
    `forms` limits a delegation to some forms of handling; empty means every form."""

    forms = models.ManyToManyField(HandlingForm, verbose_name=_("forms of handling"), blank=True, related_name="+")
    verify = models.BooleanField(_("verify"), default=False, help_text=_("Read in a secondary source: to be checked."))

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("decision authority")
        verbose_name_plural = _("decision authorities")

    def may_decide(self, form) -> bool:
        return self.is_active and (not self.pk or not self.forms.exists() or self.forms.filter(pk=form.pk).exists())


@track_history()
class SaleMethodLimit(ReferenceEntry):
    """When a sale may use a method other than auction (Decree 186/2025 Arts. 24–27):
    the original cost per unit below `max_original_cost` and the revalued value per unit
    in [`min_value`, `max_value`); cars never (`cars_allowed`)."""

    method = models.CharField(_("sale method"), max_length=20, choices=SaleMethod.choices)
    max_original_cost = models.DecimalField(_("original cost per unit below (VND)"), max_digits=18, decimal_places=0)
    min_value = models.DecimalField(_("revalued value from (VND)"), max_digits=18, decimal_places=0, default=0)
    max_value = models.DecimalField(_("revalued value below (VND)"), max_digits=18, decimal_places=0)
    cars_allowed = models.BooleanField(_("allowed for cars"), default=False)

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("sale method limit")
        verbose_name_plural = _("sale method limits")

    def allows(self, original_cost, value, is_car: bool) -> bool:
        if is_car and not self.cars_allowed:
            return False
        if original_cost is None or value is None:
            return False
        return original_cost < self.max_original_cost and self.min_value <= value < self.max_value


@track_history()
class FixedAssetCriteria(TimeStampedModel):
    """The criteria of a fixed asset (tiêu chuẩn tài sản cố định) from a fiscal year on:
    a useful life of at least `min_useful_life_years` and a cost per unit of at least
    `min_unit_cost`, or one of the categories or classes that are fixed assets whatever
    their value (land, houses, structures). An asset that meets them is one record; the
    others may be declared as a line with a quantity (tools and instruments, công cụ,
    dụng cụ). The row in force in a year is the latest starting on or before it
    (`inventory.fixed_assets.criteria_for`)."""

    effective_from = models.PositiveSmallIntegerField(
        _("in force from (year)"), unique=True, validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    min_useful_life_years = models.PositiveSmallIntegerField(_("minimum useful life (years)"), default=1)
    min_unit_cost = models.DecimalField(
        _("minimum cost per unit (VND)"), max_digits=18, decimal_places=0, validators=[MinValueValidator(0)]
    )
    categories_any_value = ArrayField(
        models.CharField(max_length=30, choices=AssetCategory.choices),
        verbose_name=_("categories that are fixed assets whatever their value"),
        default=list,
        blank=True,
        help_text=_("Category codes, separated by commas (e.g. building,structure)."),
    )
    classes_any_value = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("asset classes that are fixed assets whatever their value"),
        default=list,
        blank=True,
        help_text=_("Asset class codes, separated by commas (e.g. QSDD for land-use rights)."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    verify = models.BooleanField(
        _("to verify"), default=False, help_text=_("Entered from a secondary source: check against the official text.")
    )

    class Meta:
        verbose_name = _("fixed-asset criteria")
        verbose_name_plural = _("fixed-asset criteria")
        ordering = ["effective_from"]

    def __str__(self):
        return _("Fixed-asset criteria from %(year)s") % {"year": self.effective_from}

    def clean(self):
        super().clean()
        unknown = sorted(set(self.categories_any_value or ()) - set(AssetCategory.values))
        if unknown:
            raise ValidationError(
                {"categories_any_value": _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}}
            )
