"""Original cost, date put into use and remaining value, shared by premises and assets."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import valuation

MONEY = {"max_digits": 18, "decimal_places": 0, "validators": [MinValueValidator(0)]}


def book_value_differs(book_remaining_value, remaining_value) -> bool:
    """A book remaining value differs from the check (the recomputed value) by more than
    the tolerance: for review. The rule of `ValuedModel.book_differs`, also for history
    rows (which carry the values, not the model's properties); its SQL twin is
    `querysets.book_differs`."""
    if book_remaining_value is None or remaining_value is None:
        return False
    return abs(book_remaining_value - remaining_value) > book_check_tolerance()


class ValuedModel(models.Model):
    """A record with its book values in VND (giá trị theo sổ kế toán) and a check.

    The **book values** are what the accounts state: `original_cost` (nguyên giá),
    `book_accumulated_wear` (hao mòn lũy kế) and `book_remaining_value` (giá trị còn lại),
    as at `book_date`. They are entered (form, admin), imported (Excel), written by a
    revaluation (`inventory.services.revaluation`) or carried forward by the year-end run
    (`manage.py book_wear` adds the year's wear). Every form and report prints them
    (Circular 23/2023; LEGAL.md, corrections).

    `remaining_value` is the **check**, never typed and never printed in place of the
    book value: the value recomputed at `valuation_date` (the later of the latest year-end
    and the last year booked by the run) from the ledger (`BookedWear`) and, for the
    years after the last booked one, the rate its class had each year; after a
    revaluation, from the appraised values. It is recomputed on every save.
    `book_differs` flags a book remaining value that differs from the check by more than
    `settings.BOOK_CHECK_TOLERANCE_VND`.
    """

    original_cost = models.DecimalField(
        _("original cost (VND)"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("As booked in the accounts (nguyên giá theo sổ kế toán)."),
    )
    in_use_date = models.DateField(_("date put into use"), null=True, blank=True)
    book_accumulated_wear = models.DecimalField(
        _("book accumulated wear (VND)"),
        null=True,
        blank=True,
        editable=False,
        **MONEY,
        help_text=_("As booked in the accounts: original cost − book remaining value."),
    )
    book_remaining_value = models.DecimalField(
        _("book remaining value (VND)"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("As booked in the accounts (giá trị còn lại theo sổ kế toán): the value printed on forms."),
    )
    book_date = models.DateField(
        _("book values as at"),
        null=True,
        blank=True,
        help_text=_("The date the book values refer to; empty: the latest 31 December."),
    )
    book_annual_wear = models.DecimalField(
        _("annual wear after revaluation (VND)"), null=True, blank=True, editable=False, **MONEY
    )
    remaining_value = models.DecimalField(
        _("check value (VND)"),
        null=True,
        blank=True,
        editable=False,
        **MONEY,
        help_text=_("The remaining value recomputed by the system, shown beside the book value as a check."),
    )
    valuation_date = models.DateField(_("valuation date"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # What `booked()` reads: prefetch_related(*VALUE_PREFETCH) values a list without a query per record.
    VALUE_PREFETCH = ("booked_wear", "revaluations")
    # Written by save() from the other fields.
    DERIVED_FIELDS = ("book_accumulated_wear", "book_date", "remaining_value", "valuation_date")

    def save(self, *args, **kwargs):
        self.complete_book_values()
        self.recompute_value()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def complete_book_values(self, today: dt.date | None = None) -> None:
        """The book accumulated wear is the original cost less the book remaining value
        (they add up in the accounts), so a corrected cost or value never leaves them
        apart; the date defaults to the latest year-end."""
        rem, cost = self.book_remaining_value, self.original_cost
        if rem is None:
            self.book_accumulated_wear = None
        elif cost is not None and rem <= cost:
            self.book_accumulated_wear = cost - rem
        if self.book_date is None and rem is not None:
            self.book_date = valuation.valuation_date(today or timezone.localdate())

    @property
    def book_check_difference(self) -> Decimal | None:
        """Book remaining value − check value (None when either is unknown)."""
        if self.book_remaining_value is None or self.remaining_value is None:
            return None
        return self.book_remaining_value - self.remaining_value

    @property
    def book_differs(self) -> bool:
        """The book value differs from the check by more than the tolerance: for review."""
        return book_value_differs(self.book_remaining_value, self.remaining_value)

    def clean(self):
        super().clean()
        errors: dict = {}
        self._validate_book_values(errors)
        raise_if(errors)

    def _validate_book_values(self, errors: dict) -> None:
        rem, cost = self.book_remaining_value, self.original_cost
        if cost is None and rem is not None:
            errors["original_cost"] = _("Book values need the original cost.")
        elif rem is not None and rem > cost:
            errors["book_remaining_value"] = _("Cannot exceed the original cost.")
        if self.book_date and self.book_date > timezone.localdate():
            errors["book_date"] = _("The book values cannot be dated in the future.")

    def wear_class(self):
        """The asset class whose dated rates wear this record: its one foreign key to
        AssetClass (an asset's class, a premises' building class), or None."""
        from inventory.models.reference import AssetClass

        for field in self._meta.concrete_fields:
            if field.is_relation and field.related_model is AssetClass:
                return getattr(self, field.name)
        return None

    def wear_rates(self):
        """Rate in force per year (a callable), or None when the record is not worn."""
        asset_class = self.wear_class()
        return asset_class.rate_schedule() if asset_class is not None else None

    def booked(self, year: int | None = None) -> valuation.Booked | None:
        """The books at the end of the last booked year (on or before `year`, if given):
        the ledger's last entry, or the latest revaluation when it is as recent (a
        revaluation counts at the year-end before its date, like every value: wear is
        booked at year-ends only). After a revaluation, later years wear its fixed amount."""
        if self.pk is None:
            return None
        entry = _last(self, "booked_wear", year, lambda r: r.year)
        revaluation = _last(self, "revaluations", year, lambda r: r.closed_year)
        if revaluation is not None and (entry is None or revaluation.closed_year >= entry.year):
            return revaluation.booked()
        if entry is None:
            return None
        annual = revaluation.annual_wear if revaluation is not None else None
        return valuation.Booked(entry.year, entry.accumulated_wear, annual)

    def value_as_of(self, as_of: dt.date) -> Decimal | None:
        """Remaining value on any date: the books up to the last year booked by then,
        computed for the years after it."""
        return self._value(as_of, self.booked(valuation.closed_year(as_of)))

    def _value(self, as_of: dt.date, booked: valuation.Booked | None) -> Decimal | None:
        return valuation.remaining_value(self.original_cost, self.wear_rates(), self.in_use_date, as_of, booked)

    def recompute_value(self, today: dt.date | None = None) -> None:
        as_of = valuation.valuation_date(today or timezone.localdate())
        booked = self.booked()
        if booked is not None and booked.year > as_of.year:
            as_of = dt.date(booked.year, 12, 31)  # booked in December, before its year-end
        self.valuation_date = as_of
        self.remaining_value = self._value(as_of, booked)

    def _validate_in_use_date(self, errors: dict) -> None:
        if self.in_use_date and self.in_use_date > timezone.localdate():
            errors["in_use_date"] = _("The date put into use cannot be in the future.")


def _last(record, relation: str, year: int | None, year_of):
    """The row of `relation` with the latest year (on or before `year`), read from
    prefetch_related(relation) when there (no query per record)."""
    prefetched = getattr(record, "_prefetched_objects_cache", {}).get(relation)
    rows = list(prefetched) if prefetched is not None else list(getattr(record, relation).all())
    rows = [r for r in rows if year is None or year_of(r) <= year]
    return max(rows, key=lambda r: (year_of(r), r.pk), default=None)


def book_check_tolerance() -> Decimal:
    """How far a book remaining value may differ from the check before it is flagged."""
    return Decimal(getattr(settings, "BOOK_CHECK_TOLERANCE_VND", 0))


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
