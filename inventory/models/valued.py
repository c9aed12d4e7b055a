"""Original cost, date put into use and remaining value, shared by premises and assets."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import valuation

MONEY = {"max_digits": 18, "decimal_places": 0, "validators": [MinValueValidator(0)]}


class ValuedModel(models.Model):
    """A record with a book value in VND.

    `remaining_value` is never typed: it is the value at `valuation_date`, the later of
    the latest year-end and the last year booked by the year-end run. Booked years are
    taken from the ledger (`BookedWear`) as they were booked; only years after the last
    booked one are computed, each with the rate its asset class had that year. It is
    recomputed on every save, so it follows its inputs without rewriting booked years.
    What the owner declared is kept beside it in `declared_remaining_value`.
    """

    original_cost = models.DecimalField(_("original cost (VND)"), null=True, blank=True, **MONEY)
    in_use_date = models.DateField(_("date put into use"), null=True, blank=True)
    remaining_value = models.DecimalField(_("remaining value (VND)"), null=True, blank=True, editable=False, **MONEY)
    valuation_date = models.DateField(_("valuation date"), null=True, blank=True, editable=False)
    declared_remaining_value = models.DecimalField(
        _("declared remaining value (VND)"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("The value the holding agency declared, kept beside the computed one."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.recompute_value()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "remaining_value", "valuation_date"}
        super().save(*args, **kwargs)

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
        """The books at the end of the last booked year (on or before `year`, if given)."""
        if self.pk is None:
            return None
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("booked_wear")
        if prefetched is not None:  # prefetch_related("booked_wear"): no query per record
            rows = [r for r in prefetched if year is None or r.year <= year]
            last = max(rows, key=lambda r: r.year, default=None)
            return valuation.Booked(last.year, last.accumulated_wear) if last else None
        rows = self.booked_wear.all() if year is None else self.booked_wear.filter(year__lte=year)
        row = rows.order_by("-year").values_list("year", "accumulated_wear").first()
        return valuation.Booked(*row) if row else None

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


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
