"""generate_demo throughput against a plain PostgreSQL COPY of the same rows.

Both write the same asset lines into the same table with the same history triggers;
the difference is what generate_demo costs on top of COPY (making the rows in Python).
BENCH_SCALE (default 20) multiplies the demo asset lines (scale 1 ≈ 5,000 lines).
"""

import io
import os

from common import Timer, report, use_bench_database

SCALE = int(os.environ.get("BENCH_SCALE", "20"))


def main():
    use_bench_database()
    from django.db import connection, transaction

    from inventory import demo

    demo.clear_demo()
    summary = demo.generate(seed=1, scale=SCALE)
    rows = summary.counts["assets"]

    columns = ", ".join(demo._Generator.ASSET_COLUMNS)
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY (SELECT {columns} FROM inventory_asset WHERE is_demo) TO STDOUT", buffer)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_asset WHERE is_demo")
        buffer.seek(0)
        with Timer() as copy:
            cursor.cursor.copy_expert(f"COPY inventory_asset ({columns}) FROM STDIN", buffer)
        transaction.set_rollback(True)

    report(
        f"generate_demo asset lines/s (scale {SCALE}, {rows:,} lines)",
        rows / summary.asset_seconds,
        rows / copy.seconds,
        "rows/s",
        None,
        lower_is_better=False,
        total_rows=summary.rows,
        total_seconds=round(summary.total_seconds, 2),
    )


if __name__ == "__main__":
    main()
