"""Values written into spreadsheets (.xlsx and .csv), one way for every export.

User text is written as text: a name such as `=HYPERLINK(...)` must never become a live
formula in somebody else's Excel (CSV/formula injection, OWASP). In a workbook the cell
is typed as a string and carries Excel's "quote prefix" style when its text starts with
a formula trigger, so Excel shows it exactly as typed, keeps it text when the cell is
edited, and it reads back as the same string. A CSV has no types: a cell starting with
a trigger gets OWASP's leading apostrophe. Numbers, dates and booleans stay what they
are (a negative number is a number, not a formula).

Every writer goes through `write()` (a cell by position), `append()` (a row; works for
normal and write-only worksheets) or `csv_row()`.
"""

import datetime as dt
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# What Excel, LibreOffice and Google Sheets take as the start of a formula (OWASP), and
# the full-width forms that an East Asian IME types and some spreadsheets also accept.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def plain(value):
    """A value openpyxl and csv can write: aware datetimes in naive UTC (Excel has no
    time zones), text without the control characters XML cannot hold, anything else
    that is not a number, date or boolean as its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    if not isinstance(value, str):
        from decimal import Decimal

        if isinstance(value, Decimal):
            return value
        value = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _fill(cell: Cell, value) -> Cell:
    value = plain(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never "f": text is not a formula whatever it starts with
        if starts_like_formula(value):
            cell.quotePrefix = True
    return cell


def write(sheet, row: int, column: int, value) -> Cell:
    """Put a value into a cell of a (normal) worksheet, text as text."""
    return _fill(sheet.cell(row=row, column=column), value)


def cells(sheet, values) -> list:
    """A row for `sheet.append()` (normal or write-only sheet): text as typed cells,
    other values as they are (a cell object costs time on 10^5-row exports)."""
    row = []
    for value in values:
        value = plain(value)
        row.append(_fill(Cell(sheet, row=1, column=1), value) if isinstance(value, str) else value)
    return row


def append(sheet, values) -> None:
    """Append a row of values to a worksheet, text as text."""
    sheet.append(cells(sheet, values))


def csv_value(value):
    """A value for csv.writer: empty for None, text starting like a formula behind an
    apostrophe (OWASP), numbers and dates as they are."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_value(v) for v in values]


# CSV for officials (the report downloads): laid out as Excel on a Vietnamese Windows reads a
# CSV (list separator ";", decimal comma), so amounts open as numbers, not as text or dates;
# no thousands separator (a grouped number is text to most programs). UTF-8 with a BOM, as
# every CSV here. The API's CSV is for programs and keeps "," and the decimal point
# (docs/api.md, docs/review.md).
OFFICIAL_CSV_DELIMITER = ";"


def official_csv_row(values) -> list:
    """csv_row for officials: decimals with a comma (1836,5); whole numbers as they are."""
    row = []
    for value in csv_row(values):
        if isinstance(value, float):
            value = Decimal(repr(value))
        if isinstance(value, Decimal):
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
            value = format(value, "f").replace(".", ",")
        row.append(value)
    return row
