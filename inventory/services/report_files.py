"""A built report (`inventory.reports.build`) as the files /reports/ offers: CSV as
officials open it in Excel (UTF-8 with a byte-order mark, the official delimiter and
numbers) and XLSX, one sheet per table; the header and total rows in bold."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from inventory import spreadsheets

BOLD = Font(bold=True)


def _cells(table):
    """The table's rows as written: the header, the rows, then the total if any."""
    yield table.columns
    yield from table.rows
    if table.total:
        yield table.total


def as_csv(report) -> bytes:
    """Every table of the report, one after the other: its title, its rows, a blank line."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel opens Vietnamese text as UTF-8
    writer = csv.writer(buffer, delimiter=spreadsheets.OFFICIAL_CSV_DELIMITER)
    for table in report.tables:
        writer.writerow(spreadsheets.official_csv_row([table.title]))
        writer.writerows(spreadsheets.official_csv_row(row) for row in _cells(table))
        writer.writerow([])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(report, stamp: str) -> bytes:
    """One sheet per table, headed by the report's title and `stamp` (the date it is as of)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report.tables:
        sheet = workbook.create_sheet(table.title[:31])
        spreadsheets.append(sheet, [f"{report.title} — {stamp}"])
        sheet["A1"].font = BOLD
        for i, row in enumerate(_cells(table)):
            spreadsheets.append(sheet, row)
            if i == 0 or (table.total and row is table.total):
                for cell in sheet[sheet.max_row]:
                    cell.font = BOLD
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
