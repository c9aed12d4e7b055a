"""Fixed assets one by one (tài sản cố định): which asset is a fixed asset, and how a
line of N identical items becomes N records.

Each fixed asset is its own accounting object (Circular 23/2023 Art. 5.2.a): twelve
computers are twelve records. A line with a quantity stays only for tools and
instruments that are not fixed assets (công cụ, dụng cụ). The criteria — useful life,
cost per unit, the classes that are fixed assets whatever their value — are dated data
(`FixedAssetCriteria`); this module applies them.

A line is split the same way wherever it happens (the migration of existing lines, a
row of a declaration that takes effect): the first record keeps the line's code, the
others get `<code>-02`, `<code>-03`…, all carry the line's code as their `group_code`,
and every money value is split in whole đồng with the remainder on the last record, so
the totals stay exactly what they were.

Only plain values and models passed in are used here, so that a migration can call it
with its historical models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# Money values of an asset that are split across the records of a line.
# `declared_remaining_value` is the book remaining value's name before migration 0020
# (migration 0014 splits rows under that name).
SPLIT_MONEY_FIELDS = (
    "original_cost",
    "remaining_value",
    "book_remaining_value",
    "book_accumulated_wear",
    "declared_remaining_value",
)
CODE_MAX_LENGTH = 40


@dataclass(frozen=True)
class Criteria:
    """The fixed-asset criteria in force in a year (see `FixedAssetCriteria`)."""

    min_useful_life_years: int
    min_unit_cost: Decimal
    categories_any_value: frozenset[str]
    classes_any_value: frozenset[str]


def criteria_for(rows, year: int) -> Criteria | None:
    """The row in force in `year` among `rows` (objects with the criteria's fields): the
    latest that starts on or before it; for a year before every row, the earliest (the
    same criteria stood before Circular 23/2023, in Circular 45/2018)."""
    rows = sorted(rows, key=lambda r: r.effective_from)
    if not rows:
        return None
    chosen = rows[0]
    for row in rows:
        if row.effective_from <= year:
            chosen = row
    return Criteria(
        chosen.min_useful_life_years,
        Decimal(chosen.min_unit_cost),
        frozenset(chosen.categories_any_value or ()),
        frozenset(chosen.classes_any_value or ()),
    )


def criteria_year(in_use_date: dt.date | None, today: dt.date | None = None) -> int:
    """An asset is judged by the criteria in force when it was put into use (today's
    when the date is not known)."""
    return (in_use_date or today or dt.date.today()).year


def class_rule(
    criteria: Criteria | None, *, category: str, class_code: str, useful_life_years: int | None
) -> bool | Decimal:
    """What makes an asset of a class a fixed asset in a year: True (always), False
    (never) or the minimum cost per unit.

    Land, houses and structures (the listed categories and classes) are fixed assets
    whatever their value. Others need a useful life of at least the minimum (a class
    without a life, e.g. land-use rights, is not refused for it) and a cost per unit of
    at least the minimum."""
    if criteria is None:
        return False
    if category in criteria.categories_any_value or class_code in criteria.classes_any_value:
        return True
    if useful_life_years is not None and useful_life_years < criteria.min_useful_life_years:
        return False
    return criteria.min_unit_cost


def meets(rule: bool | Decimal, unit_cost: Decimal | None) -> bool:
    """Whether an asset of cost per unit `unit_cost` meets its class's `rule`; a line
    whose cost is not known is not shown to be a fixed asset, and stays a line until
    its cost is declared."""
    if rule is True or rule is False:
        return rule
    return unit_cost is not None and unit_cost >= rule


def is_fixed(
    criteria: Criteria | None,
    *,
    category: str,
    class_code: str,
    useful_life_years: int | None,
    unit_cost: Decimal | None,
) -> bool:
    """True when an asset of this class and cost per unit is a fixed asset."""
    rule = class_rule(criteria, category=category, class_code=class_code, useful_life_years=useful_life_years)
    return meets(rule, unit_cost)


def unit_cost(original_cost: Decimal | None, quantity: int | None) -> Decimal | None:
    """The cost of one item of a line (the line's cost split as `split_amount` does: the
    first share, the smallest one)."""
    if original_cost is None:
        return None
    return Decimal(int(original_cost) // max(quantity or 1, 1))


def split_amount(total: Decimal | int | None, parts: int) -> list[Decimal | None]:
    """`total` in whole đồng shared by `parts` records: equal shares rounded down, the
    remainder on the last, e.g. 100,000,001 / 3 → 33,333,333, 33,333,333, 33,333,335."""
    if total is None:
        return [None] * parts
    total = int(Decimal(total))
    share = total // parts
    return [Decimal(share)] * (parts - 1) + [Decimal(total - share * (parts - 1))]


def split_codes(code: str, parts: int, taken) -> list[str]:
    """The codes of a line's records: the line's own code first, then `<code>-02`…
    (zero-padded to the width of the count, at least two digits), skipping any code in
    `taken` (a set, updated with the codes given out), so no code is ever reused."""
    width = max(2, len(str(parts)))
    codes = [code]
    number = 1
    while len(codes) < parts:
        number += 1
        suffix = f"-{number:0{width}d}"
        candidate = code[: CODE_MAX_LENGTH - len(suffix)] + suffix
        if candidate in taken:
            continue
        codes.append(candidate)
    taken.update(codes)
    return codes


def split_values(values: dict, parts: int) -> list[dict]:
    """The per-record values of a line: the money fields split, quantity 1; the other
    values as they are."""
    shares = {name: split_amount(values.get(name), parts) for name in SPLIT_MONEY_FIELDS if name in values}
    return [{**values, **{name: s[i] for name, s in shares.items()}, "quantity": 1} for i in range(parts)]
