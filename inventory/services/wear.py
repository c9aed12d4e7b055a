"""The year-end wear run (`manage.py book_wear`): Circular 23/2023 Art. 11–12.

Wear is booked once a year, in December before the books close (Art. 12.1.a), for every
asset line and house in use whose class wears that year: original cost ×
the rate in force that year, in whole đồng rounded up (Art. 5.1), the last year taking
what is left. Nothing is booked for land-use rights and other classes without a rate,
fully worn records, or handled or deleted ones (Art. 11.3); a record damaged beyond use
gets an entry of zero, so its year is closed without wear. One set-based statement per
table: the opening balance is the SQL twin of `valuation.accumulated_wear` (the books
up to the last booked year, or the latest revaluation when it is as recent, then each
later year at its own rate — after a revaluation, at its fixed annual amount — capped at
the cost). The same statement sets each booked record's check (`remaining_value`) and
adds the year's wear to its book values (docs/valuation.md, "Book values and the check").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.bulk import fresh_plans
from inventory.choices import AssetStatus, Condition, PremisesStatus
from inventory.history import history_context
from inventory.models import BookedWear, WearRun

# (record table, its asset-class column, the ledger's column for it, the SQL that says
# the record is handled): a house is handled with its premises.
TARGETS = (
    ("inventory_asset", "asset_class_id", "asset_id", "t.status = %(handled_asset)s"),
    (
        "inventory_house",
        "building_class_id",
        "house_id",
        "EXISTS (SELECT 1 FROM inventory_premises p WHERE p.id = t.premises_id "
        "AND (p.status = %(handled_premises)s OR p.deleted_at IS NOT NULL))",
    ),
)

# The year-end the record's book values stand at: SQL twin of `valuation.closed_year`
# (31 December counts as its own year; any other date as the year before).
CLOSED_BOOK_YEAR = "extract(year FROM t.book_date + 1)::int - 1"

# Identifiers below come from TARGETS, never from input.
BOOK_SQL = """
WITH rate AS (
    SELECT c.id AS class_id, y.year, r.applied_rate
    FROM inventory_assetclass c
    CROSS JOIN generate_series(%(first)s::int, %(year)s::int) AS y(year)
    JOIN LATERAL (
        SELECT w.applied_rate FROM inventory_wearrate w
        WHERE w.asset_class_id = c.id AND coalesce(w.effective_from, 0) <= y.year
          AND (w.effective_to IS NULL OR y.year <= w.effective_to)
        ORDER BY coalesce(w.effective_from, 0) DESC LIMIT 1
    ) r ON r.applied_rate > 0
),
rec AS (
    -- The opening books: the ledger's last entry, or the latest revaluation when it is as
    -- recent (counted at the year-end before its date); after a revaluation every later
    -- year wears its fixed annual amount (Art. 14.7).
    SELECT t.id, t.original_cost AS cost, t.{class_col} AS class_id,
           extract(year FROM t.in_use_date)::int AS in_use_year,
           t.condition = %(damaged)s AS damaged,
           CASE WHEN v.year IS NOT NULL AND (b.year IS NULL OR v.year >= b.year) THEN v.year ELSE b.year END
               AS booked_year,
           CASE WHEN v.year IS NOT NULL AND (b.year IS NULL OR v.year >= b.year) THEN v.acc
                ELSE b.accumulated_wear END AS booked_acc,
           v.annual
    FROM {table} t
    LEFT JOIN LATERAL (
        SELECT year, accumulated_wear FROM inventory_bookedwear
        WHERE {ledger_col} = t.id AND year < %(year)s ORDER BY year DESC LIMIT 1
    ) b ON true
    LEFT JOIN LATERAL (
        SELECT extract(year FROM r.date + 1)::int - 1 AS year, r.new_original_cost - r.new_remaining_value AS acc,
               r.annual_wear AS annual
        FROM inventory_revaluation r
        WHERE r.{ledger_col} = t.id AND extract(year FROM r.date + 1)::int - 1 < %(year)s
        ORDER BY r.date DESC, r.id DESC LIMIT 1
    ) v ON true
    WHERE t.deleted_at IS NULL AND NOT ({handled}) AND t.original_cost > 0
      AND t.in_use_date IS NOT NULL AND t.in_use_date <= make_date(%(year)s, 12, 31)
      AND t.{class_col} IN (SELECT class_id FROM rate WHERE year = %(year)s)
      AND NOT EXISTS (SELECT 1 FROM inventory_bookedwear x WHERE x.{ledger_col} = t.id AND x.year >= %(year)s)
),
opening AS (
    SELECT rec.id, rec.cost, rec.class_id, rec.damaged, rec.annual,
           least(rec.cost, coalesce(rec.booked_acc, 0)
                 + coalesce(sum(coalesce(rec.annual, ceil(rec.cost * rate.applied_rate / 100)))
                            FILTER (WHERE rate.year IS NOT NULL), 0)) AS acc
    FROM rec
    LEFT JOIN rate ON rate.class_id = rec.class_id
        AND rate.year > coalesce(rec.booked_year, rec.in_use_year - 1) AND rate.year < %(year)s
    GROUP BY rec.id, rec.cost, rec.class_id, rec.damaged, rec.booked_acc, rec.annual
),
this_year AS (
    SELECT o.id, o.cost, rate.applied_rate AS rate, o.acc,
           CASE WHEN o.damaged THEN 0
                ELSE least(coalesce(o.annual, ceil(o.cost * rate.applied_rate / 100)), o.cost - o.acc) END AS amount,
           CASE WHEN o.damaged THEN %(damaged_note)s ELSE '' END AS note
    FROM opening o JOIN rate ON rate.class_id = o.class_id AND rate.year = %(year)s
    WHERE o.acc < o.cost
),
ins AS (
    INSERT INTO inventory_bookedwear
        ({ledger_col}, year, original_cost, rate, amount, accumulated_wear, remaining_value, note, run_id)
    SELECT id, %(year)s, cost, rate, amount, acc + amount, cost - acc - amount, note, %(run)s FROM this_year
    RETURNING {ledger_col} AS id, amount, accumulated_wear, remaining_value
),
upd AS (
    -- The check follows the ledger; the book values get the year's wear added to what the
    -- accounts stated (never below zero), or the ledger's figures where none were stated;
    -- books already standing at this year-end (entered or revalued) are left as they are.
    -- Only `ins` is joined, by primary key: a join of two CTEs, whose sizes the planner
    -- cannot know, could be planned as a nested loop (n² rows).
    UPDATE {table} t SET remaining_value = ins.remaining_value, valuation_date = make_date(%(year)s, 12, 31),
        book_accumulated_wear = CASE WHEN {closed_book_year} >= %(year)s THEN t.book_accumulated_wear
            WHEN t.book_remaining_value IS NULL THEN ins.accumulated_wear
            ELSE t.original_cost - greatest(0, t.book_remaining_value - ins.amount) END,
        book_remaining_value = CASE WHEN {closed_book_year} >= %(year)s THEN t.book_remaining_value
            WHEN t.book_remaining_value IS NULL THEN ins.remaining_value
            ELSE greatest(0, t.book_remaining_value - ins.amount) END,
        book_date = CASE WHEN {closed_book_year} >= %(year)s THEN t.book_date ELSE make_date(%(year)s, 12, 31) END
    FROM ins WHERE t.id = ins.id
    RETURNING ins.amount
)
SELECT count(*), coalesce(sum(amount), 0), count(*) FILTER (WHERE amount = 0) FROM upd
"""


class WearRunRefused(Exception):
    """The run cannot be made for that year; the message says why (translated)."""


@dataclass
class WearRunResult:
    year: int
    run: WearRun | None
    entries: int = 0
    total: Decimal = Decimal(0)
    without_wear: int = 0

    def summary(self) -> str:
        if self.run is None:
            return _("Wear for %(year)s is already booked: nothing changed.") % {"year": self.year}
        return _(
            "Wear for %(year)s booked (run %(run)s): %(entries)s entries, %(total)s VND, "
            "%(damaged)s damaged beyond use without wear."
        ) % {
            "year": self.year,
            "run": self.run.pk,
            "entries": f"{self.entries:,}",
            "total": f"{self.total:,}",
            "damaged": f"{self.without_wear:,}",
        }


@history_context(command="book_wear")
@transaction.atomic
def book_wear(year: int, actor=None, today: dt.date | None = None) -> WearRunResult:
    """Book `year`'s wear once for every record that has none booked for it yet.

    Refused for a future year, for a year before the last booked one (closed), and for
    a year after the next one (a year would be skipped). Running the last booked year
    again books only records missing from it (none, normally): nothing else changes.
    """
    today = today or timezone.localdate()
    if year > today.year:
        raise WearRunRefused(_("Wear for %(year)s cannot be booked before that year.") % {"year": year})
    with connection.cursor() as cursor:
        # One run at a time: the second waits, then sees the first one's books.
        cursor.execute("LOCK TABLE inventory_wearrun IN EXCLUSIVE MODE")
    last = WearRun.objects.aggregate(last=Max("year"))["last"]
    if last is not None and year < last:
        raise WearRunRefused(
            _("The year %(year)s is closed: wear is already booked for %(last)s.") % {"year": year, "last": last}
        )
    if last is not None and year > last + 1:
        raise WearRunRefused(
            _("Wear for %(missing)s is not booked yet: book the years in order.") % {"missing": last + 1}
        )
    run = WearRun.objects.create(year=year, booked_by=actor)
    result = WearRunResult(year=year, run=run)
    first = _first_year(year)
    fresh_plans()
    with connection.cursor() as cursor:
        for table, class_col, ledger_col, handled in TARGETS:
            sql = BOOK_SQL.format(
                table=table,
                class_col=class_col,
                ledger_col=ledger_col,
                handled=handled,
                closed_book_year=CLOSED_BOOK_YEAR,
            )
            cursor.execute(
                sql,
                {
                    "year": year,
                    "first": first,
                    "run": run.pk,
                    "handled_asset": AssetStatus.HANDLED,
                    "handled_premises": PremisesStatus.HANDLED,
                    "damaged": Condition.DAMAGED,
                    "damaged_note": BookedWear.NOTE_DAMAGED,
                },
            )
            entries, total, without_wear = cursor.fetchone()
            result.entries += entries
            result.total += total
            result.without_wear += without_wear
    if not result.entries:
        run.delete()  # nothing booked: leave no trace
        return WearRunResult(year=year, run=None)
    run.entries, run.total_wear = result.entries, result.total
    run.save(update_fields=["entries", "total_wear"])
    return result


def _first_year(year: int) -> int:
    """The earliest year a record was put into use (the rate table starts there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT least((SELECT min(in_use_date) FROM inventory_asset), "
            "(SELECT min(in_use_date) FROM inventory_house))"
        )
        (earliest,) = cursor.fetchone()
    return min(year, earliest.year) if earliest else year
