"""Rollups kept current by PostgreSQL: asset totals per premises and premises (with their
assets) per unit and status, so the province-wide map and totals never add up asset rows
at request time.

Both tables are written only by statement-level triggers on `inventory_asset` and
`inventory_premises` (see `asset_rollup_triggers` and `premises_rollup_triggers`): each
INSERT, UPDATE, DELETE or COPY applies its net change once per statement, from the
statement's transition tables, whatever wrote it (ORM, raw SQL, COPY). Deltas are applied
in key order so that concurrent writers lock rollup rows in the same order.
`rebuild_rollups()` recomputes both from scratch; `rollup_mismatches()` compares them with
a fresh aggregate.
"""

import pgtrigger
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from inventory.models.province import ProvinceKeyedModel, province_key

__all__ = ["PremisesRollup", "UnitRollup"]

SURPLUS_ASSET = "'surplus'"
TOTAL = {"max_digits": 22, "decimal_places": 2, "default": 0, "db_default": 0}


@province_key
class PremisesRollup(ProvinceKeyedModel, models.Model):
    """Totals of the asset lines kept at one premises (tổng hợp tài sản theo cơ sở)."""

    premises = models.OneToOneField(
        "inventory.Premises",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="rollup",
        verbose_name=_("premises"),
    )
    asset_lines = models.IntegerField(_("asset lines"), default=0, db_default=0)
    asset_items = models.BigIntegerField(_("asset items"), default=0, db_default=0)
    asset_cost = models.DecimalField(_("original cost of assets (VND)"), **TOTAL)
    asset_value = models.DecimalField(_("remaining value of assets (VND)"), **TOTAL)
    surplus_asset_lines = models.IntegerField(_("surplus asset lines"), default=0, db_default=0)
    surplus_asset_items = models.BigIntegerField(_("surplus asset items"), default=0, db_default=0)
    surplus_asset_value = models.DecimalField(_("remaining value of surplus assets (VND)"), **TOTAL)

    province_from = ("premises",)

    class Meta:
        verbose_name = _("asset totals of a premises")
        verbose_name_plural = _("asset totals of premises")
        indexes = [models.Index(fields=["province"], name="premises_rollup_province")]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.premises_id}: {self.asset_lines}"


@province_key
class UnitRollup(ProvinceKeyedModel, models.Model):
    """Premises and their assets per new commune, former commune and premises status."""

    admin_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("commune (since 2025)"),
    )
    legacy_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("former commune"),
    )
    status = models.CharField(_("status"), max_length=30)
    premises_count = models.IntegerField(_("premises"), default=0, db_default=0)
    land_area = models.DecimalField(_("land area (m²)"), **TOTAL)
    floor_area = models.DecimalField(_("total floor area (m²)"), **TOTAL)
    surplus_floor_area = models.DecimalField(_("surplus floor area (m²)"), **TOTAL)
    premises_value = models.DecimalField(_("remaining value of buildings (VND)"), **TOTAL)
    asset_items = models.BigIntegerField(_("asset items"), default=0, db_default=0)
    asset_value = models.DecimalField(_("remaining value of assets (VND)"), **TOTAL)
    surplus_asset_items = models.BigIntegerField(_("surplus asset items"), default=0, db_default=0)
    surplus_asset_value = models.DecimalField(_("remaining value of surplus assets (VND)"), **TOTAL)

    province_from = ("admin_unit",)

    class Meta:
        verbose_name = _("unit totals")
        verbose_name_plural = _("unit totals")
        indexes = [models.Index(fields=["province", "status"])]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["admin_unit", "legacy_unit", "status", "province"], name="unit_rollup_key", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.admin_unit_id}/{self.legacy_unit_id}/{self.status}: {self.premises_count}"


