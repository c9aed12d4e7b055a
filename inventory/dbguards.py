"""Rules PostgreSQL keeps itself, whatever writes to it (the application, raw SQL, a
restore script): coordinates in range on every geometry column, and no TRUNCATE of
the register. Written as SQL for the migrations that install them; the tests read the
catalogue to check that every table and geometry column has them."""

# Every coordinate finite and within longitude −180…180, latitude −90…90 (NaN fails
# BETWEEN in PostgreSQL). A point is checked directly; other shapes point by point, as
# a bounding box does not see a NaN between finite coordinates.
# PostGIS's functions are named with their schema: pg_restore runs with an empty
# search_path, and the CHECK calls this function on every restored row.
LONLAT_FUNCTION = """
CREATE OR REPLACE FUNCTION public.lonlat_ok(g public.geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN g IS NULL THEN true
    WHEN public.GeometryType(g) = 'POINT' THEN
      public.ST_IsEmpty(g) OR (public.ST_X(g) BETWEEN -180 AND 180 AND public.ST_Y(g) BETWEEN -90 AND 90)
    ELSE NOT EXISTS (
      SELECT 1 FROM public.ST_DumpPoints(g) AS d
      WHERE NOT (public.ST_X(d.geom) BETWEEN -180 AND 180 AND public.ST_Y(d.geom) BETWEEN -90 AND 90))
  END
$$;
"""
DROP_LONLAT_FUNCTION = "DROP FUNCTION IF EXISTS public.lonlat_ok(public.geometry);"


def lonlat_constraint_name(table: str, column: str) -> str:
    return f"{table}_{column}_lonlat"


def add_lonlat_checks(columns: list[tuple[str, str]]) -> str:
    """CHECK (lonlat_ok(column)) on each (table, column): new rows are checked at once
    (NOT VALID), and the existing rows too where they all pass; a database that already
    holds an out-of-range row keeps it (shown as an empty map, never as text) until an
    administrator corrects it, and then `VALIDATE CONSTRAINT` can be run."""
    statements = []
    for table, column in columns:
        name = lonlat_constraint_name(table, column)
        statements.append(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK (lonlat_ok({column})) NOT VALID;\n"
            f"DO $$ BEGIN ALTER TABLE {table} VALIDATE CONSTRAINT {name}; "
            f"EXCEPTION WHEN check_violation THEN RAISE WARNING '{table}.{column} holds coordinates out of range'; "
            f"END $$;"
        )
    return "\n".join(statements)


def drop_lonlat_checks(columns: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {lonlat_constraint_name(table, column)};"
        for table, column in columns
    )


REFUSE_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION public.refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of % is refused: records are deleted one by one, with history', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
"""
DROP_REFUSE_TRUNCATE_FUNCTION = "DROP FUNCTION IF EXISTS public.refuse_truncate();"
TRUNCATE_TRIGGER = "refuse_truncate"

# Tables PostgreSQL rebuilds from others (`rebuild_rollups()`): emptying them loses nothing.
DERIVED_TABLES = frozenset({"inventory_premisesrollup", "inventory_unitrollup"})


def refuse_truncate(tables: list[str]) -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table};\n"
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_truncate();"
        for table in tables
        if table not in DERIVED_TABLES
    )


def allow_truncate(tables: list[str]) -> str:
    return "\n".join(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table};" for table in tables)


# django-pgtrigger's triggers first ask `_pgtrigger_should_ignore(TG_NAME)`, which pgtrigger
# writes with an EXCEPTION block (to survive an unset `pgtrigger.ignore`): a subtransaction
# on every call. A row-level trigger (the province key on every insert) then opens one per
# row, and PostgreSQL's AfterTriggerEndSubXact walks the statement's queued after-row events
# (the deferred foreign-key checks) at the end of each: quadratic. The national generator's
# first province (41,200 premises, 412,000 assets in one transaction) spent 99% of its
# time there. The same answer without a subtransaction: `current_setting(…, true)` gives
# NULL when the setting was never made; an empty setting ignores nothing, as before.
# pgtrigger writes its version again whenever it installs a trigger, so this one is
# written after every migrate (`inventory.apps`).
PGTRIGGER_IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN
LANGUAGE plpgsql STABLE AS $$
  DECLARE
    setting TEXT := NULLIF(current_setting('pgtrigger.ignore', true), '');
  BEGIN
    IF setting IS NULL THEN
      RETURN FALSE;
    END IF;
    RETURN trigger_name = ANY(setting::TEXT[]);
  END;
$$;
"""
