"""Remaining value of public assets (giá trị còn lại), Circular 23/2023/TT-BTC.

Annual wear = original cost × wear rate; accumulated wear adds up one whole year at a
time; remaining value = original cost − accumulated wear, never below zero (the last
year takes whatever is left). Wear is computed once a year, at the December year-end,
and the year an asset is put into use counts as a whole year: see docs/valuation.md
for the text this follows and the worked examples.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def wear_years(in_use_date: dt.date | None, as_of: dt.date) -> int:
    """Number of year-end wear computations made from `in_use_date` up to `as_of`.

    The year of `as_of` counts only once its 31 December is reached; the year the
    asset was put into use counts whole, whatever the month.
    """
    if in_use_date is None or as_of < in_use_date:
        return 0
    last_closed_year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    return max(0, last_closed_year - in_use_date.year + 1)


def annual_wear(original_cost: Decimal | int, wear_rate_percent: Decimal | float | str) -> Decimal:
    """One year's wear in whole VND: original cost × rate, rounded half up."""
    cost = Decimal(original_cost)
    rate = Decimal(str(wear_rate_percent))
    return (cost * rate / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def accumulated_wear(
    original_cost: Decimal | int,
    wear_rate_percent: Decimal | float | str,
    in_use_date: dt.date | None,
    as_of: dt.date,
) -> Decimal:
    """Wear accumulated by `as_of`, capped at the original cost."""
    cost = Decimal(original_cost)
    years = wear_years(in_use_date, as_of)
    return min(cost, annual_wear(cost, wear_rate_percent) * years)


def remaining_value(
    original_cost: Decimal | int | None,
    wear_rate_percent: Decimal | float | str | None,
    in_use_date: dt.date | None,
    as_of: dt.date,
) -> Decimal | None:
    """Remaining value on `as_of`; None when the original cost is unknown.

    With no wear rate (land-use rights, assets outside wear) the value stays at cost.
    """
    if original_cost is None:
        return None
    cost = Decimal(original_cost)
    if cost <= ZERO:
        return ZERO
    if wear_rate_percent is None:
        return cost
    return max(ZERO, cost - accumulated_wear(cost, wear_rate_percent, in_use_date, as_of))


def valuation_date(today: dt.date) -> dt.date:
    """The date a stored remaining value refers to: the latest year-end on or before `today`."""
    if (today.month, today.day) == (12, 31):
        return today
    return dt.date(today.year - 1, 12, 31)