# -- the SQL ----------------------------------------------------------------------------
# What is summed: (rollup column, value per row, condition or None). Asset rows are `a`;
# premises rows are `p`, joined with their asset rollup `r`.
ASSET_SUMS = (
    ("asset_lines", "1", None),
    ("asset_items", "a.quantity", None),
    ("asset_cost", "coalesce(a.original_cost, 0)", None),
    ("asset_value", "coalesce(a.remaining_value, 0)", None),
    ("surplus_asset_lines", "1", f"a.status = {SURPLUS_ASSET}"),
    ("surplus_asset_items", "a.quantity", f"a.status = {SURPLUS_ASSET}"),
    ("surplus_asset_value", "coalesce(a.remaining_value, 0)", f"a.status = {SURPLUS_ASSET}"),
)
ASSET_KEY_COLUMNS = ("premises_id", "quantity", "original_cost", "remaining_value", "status", "deleted_at")
UNIT_SUMS = (
    ("premises_count", "1", None),
    ("land_area", "coalesce(p.land_area, 0)", None),
    ("floor_area", "coalesce(p.floor_area, 0)", None),
    ("surplus_floor_area", "coalesce(p.surplus_floor_area, 0)", None),
    ("premises_value", "coalesce(p.remaining_value, 0)", None),
    ("asset_items", "coalesce(r.asset_items, 0)", None),
    ("asset_value", "coalesce(r.asset_value, 0)", None),
    ("surplus_asset_items", "coalesce(r.surplus_asset_items, 0)", None),
    ("surplus_asset_value", "coalesce(r.surplus_asset_value, 0)", None),
)
PREMISES_KEY_COLUMNS = (
    "admin_unit_id",
    "legacy_unit_id",
    "status",
    "land_area",
    "floor_area",
    "surplus_floor_area",
    "remaining_value",
    "deleted_at",
)
UNIT_KEY = ("admin_unit_id", "legacy_unit_id", "status")
UNIT_ASSET_COLUMNS = ("asset_items", "asset_value", "surplus_asset_items", "surplus_asset_value")
UNIT_CONFLICT = "ON CONFLICT ON CONSTRAINT unit_rollup_key"


def _sums(spec, sign: str | None = None) -> str:
    """`coalesce(sum(value) FILTER (WHERE condition), 0)` per column; with `sign`, each
    row counts with its sign (+1 added, -1 removed)."""
    parts = []
    for column, value, condition in spec:
        term = f"{sign} * {value}" if sign else value
        where = f" FILTER (WHERE {condition})" if condition else ""
        parts.append(f"coalesce(sum({term}){where}, 0) AS {column}")
    return ", ".join(parts)


def _columns(spec) -> str:
    return ", ".join(column for column, _value, _condition in spec)


def _signed_rows(op: str, key_columns: tuple[str, ...]) -> str:
    """The rows a statement added (+1) and removed (-1), from its transition tables;
    an UPDATE contributes only the rows whose rolled-up columns changed. Soft-deleted
    rows count for nothing, so deleting one removes it and restoring it adds it back."""
    if op == "INSERT":
        return "SELECT n.*, 1 AS sign FROM new_rows n WHERE n.deleted_at IS NULL"
    if op == "DELETE":
        return "SELECT o.*, -1 AS sign FROM old_rows o WHERE o.deleted_at IS NULL"
    changed = "(" + " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in key_columns) + ")"
    return (
        f"SELECT n.*, 1 AS sign FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE {changed} AND n.deleted_at IS NULL "
        f"UNION ALL SELECT o.*, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {changed} AND o.deleted_at IS NULL"
    )


def _asset_function(op: str) -> str:
    columns = _columns(ASSET_SUMS)
    updates = ", ".join(f"{c} = r.{c} + excluded.{c}" for c, _v, _w in ASSET_SUMS)
    unit_updates = ", ".join(f"{c} = u.{c} + excluded.{c}" for c in UNIT_ASSET_COLUMNS)
    return f"""
        WITH a AS ({_signed_rows(op, ASSET_KEY_COLUMNS)}),
        d AS (
            SELECT a.premises_id, {_sums(ASSET_SUMS, sign="a.sign")} FROM a WHERE a.premises_id IS NOT NULL
            GROUP BY a.premises_id ORDER BY a.premises_id
        ),
        up AS (
            INSERT INTO inventory_premisesrollup AS r (premises_id, {columns})
            SELECT * FROM d
            ON CONFLICT (premises_id) DO UPDATE SET {updates}
        )
        INSERT INTO inventory_unitrollup AS u ({", ".join(UNIT_KEY)}, {", ".join(UNIT_ASSET_COLUMNS)})
        SELECT p.admin_unit_id, p.legacy_unit_id, p.status, {", ".join(f"sum(d.{c})" for c in UNIT_ASSET_COLUMNS)}
        FROM d JOIN inventory_premises p ON p.id = d.premises_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        {UNIT_CONFLICT} DO UPDATE SET {unit_updates};
        RETURN NULL;
    """


