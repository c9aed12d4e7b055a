"""Dated wear rates of the asset classes and the booked-wear ledger of the year-end run."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory import valuation
from inventory.choices import AssetCategory
from inventory.models.base import TimeStampedModel, no_hard_delete_unless_demo, track_history
from inventory.models.province import ProvinceKeyedModel, province_key

__all__ = ["BookedWear", "Revaluation", "WearRate", "WearRun"]

# A province may adjust the statutory wear rate by at most ±20% where weather or
# environment affects wear (Circular 23/2023 Art. 13.1.a).
PROVINCIAL_RATE_ADJUSTMENT = Decimal("0.20")
RATE = {
    "max_digits": 5,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
MONEY = {"max_digits": 18, "decimal_places": 0}


@track_history()
class WearRate(TimeStampedModel):
    """The useful life and wear rate of an asset class from a fiscal year on (and up to
    `effective_to`, when set), with the text that set it. A rate change applies from its
    effective year: past years keep the rate they had (LEGAL.md, corrections).

    `applied_rate` is the rate this province applies; it may differ from the statutory
    rate by at most ±20%, and only by a decision of the provincial People's Committee
    (Art. 13.1.a), which is also what sets the lives of intangible assets (Art. 13.2):
    `provincial_decision` names it. `verify` marks rows entered from a secondary source.
    """

    asset_class = models.ForeignKey(
        "inventory.AssetClass", verbose_name=_("asset class"), on_delete=models.PROTECT, related_name="rates"
    )
    effective_from = models.PositiveSmallIntegerField(
        _("in force from (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2200)],
        help_text=_("Empty: every year before the next row."),
    )
    effective_to = models.PositiveSmallIntegerField(
        _("in force until (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2200)],
    )
    useful_life_years = models.PositiveSmallIntegerField(_("useful life (years)"), null=True, blank=True)
    statutory_rate = models.DecimalField(_("statutory wear rate (%/year)"), **RATE)
    applied_rate = models.DecimalField(
        _("applied wear rate (%/year)"),
        **RATE,
        help_text=_("Empty for assets that are not worn (e.g. land-use rights)."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    provincial_decision = models.CharField(
        _("provincial decision"),
        max_length=255,
        blank=True,
        help_text=_("The People's Committee decision that adjusted the rate or set the life (Art. 13)."),
    )
    provincial_decision_date = models.DateField(_("date of the provincial decision"), null=True, blank=True)
    verify = models.BooleanField(
        _("to verify"), default=False, help_text=_("Entered from a secondary source: check against the official text.")
    )

    class Meta:
        verbose_name = _("wear rate")
        verbose_name_plural = _("wear rates")
        ordering = ["asset_class__sort_order", "asset_class__code", models.F("effective_from").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["asset_class", "effective_from"], name="wear_rate_one_per_start", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="wear_rate_period_ordered",
            ),
        ]

    def __str__(self):
        start = self.effective_from or "…"
        end = self.effective_to or "…"
        return f"{self.asset_class_id and self.asset_class.code} {start}–{end}: {self.applied_rate}"

    def covers(self, year: int) -> bool:
        return (self.effective_from or 0) <= year and (self.effective_to is None or year <= self.effective_to)

    def clean(self):
        super().clean()
        errors: dict = {}
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = _("The period ends before it starts.")
        adjusted = (
            self.applied_rate is not None
            and self.statutory_rate is not None
            and self.applied_rate != self.statutory_rate
        )
        if adjusted and self.statutory_rate:
            low = self.statutory_rate * (1 - PROVINCIAL_RATE_ADJUSTMENT)
            high = self.statutory_rate * (1 + PROVINCIAL_RATE_ADJUSTMENT)
            if not low <= self.applied_rate <= high:
                errors["applied_rate"] = _(
                    "The applied rate may differ from the statutory rate by at most 20%% "
                    "(between %(low)s and %(high)s)."
                ) % {"low": round(low, 2), "high": round(high, 2)}
        intangible = self.asset_class_id and self.asset_class.category == AssetCategory.INTANGIBLE
        needs_decision = adjusted or (intangible and self.applied_rate is not None)
        if needs_decision and not (self.provincial_decision.strip() and self.provincial_decision_date):
            errors["provincial_decision"] = _(
                "An adjusted rate, or the life of an intangible asset, needs the provincial decision "
                "that set it and its date."
            )
        if not errors and self.asset_class_id:
            self._validate_no_overlap(errors)
        if errors:
            raise ValidationError(errors)

    def _validate_no_overlap(self, errors: dict) -> None:
        start, end = self.effective_from or 0, self.effective_to or 10_000
        others = WearRate.objects.filter(asset_class_id=self.asset_class_id).exclude(pk=self.pk)
        for other in others:
            if (other.effective_from or 0) <= end and start <= (other.effective_to or 10_000):
                errors["effective_from"] = _("This period overlaps another rate of the class (%(other)s).") % {
                    "other": f"{other.effective_from or '…'}–{other.effective_to or '…'}"
                }
                return


class RateSchedule:
    """The dated rates of one class, read once: `schedule(year)` is the applied rate in
    force that year (None: no wear). When periods overlap, the latest start wins."""

    def __init__(self, rows):
        self.rows = sorted(rows, key=lambda r: r.effective_from or 0, reverse=True)

    def row(self, year: int) -> WearRate | None:
        return next((r for r in self.rows if r.covers(year)), None)

    def __call__(self, year: int) -> Decimal | None:
        row = self.row(year)
        return row.applied_rate if row else None


class WearRun(models.Model):
    """One run of `manage.py book_wear` for a year: when, by whom, what it booked."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entries = models.PositiveIntegerField(_("entries"), default=0)
    total_wear = models.DecimalField(_("total wear (VND)"), default=0, **MONEY)

    class Meta:
        verbose_name = _("year-end wear run")
        verbose_name_plural = _("year-end wear runs")
        ordering = ["-year", "-booked_at"]

    def __str__(self):
        return f"{self.year} #{self.pk}"


