"""Bulk writes through PostgreSQL COPY, for paths that write thousands of rows at once
(demo data, workbook imports). History triggers fire for COPY as for any INSERT."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

COPY_CHUNK = 50_000


def fresh_plans() -> None:
    """Forget this session's cached query plans, before a statement that writes many rows.

    The statement-level triggers (history, rollups, house totals) read the statement's
    transition tables. PL/pgSQL plans a trigger's query the first time it fires in a
    session and keeps that plan: made for one row (a form's save), it joins the old and
    new rows by a nested loop, which over a year-end wear run's 7,853 assets took 38 s
    instead of 1 s (n²). Plans are made again, for the rows at hand, after this."""
    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")


def copy_rows(table: str, columns, rows, progress=None, label="rows") -> int:
    """Stream tuples into `table` with COPY, in chunks, in the current transaction;
    returns the number of rows."""
    lines = ("\t".join(map(_copy_value, row)) for row in rows)
    return copy_lines(table, columns, lines, progress=progress, label=label)


def copy_lines(table: str, columns, lines, progress=None, label="rows") -> int:
    """Stream lines already in COPY text format into `table`."""
    say = progress or (lambda message: None)
    fresh_plans()
    raw = connection.cursor().cursor  # psycopg2 cursor of Django's connection, same transaction
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    total, buffer, count = 0, io.StringIO(), 0
    for line in lines:
        buffer.write(line)
        buffer.write("\n")
        count += 1
        if count == COPY_CHUNK:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            total += count
            say(f"{label}: {total:,}")
            buffer, count = io.StringIO(), 0
    if count:
        buffer.seek(0)
        raw.copy_expert(sql, buffer)
        total += count
    say(f"{label}: {total:,}")
    return total


def copy_records(model, records) -> int:
    """COPY new rows of `model` given as {attname: value} dicts, without building model
    instances; missing fields take their defaults (formatted once), auto_now timestamps
    the time now; a field the database fills (a db_default and no Python default: the
    province key, set by its trigger) is left to it. No primary keys are returned."""
    fields = [
        f for f in model._meta.concrete_fields if not f.primary_key and not (f.has_db_default() and not f.has_default())
    ]
    now = timezone.now()
    defaults, position, json_fields = [], {}, set()
    for i, f in enumerate(fields):
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults.append(_copy_value(now if auto else f.get_default()))
        position[f.attname] = i
        if isinstance(f, JSONField):
            json_fields.add(f.attname)

    def lines():
        for record in records:
            parts = defaults.copy()
            for attname, value in record.items():
                if attname in json_fields and value is not None:
                    value = json.dumps(value, ensure_ascii=False)
                parts[position[attname]] = _copy_value(value)
            yield "\t".join(parts)

    return copy_lines(model._meta.db_table, [f.column for f in fields], lines())


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if type(value) is str:
        text = value
    elif isinstance(value, dt.date | dt.datetime | dt.time):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    # Most values hold none of the characters COPY escapes: a search in C is cheaper than
    # translating every character of every value.
    return text.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


# COPY text format: backslash, tab, newline and carriage return are escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