def _premises_function(op: str) -> str:
    columns = _columns(UNIT_SUMS)
    updates = ", ".join(f"{c} = u.{c} + excluded.{c}" for c, _v, _w in UNIT_SUMS)
    cleanup = (
        "DELETE FROM inventory_premisesrollup r USING old_rows o WHERE r.premises_id = o.id;" if op == "DELETE" else ""
    )
    return f"""
        INSERT INTO inventory_unitrollup AS u ({", ".join(UNIT_KEY)}, {columns})
        SELECT p.admin_unit_id, p.legacy_unit_id, p.status, {_sums(UNIT_SUMS, sign="p.sign")}
        FROM ({_signed_rows(op, PREMISES_KEY_COLUMNS)}) p
        LEFT JOIN inventory_premisesrollup r ON r.premises_id = p.id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        {UNIT_CONFLICT} DO UPDATE SET {updates};
        {cleanup}
        RETURN NULL;
    """


def _triggers(prefix: str, build) -> list[pgtrigger.Trigger]:
    referencing = {
        "INSERT": pgtrigger.Referencing(new="new_rows"),
        "UPDATE": pgtrigger.Referencing(old="old_rows", new="new_rows"),
        "DELETE": pgtrigger.Referencing(old="old_rows"),
    }
    operations = {"INSERT": pgtrigger.Insert, "UPDATE": pgtrigger.Update, "DELETE": pgtrigger.Delete}
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_rollup_{op.lower()}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operations[op],
            referencing=referencing[op],
            func=build(op),
        )
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def asset_rollup_triggers() -> list[pgtrigger.Trigger]:
    return _triggers("asset", _asset_function)


def premises_rollup_triggers() -> list[pgtrigger.Trigger]:
    return _triggers("premises", _premises_function)


# -- rebuild and check ------------------------------------------------------------------
FRESH_PREMISES_ROLLUP = (
    f"SELECT a.premises_id, {_sums(ASSET_SUMS)} FROM inventory_asset a "
    "WHERE a.premises_id IS NOT NULL AND a.deleted_at IS NULL GROUP BY a.premises_id"
)
FRESH_UNIT_ROLLUP = (
    f"SELECT p.admin_unit_id, p.legacy_unit_id, p.status, {_sums(UNIT_SUMS)} FROM inventory_premises p "
    "LEFT JOIN inventory_premisesrollup r ON r.premises_id = p.id WHERE p.deleted_at IS NULL GROUP BY 1, 2, 3"
)


def rebuild_rollups() -> None:
    """Recompute both rollups from the records (after a restore, or to repair)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE inventory_premisesrollup, inventory_unitrollup IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM inventory_premisesrollup")
        cursor.execute(
            f"INSERT INTO inventory_premisesrollup (premises_id, {_columns(ASSET_SUMS)}) {FRESH_PREMISES_ROLLUP}"
        )
        cursor.execute("DELETE FROM inventory_unitrollup")
        cursor.execute(
            f"INSERT INTO inventory_unitrollup ({', '.join(UNIT_KEY)}, {_columns(UNIT_SUMS)}) {FRESH_UNIT_ROLLUP}"
        )


def rollup_mismatches() -> list[tuple]:
    """Rows where a rollup differs from a fresh aggregate (empty when all is current);
    rollup rows that have gone back to zero count as absent."""
    premises = f"SELECT premises_id, {_columns(ASSET_SUMS)} FROM inventory_premisesrollup WHERE asset_lines <> 0"
    units = f"SELECT {', '.join(UNIT_KEY)}, {_columns(UNIT_SUMS)} FROM inventory_unitrollup WHERE premises_count <> 0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT 'stale premises', * FROM ({premises} EXCEPT {FRESH_PREMISES_ROLLUP}) s
            UNION ALL SELECT 'missing premises', * FROM ({FRESH_PREMISES_ROLLUP} EXCEPT {premises}) m
            """
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"""
            SELECT 'stale unit', * FROM ({units} EXCEPT {FRESH_UNIT_ROLLUP}) s
            UNION ALL SELECT 'missing unit', * FROM ({FRESH_UNIT_ROLLUP} EXCEPT {units}) m
            """
        )
        return rows + cursor.fetchall()
