"""Remaining value of public assets (giá trị còn lại), Circular 23/2023/TT-BTC.

Annual wear = original cost × the wear rate in force that year, in whole đồng with any
fraction rounded up (Art. 5.1); accumulated wear adds up one whole year at a time and
never exceeds the original cost (the last year takes what is left); remaining value =
original cost − accumulated wear. Wear is computed once a year, at the December
year-end, and the year an asset is put into use counts as a whole year. Where wear has
been booked (`manage.py book_wear`), the books are the starting point and only the
years after the last booked one are computed. See docs/valuation.md for the articles
and the worked examples; `inventory.services.wear` holds the SQL twin of
`accumulated_wear` used by the year-end run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

Number = Decimal | int | float | str
# A wear rate in %/year: one number for every year, None for no wear, or a function
# giving the rate in force in a year (None for a year without wear).
Rates = Number | None | Callable[[int], Number | None]


class Booked(NamedTuple):
    """What the books hold at the end of `year`: the wear accumulated by then, and,
    after a revaluation, the fixed annual wear of each later year (remaining value after
    the revaluation / remaining life, rounded up: Circular 23/2023 Art. 14.7)."""

    year: int
    accumulated_wear: Decimal
    annual: Decimal | None = None


def _decimal(value: Number) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the money.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_up(amount: Number) -> Decimal:
    """Whole đồng, any fraction rounded up (Circular 23/2023 Art. 5.1): 66,700.3335 → 66,701."""
    return _decimal(amount).quantize(ONE, rounding=ROUND_CEILING)


def rate_in(rates: Rates, year: int) -> Decimal | None:
    """The rate in force in `year` (%/year), or None when nothing wears that year."""
    rate = rates(year) if callable(rates) else rates
    return None if rate is None else _decimal(rate)


def closed_year(as_of: dt.date) -> int:
    """The last year whose year-end wear computation has happened by `as_of`."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def wear_years(in_use_date: dt.date | None, as_of: dt.date) -> int:
    """Number of year-end wear computations made from `in_use_date` up to `as_of`.

    The year of `as_of` counts only once its 31 December is reached; the year the
    asset was put into use counts whole, whatever the month (Art. 12.1.c, 14.2.b).
    """
    if in_use_date is None or as_of < in_use_date:
        return 0
    return max(0, closed_year(as_of) - in_use_date.year + 1)


def annual_wear(original_cost: Number, wear_rate_percent: Number) -> Decimal:
    """One year's wear: original cost × rate, in whole đồng rounded up."""
    return round_up(_decimal(original_cost) * _decimal(wear_rate_percent) / HUNDRED)


def accumulated_wear(
    original_cost: Number,
    rates: Rates,
    in_use_date: dt.date | None,
    as_of: dt.date,
    booked: Booked | None = None,
) -> Decimal:
    """Wear accumulated by `as_of`, each year at that year's rate, capped at the cost.

    With `booked` (the books at the end of a year on or before `as_of`), the years up to
    that one are taken from the books and only the later ones are computed.
    """
    cost = _decimal(original_cost)
    last = closed_year(as_of)
    if booked is not None and booked.year <= last:
        first, accumulated = booked.year + 1, min(cost, booked.accumulated_wear)
    elif in_use_date is None or as_of < in_use_date:
        return ZERO
    else:
        first, accumulated = in_use_date.year, ZERO
    for year in range(first, last + 1):
        if accumulated >= cost:
            break
        rate = rate_in(rates, year)
        if rate:
            amount = booked.annual if booked is not None and booked.annual is not None else annual_wear(cost, rate)
            accumulated = min(cost, accumulated + amount)
    return accumulated


def remaining_value(
    original_cost: Number | None,
    rates: Rates,
    in_use_date: dt.date | None,
    as_of: dt.date,
    booked: Booked | None = None,
) -> Decimal | None:
    """Remaining value on `as_of`; None when the original cost is unknown.

    With no wear rate (land-use rights, assets outside wear) the value stays at cost.
    """
    if original_cost is None:
        return None
    cost = _decimal(original_cost)
    if cost <= ZERO:
        return ZERO
    if rates is None:
        return cost
    return max(ZERO, cost - accumulated_wear(cost, rates, in_use_date, as_of, booked))


def revalued_annual_wear(remaining_value: Number, remaining_life_years: int) -> Decimal:
    """Annual wear after a revaluation: the appraised remaining value spread over the
    appraised remaining life, rounded up (Art. 14.7; Art. 5.1). 400,000,000 over 7 years →
    57,142,858."""
    return round_up(_decimal(remaining_value) / remaining_life_years)


def valuation_date(today: dt.date) -> dt.date:
    """The date a stored remaining value refers to: the latest year-end on or before `today`."""
    return dt.date(closed_year(today), 12, 31)
