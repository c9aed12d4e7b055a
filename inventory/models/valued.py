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

    `remaining_value` is computed, never typed: it is the value at `valuation_date`
    (the latest year-end) from the original cost, the date put into use and the wear
    rate of the record's asset class, and it is recomputed on every save, so it follows
    its inputs. What the owner declared is kept beside it in `declared_remaining_value`.
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

    def wear_rate(self) -> Decimal | None:
        """Applied wear rate in %/year, from the record's asset class."""
        raise NotImplementedError

    def value_as_of(self, as_of: dt.date) -> Decimal | None:
        """Remaining value on any date."""
        return valuation.remaining_value(self.original_cost, self.wear_rate(), self.in_use_date, as_of)

    def recompute_value(self, today: dt.date | None = None) -> None:
        today = today or timezone.localdate()
        self.valuation_date = valuation.valuation_date(today)
        self.remaining_value = self.value_as_of(self.valuation_date)

    def _validate_in_use_date(self, errors: dict) -> None:
        if self.in_use_date and self.in_use_date > timezone.localdate():
            errors["in_use_date"] = _("The date put into use cannot be in the future.")


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
