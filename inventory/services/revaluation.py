"""Revaluation after damage (đánh giá lại tài sản): Circular 23/2023 Art. 10.5, 13.1.c, 14.7.

After a disaster the asset is appraised; the appraisal gives a new original cost, a new
remaining value and a new remaining life. `revalue` records it (`Revaluation`) and writes
the record's book values; the year-end run then wears the new remaining value over the
new life, one equal amount a year rounded up (`valuation.revalued_annual_wear`), the last
year taking what is left.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import valuation
from inventory.choices import AssetStatus, PremisesStatus
from inventory.history import history_context
from inventory.models import Asset, House, Revaluation


def refusals(record: Asset | House | None, date: dt.date | None, remaining_life_years: int | None) -> dict:
    """Why a revaluation of `record` on `date` is refused (field → translated message),
    empty when it may be made: a future date, a record no longer held, a date in a year
    whose wear is already booked for the record (the books of a closed year never change),
    no remaining life."""
    errors: dict = {}
    if date and date > timezone.localdate():
        errors["date"] = _("The revaluation cannot be dated in the future.")
    if record is not None and (record.deleted_at is not None or _handled(record)):
        errors["date"] = _("This record is no longer held: it cannot be revalued.")
    if record is not None and record.pk and date and "date" not in errors:
        last_booked = record.booked_wear.aggregate(last=Max("year"))["last"]
        if last_booked is not None and valuation.closed_year(date) < last_booked:
            errors["date"] = _(
                "Wear for %(year)s is already booked for this record: date the revaluation after 31/12/%(year)s."
            ) % {"year": last_booked}
    if remaining_life_years is not None and remaining_life_years < 1:
        errors["remaining_life_years"] = _("The remaining life must be at least one year.")
    return errors


def _handled(record: Asset | House) -> bool:
    """No longer held: a handled asset, or a house of a handled or deleted site."""
    if isinstance(record, House):
        return record.premises.deleted_at is not None or record.premises.status == PremisesStatus.HANDLED
    return record.status == AssetStatus.HANDLED


@history_context(command="revaluation")
@transaction.atomic
def apply_revaluation(
    record: Asset | House,
    *,
    date: dt.date,
    appraisal_reference: str,
    new_original_cost: Decimal,
    new_remaining_value: Decimal,
    remaining_life_years: int,
    document=None,
    actor=None,
) -> Revaluation:
    """Record the appraisal of `record` and make it the record's books (original cost,
    accumulated wear = new cost − new remaining value, remaining value, dated the
    revaluation's date, and the annual wear from then on). Refused with a
    ValidationError, nothing changed, for the `refusals` and for values that do not fit."""
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    errors = refusals(record, date, remaining_life_years)
    if errors:
        raise ValidationError(errors)
    revaluation = Revaluation(
        date=date,
        appraisal_reference=(appraisal_reference or "").strip(),
        new_original_cost=new_original_cost,
        new_remaining_value=new_remaining_value,
        remaining_life_years=remaining_life_years,
        original_cost_before=record.original_cost,
        remaining_value_before=record.book_remaining_value,
        annual_wear=Decimal(0),  # set below, once the values are known to fit
        made_by=actor,
        **({"asset": record} if model is Asset else {"house": record}),
    )
    if document is not None:
        revaluation.document = document
    revaluation.full_clean(exclude=["annual_wear"])
    revaluation.annual_wear = valuation.revalued_annual_wear(new_remaining_value, remaining_life_years)
    revaluation.save()
    record.original_cost = new_original_cost
    record.book_accumulated_wear = new_original_cost - new_remaining_value
    record.book_remaining_value = new_remaining_value
    record.book_date = date
    record.book_annual_wear = revaluation.annual_wear
    record.save()
    return revaluation
