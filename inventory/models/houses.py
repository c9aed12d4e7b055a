"""Houses (nhà) on a premises (the site: cơ sở nhà, đất).

A premises is the site: its land (area, use split, land book value, certificate) and zero
or more houses, each with its own grade, year, floors, areas, cost and book values (form
04a-ĐK/TSC has a row per house under its site). The premises' building columns
(`HOUSE_TOTALS`) are the totals of its live houses, written by one PostgreSQL trigger on
the house table (`house_totals_triggers`), so the map, rollups, reallocation, siting and
handling keep reading the premises: amounts are sums, floors the highest, and the
descriptive columns (grade, class, year built, floor load, date put into use) those of
the main house (the largest floor area). A premises without houses is land only: its
building columns are empty.
"""

import pgtrigger
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import AssetCategory, BuildingGrade, Condition
from inventory.models.base import (
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    deleted_index,
    no_hard_delete_unless_demo,
    track_history,
    versioned,
)
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.models.valued import MONEY, ValuedModel, raise_if
from inventory.querysets import HouseQuerySet, live_manager

__all__ = ["House"]

AREA = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}
FLOOR_USE_FIELDS = ("floor_use_office", "floor_use_public_service", "floor_use_other")
COST_SPLIT_FIELDS = ("cost_state_budget", "cost_other_sources")

# The premises columns that hold its houses' totals, and how each is made:
# (premises column, house column, "sum" | "max" | "main").
HOUSE_TOTALS = (
    ("footprint_area", "footprint_area", "sum"),
    ("floor_area", "floor_area", "sum"),
    ("original_cost", "original_cost", "sum"),
    ("remaining_value", "remaining_value", "sum"),
    ("book_remaining_value", "book_remaining_value", "sum"),
    ("book_accumulated_wear", "book_accumulated_wear", "sum"),
    ("book_date", "book_date", "max"),
    ("valuation_date", "valuation_date", "max"),
    ("floors", "floors", "max"),
    ("building_grade", "building_grade", "main"),
    ("building_class_id", "building_class_id", "main"),
    ("year_built", "year_built", "main"),
    ("floor_load", "floor_load", "main"),
    ("in_use_date", "in_use_date", "main"),
)
# The premises fields that declare its house while it has at most one (web form, Excel
# row, API, admin): everything in HOUSE_TOTALS but the computed values.
DECLARED_HOUSE_FIELDS = tuple(
    column.removesuffix("_id")
    for column, _house, _how in HOUSE_TOTALS
    if column not in ("remaining_value", "valuation_date")
)


# -- the totals trigger -----------------------------------------------------------------
def _total(column: str, how: str) -> str:
    value = f"m.{column}" if how == "main" else f"s.{column}"
    return f"coalesce({value}, '')" if column == "building_grade" else value


def _totals_sql(ids: str) -> str:
    """Set the building columns of the premises in `ids` (a query of premises ids) to
    their live houses' totals; a premises that has none gets empty columns. A premises
    whose columns already hold the totals is not written (no new version or history)."""
    sums = ", ".join(f"{how}(h.{house}) AS {column}" for column, house, how in HOUSE_TOTALS if how != "main")
    main = ", ".join(f"h.{house} AS {column}" for column, house, how in HOUSE_TOTALS if how == "main")
    sets = ", ".join(f"{column} = {_total(column, how)}" for column, _house, how in HOUSE_TOTALS)
    current = ", ".join(f"p.{column}" for column, _house, _how in HOUSE_TOTALS)
    totals = ", ".join(_total(column, how) for column, _house, how in HOUSE_TOTALS)
    return f"""
        UPDATE inventory_premises p SET {sets}
        FROM (SELECT DISTINCT premises_id FROM ({ids}) i WHERE premises_id IS NOT NULL) ids
        LEFT JOIN LATERAL (
            SELECT {sums} FROM inventory_house h WHERE h.premises_id = ids.premises_id AND h.deleted_at IS NULL
        ) s ON true
        LEFT JOIN LATERAL (
            SELECT {main} FROM inventory_house h WHERE h.premises_id = ids.premises_id AND h.deleted_at IS NULL
            ORDER BY h.floor_area DESC NULLS LAST, h.id LIMIT 1
        ) m ON true
        WHERE p.id = ids.premises_id AND ({current}) IS DISTINCT FROM ({totals});
    """  # noqa: S608 (identifiers from HOUSE_TOTALS, never input)