@pgtrigger.register(
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update),
    pgtrigger.Trigger(
        name="keep_real_books",
        when=pgtrigger.Before,
        operation=pgtrigger.Delete,
        # Only the books of demo records go, with their record (ON DELETE CASCADE); real
        # records are never deleted (no_hard_delete), so neither are their books.
        func=(
            "IF EXISTS (SELECT 1 FROM inventory_asset WHERE id = OLD.asset_id AND NOT is_demo) "
            "OR EXISTS (SELECT 1 FROM inventory_premises WHERE id = OLD.premises_id AND NOT is_demo) "
            "OR EXISTS (SELECT 1 FROM inventory_house h JOIN inventory_premises p ON p.id = h.premises_id "
            "WHERE h.id = OLD.house_id AND NOT p.is_demo) THEN "
            "RAISE EXCEPTION 'pgtrigger: booked wear of a real record cannot be deleted'; END IF; RETURN OLD;"
        ),
    ),
)
@province_key
class BookedWear(ProvinceKeyedModel, models.Model):
    """A year's wear booked for one asset line or one house (sổ hao mòn; rows of a
    premises are those booked before its building became a house):
    the cost and rate it was booked on, the amount, and the accumulated wear and
    remaining value after it. Written only by the year-end run and never changed
    (PostgreSQL refuses updates); a year already booked is never booked again."""

    NOTE_DAMAGED = "damaged"

    asset = models.ForeignKey(
        "inventory.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,  # ON DELETE CASCADE in the database (migration 0013): demo rows only
        db_index=False,  # booked_wear_asset_year leads with it
        related_name="booked_wear",
    )
    premises = models.ForeignKey(
        "inventory.Premises",
        verbose_name=_("premises"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # booked_wear_premises_year leads with it
        related_name="booked_wear",
    )
    house = models.ForeignKey(
        "inventory.House",
        verbose_name=_("house"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # booked_wear_house_year leads with it
        related_name="booked_wear",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    original_cost = models.DecimalField(_("original cost (VND)"), **MONEY)
    rate = models.DecimalField(_("wear rate (%/year)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("wear of the year (VND)"), **MONEY)
    accumulated_wear = models.DecimalField(_("accumulated wear (VND)"), **MONEY)
    remaining_value = models.DecimalField(_("remaining value (VND)"), **MONEY)
    note = models.CharField(_("note"), max_length=20, blank=True)
    run = models.ForeignKey(WearRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="entries_booked")

    province_from = ("asset", "premises", "house")

    class Meta:
        verbose_name = _("booked wear")
        verbose_name_plural = _("booked wear")
        ordering = ["year"]
        indexes = [models.Index(fields=["province", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False, premises__isnull=True, house__isnull=True)
                | Q(asset__isnull=True, premises__isnull=False, house__isnull=True)
                | Q(asset__isnull=True, premises__isnull=True, house__isnull=False),
                name="booked_wear_one_record",
            ),
            models.UniqueConstraint(fields=["asset", "year", "province"], name="booked_wear_asset_year"),
            models.UniqueConstraint(fields=["premises", "year", "province"], name="booked_wear_premises_year"),
            models.UniqueConstraint(fields=["house", "year", "province"], name="booked_wear_house_year"),
        ]

    def __str__(self):
        return f"{self.year}: {self.amount}"

    @property
    def booked_at(self):
        return self.run.booked_at


REVALUATION_BASIS = "Thông tư 23/2023/TT-BTC Điều 10.5, 13.1.c, 14.7"


def revaluation_path(instance, filename):
    """The folder says what the file is; the storage (`inventory.storage`) adds a random token."""
    return f"revaluations/{instance.date:%Y}/{filename}"


# A house is demo data through its site.
DEMO_HOUSES = "(SELECT h.id, p.is_demo FROM inventory_house h JOIN inventory_premises p ON p.id = h.premises_id) houses"


@no_hard_delete_unless_demo(asset_id="inventory_asset", house_id=DEMO_HOUSES)
@track_history()
@province_key
class Revaluation(ProvinceKeyedModel, TimeStampedModel):
    """A revaluation after damage (đánh giá lại): the appraisal of an asset or a
    house, with its new original cost, remaining value and remaining life (Circular
    23/2023 Art. 10.5, 13.1.c, 14.7). Applied by `inventory.services.revaluation.revalue`,
    which writes the record's book values; from then on each year-end wears the new
    remaining value over the new life (`annual_wear`, rounded up). Like every value it
    counts at the year-end before its date: the year of the revaluation is worn at the
    new annual amount, as the year an asset is received counts whole (Art. 12.1.c).
    """

    asset = models.ForeignKey(
        "inventory.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # demo records only: real ones are never deleted (no_hard_delete)
        related_name="revaluations",
    )
    house = models.ForeignKey(
        "inventory.House",
        verbose_name=_("house"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # demo records only: real ones are never deleted (no_hard_delete)
        related_name="revaluations",
    )
    date = models.DateField(_("date of the revaluation"))
    appraisal_reference = models.CharField(_("appraisal reference"), max_length=255)
    document = models.FileField(_("appraisal document"), upload_to=revaluation_path, max_length=300, blank=True)
    original_cost_before = models.DecimalField(_("original cost before (VND)"), null=True, blank=True, **MONEY)
    remaining_value_before = models.DecimalField(_("book remaining value before (VND)"), null=True, blank=True, **MONEY)
    new_original_cost = models.DecimalField(_("new original cost (VND)"), validators=[MinValueValidator(1)], **MONEY)
    new_remaining_value = models.DecimalField(
        _("new remaining value (VND)"), validators=[MinValueValidator(0)], **MONEY
    )
    remaining_life_years = models.PositiveSmallIntegerField(
        _("new remaining life (years)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    annual_wear = models.DecimalField(_("annual wear from then on (VND)"), editable=False, **MONEY)
    legal_basis = models.CharField(_("legal basis"), max_length=255, default=REVALUATION_BASIS)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    province_from = ("asset", "house")

    class Meta:
        verbose_name = _("revaluation")
        verbose_name_plural = _("revaluations")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["province", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False, house__isnull=True) | Q(asset__isnull=True, house__isnull=False),
                name="revaluation_one_record",
            ),
            models.CheckConstraint(
                condition=Q(new_remaining_value__lte=models.F("new_original_cost")),
                name="revaluation_value_within_cost",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.appraisal_reference}"

    @property
    def record(self):
        return self.asset if self.asset_id else self.premises

    @property
    def closed_year(self) -> int:
        """The year-end the appraised values stand at (wear is booked at year-ends only)."""
        return valuation.closed_year(self.date)

    def booked(self) -> valuation.Booked:
        return valuation.Booked(self.closed_year, self.new_original_cost - self.new_remaining_value, self.annual_wear)

    def clean(self):
        super().clean()
        errors: dict = {}
        if (
            self.new_original_cost is not None
            and self.new_remaining_value is not None
            and self.new_remaining_value > self.new_original_cost
        ):
            errors["new_remaining_value"] = _("The new remaining value cannot exceed the new original cost.")
        if errors:
            raise ValidationError(errors)