def house_totals_triggers() -> list[pgtrigger.Trigger]:
    ids = {
        "INSERT": "SELECT premises_id FROM new_rows",
        "UPDATE": "SELECT premises_id FROM new_rows UNION ALL SELECT premises_id FROM old_rows",
        "DELETE": "SELECT premises_id FROM old_rows",
    }
    referencing = {
        "INSERT": pgtrigger.Referencing(new="new_rows"),
        "UPDATE": pgtrigger.Referencing(old="old_rows", new="new_rows"),
        "DELETE": pgtrigger.Referencing(old="old_rows"),
    }
    operations = {"INSERT": pgtrigger.Insert, "UPDATE": pgtrigger.Update, "DELETE": pgtrigger.Delete}
    return [
        pgtrigger.Trigger(
            name=f"house_totals_{op.lower()}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operations[op],
            referencing=referencing[op],
            func=_totals_sql(ids[op]) + " RETURN NULL;",
        )
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


@no_hard_delete_unless_demo(premises_id="inventory_premises")
@versioned
@track_history()
@province_key
class House(ProvinceKeyedModel, ValuedModel, VersionedModel, SoftDeleteModel, TimeStampedModel):
    """One house (nhà) of a premises: one row of form 04a-ĐK/TSC under its site."""

    premises = models.ForeignKey(
        "inventory.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="houses"
    )
    name = models.CharField(_("house"), max_length=255, blank=True, help_text=_("E.g. main block, block B."))
    building_grade = models.CharField(_("building grade"), max_length=10, choices=BuildingGrade.choices, blank=True)
    building_class = models.ForeignKey(
        "inventory.AssetClass",
        verbose_name=_("building asset class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="houses",
        help_text=_("Set from the building grade when left empty; gives the wear rate."),
    )
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True, validators=[MaxValueValidator(100)])
    footprint_area = models.DecimalField(_("building footprint (m²)"), null=True, blank=True, **AREA)
    floor_area = models.DecimalField(_("total floor area (m²)"), null=True, blank=True, **AREA)
    floor_use_office = models.DecimalField(_("floor area used as office (m²)"), null=True, blank=True, **AREA)
    floor_use_public_service = models.DecimalField(
        _("floor area for public services (m²)"), null=True, blank=True, **AREA
    )
    floor_use_other = models.DecimalField(_("floor area in other use (m²)"), null=True, blank=True, **AREA)
    floor_load = models.PositiveIntegerField(
        _("design floor load (kg/m²)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20_000)],
        help_text=_("Where known, from the design or an inspection."),
    )
    cost_state_budget = models.DecimalField(_("cost from the state budget (VND)"), null=True, blank=True, **MONEY)
    cost_other_sources = models.DecimalField(_("cost from other sources (VND)"), null=True, blank=True, **MONEY)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD)
    notes = models.TextField(_("notes"), blank=True)

    objects = live_manager(HouseQuerySet)
    all_objects = HouseQuerySet.as_manager()

    province_from = ("premises",)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["premises", "id"]
        indexes = [
            models.Index(fields=["premises"], condition=models.Q(deleted_at__isnull=True), name="house_live_premises"),
            models.Index(fields=["province", "premises"]),
            deleted_index("house_deleted"),
        ]
        triggers = house_totals_triggers()

    def __str__(self):
        label = self.name or _("house %(n)s") % {"n": self.pk or "–"}
        return f"{self.premises_id and self.premises.code} – {label}"

    @property
    def is_demo(self) -> bool:
        return bool(self.premises_id and self.premises.is_demo)

    def _set_building_class(self) -> None:
        from inventory.models.reference import AssetClass

        if self.building_grade and (
            not self.building_class_id or self.building_class.building_grade != self.building_grade
        ):
            self.building_class = (
                AssetClass.objects.filter(
                    category=AssetCategory.BUILDING, building_grade=self.building_grade, is_active=True
                )
                .order_by("sort_order")
                .first()
            )

    def clean(self):
        super().clean()
        errors: dict = {}
        self._validate_in_use_date(errors)
        validate_building(self, errors)
        raise_if(errors)

    def save(self, *args, **kwargs):
        self._set_building_class()
        super().save(*args, **kwargs)


def validate_building(house, errors: dict) -> None:
    """The rules of one building (a house, or the one house a premises row declares)."""
    floor_area, footprint, floors = house.floor_area, house.footprint_area, house.floors
    if floor_area is not None and footprint is not None and floors and floor_area > footprint * floors:
        errors["floor_area"] = _("The total floor area cannot exceed footprint × floors.")
    year_built = house.year_built
    if year_built and year_built > timezone.localdate().year:
        errors["year_built"] = _("The year built cannot be in the future.")
    if year_built and house.in_use_date and house.in_use_date.year < year_built:
        errors["in_use_date"] = _("A building cannot be put into use before it is built.")
    uses = [getattr(house, f, None) for f in FLOOR_USE_FIELDS]
    uses = [u for u in uses if u is not None]
    if uses and floor_area is not None and sum(uses) > floor_area:
        errors["floor_use_office"] = _("The floor-use breakdown adds up to more than the floor area.")
    split = [getattr(house, f, None) for f in COST_SPLIT_FIELDS]
    split = [s for s in split if s is not None]
    if split and house.original_cost is not None and sum(split) != house.original_cost:
        errors["cost_state_budget"] = _("The state-budget and other-source shares must add up to the original cost.")


def refresh_premises_totals(premises_ids=None) -> None:
    """Recompute the building columns of premises from their houses (all when None):
    after a restore, or to repair."""
    ids = "SELECT id AS premises_id FROM inventory_premises"
    params = []
    if premises_ids is not None:
        ids += " WHERE id = ANY(%s)"
        params = [list(premises_ids)]
    with connection.cursor() as cursor:
        cursor.execute(_totals_sql(ids), params)


# -- migration of one-building premises -------------------------------------------------
HOUSE_FROM_PREMISES_SQL = """
INSERT INTO inventory_house (
    premises_id, name, building_grade, building_class_id, year_built, floors, footprint_area, floor_area,
    floor_load, original_cost, in_use_date, remaining_value, valuation_date, {book},
    condition, notes, version, delete_reason, created_at, updated_at)
SELECT p.id, '', p.building_grade, p.building_class_id, p.year_built, p.floors, p.footprint_area, p.floor_area,
    p.floor_load, p.original_cost, p.in_use_date, p.remaining_value, p.valuation_date, {p_book},
    p.condition, '', 1, '', now(), now()
FROM inventory_premises p
WHERE NOT EXISTS (SELECT 1 FROM inventory_house h WHERE h.premises_id = p.id)
  AND (p.floor_area IS NOT NULL OR p.footprint_area IS NOT NULL OR p.floors IS NOT NULL
       OR p.building_grade <> '' OR p.year_built IS NOT NULL OR p.original_cost IS NOT NULL)
  {only}
ORDER BY p.id
"""
# The premises' booked wear continues on its house: the ledger rows are copied (the
# premises' own rows stay, as history).
LEDGER_FROM_PREMISES_SQL = """
INSERT INTO inventory_bookedwear
    (house_id, year, original_cost, rate, amount, accumulated_wear, remaining_value, note, run_id)
SELECT h.id, b.year, b.original_cost, b.rate, b.amount, b.accumulated_wear, b.remaining_value, b.note, b.run_id
FROM inventory_bookedwear b JOIN inventory_house h ON h.premises_id = b.premises_id
WHERE b.premises_id IS NOT NULL AND h.id = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM inventory_bookedwear x WHERE x.house_id = h.id AND x.year = b.year)
"""


BOOK_COLUMNS = ("book_remaining_value", "book_accumulated_wear", "book_date")


def houses_from_premises(using_connection=None, premises_ids=None, book_columns=BOOK_COLUMNS) -> int:
    """Give every premises that holds building values and no house one house holding
    them (the migration to sites with houses; also after a bulk load of premises rows).
    Values are copied as they are, booked wear included, so every total is unchanged.
    `book_columns` are the book-value columns copied (migration 0017 ran before they were
    named so: it passes the one they had then). Returns the number of houses made."""
    conn = using_connection or connection
    only, params = "", []
    if premises_ids is not None:
        only, params = "AND p.id = ANY(%s)", [list(premises_ids)]
    with conn.cursor() as cursor:
        sql = HOUSE_FROM_PREMISES_SQL.format(
            only=only, book=", ".join(book_columns), p_book=", ".join(f"p.{c}" for c in book_columns)
        )
        cursor.execute(sql + " RETURNING id", params)
        made = [row[0] for row in cursor.fetchall()]
        if made:
            cursor.execute(LEDGER_FROM_PREMISES_SQL, [made])
    return len(made)
