"""Excel bulk declarations: the template a declarant downloads (pre-filled with the
unit's records, Vietnamese headers, drop-down lists) and the upload of that workbook
into the open declaration. Codes identify records: an unchanged file changes nothing
and a changed row changes exactly that record. A file with errors writes nothing
unless the user keeps the valid rows, and then the rejected rows are returned whole."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from inventory import spreadsheets
from inventory.bulk import copy_records, fresh_plans
from inventory.choices import ItemAction, ItemStatus, ItemTarget
from inventory.models import AssetClass, DeclarationItem
from inventory.permissions import can_declare
from inventory.services import declarations as services
from inventory.services import declared_values
from inventory.srs import VN2000_SRIDS, VN2000_TM3_NGHE_AN, parse_srid, vn2000_point

# Sheets of the template, and which record type each holds.
SHEETS = {ItemTarget.PREMISES: "Cơ sở nhà, đất", ItemTarget.ASSET: "Tài sản"}
LATITUDE, LONGITUDE = "latitude", "longitude"
# VN-2000 as on a land certificate (X northing, Y easting, metres) and its system (9208 when blank).
VN_SYSTEM, VN_X, VN_Y = "vn2000_system", "vn2000_x", "vn2000_y"
COORDINATE_COLUMNS = (LATITUDE, LONGITUDE, VN_SYSTEM, VN_X, VN_Y)
XLSX_MAGIC = b"PK\x03\x04"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
YES, NO = "Có", "Không"


def max_upload_bytes() -> int:
    return getattr(settings, "WORKBOOK_MAX_BYTES", 10 * 1024 * 1024)


def columns(target: str, vn2000: bool = True) -> list[str]:
    """Field names in column order; a location is latitude and longitude, then (`vn2000`)
    the VN-2000 system, X and Y. Workbooks of the template before the VN-2000 columns
    (`vn2000=False`) are still read."""
    names = []
    for name in declared_values.FIELDS[target]:
        if name == "location":
            names += [LATITUDE, LONGITUDE, *((VN_SYSTEM, VN_X, VN_Y) if vn2000 else ())]
        else:
            names.append(name)
    return names


# Notes on headings the declarant must read (shown as cell comments in Vietnamese).
HEADER_NOTES = {
    (ItemTarget.ASSET, "quantity"): gettext_lazy(
        "Several identical fixed assets may be declared in one row with their number: each becomes its own "
        "record, with the row's code as group code. Tools and instruments that are not fixed assets stay one line."
    ),
    (ItemTarget.ASSET, "original_cost"): gettext_lazy(
        "The original cost of the whole row (all its items): split in whole đồng among the records it "
        "becomes, the remainder on the last."
    ),
}


def header(target: str, name: str) -> str:
    """The Vietnamese column heading of a field (headings do not follow the UI language,
    so a workbook reads back whoever downloaded it)."""
    with translation.override("vi"):
        if name == LATITUDE:
            return str(_("Latitude (vĩ độ)"))
        if name == LONGITUDE:
            return str(_("Longitude (kinh độ)"))
        if name == VN_SYSTEM:
            return str(_("VN-2000 system (9208: TM-3 104°45′, 3405: UTM 48N)"))
        if name == VN_X:
            return str(_("X VN-2000 (northing, m)"))
        if name == VN_Y:
            return str(_("Y VN-2000 (easting, m)"))
        return str(declared_values.model_field(target, name).verbose_name).capitalize()


def _choice_labels(target: str, name: str) -> dict[str, str]:
    field_ = declared_values.model_field(target, name)
    with translation.override("vi"):
        return {value: str(label) for value, label in field_.flatchoices}


# -- template ---------------------------------------------------------------------------


def template(user) -> bytes:
    """The workbook a declarant fills: one sheet per record type, pre-filled with the
    records of the user's unit, lists to pick enumerations from."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook.create_sheet("Danh mục"))
    related = {
        "agency": [a.code for a in services.declarable_agencies(user)],
        "asset_class": list(AssetClass.objects.filter(is_active=True).values_list("code", flat=True)),
    }
    for target, title in SHEETS.items():
        sheet = workbook.create_sheet(title)
        names = columns(target)
        _write_headings(sheet, target, names)
        _write_records(sheet, target, names, user)
        for col, name in enumerate(names, start=1):
            values = _list_values(target, name, related)
            if values:
                _add_list(sheet, col, lists.range(f"{target}.{name}", values))
    lists.sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Lists:
    """The hidden sheet of the drop-down lists: each list written once, in its own column,
    and referred to by its range."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.ranges: dict[str, str] = {}

    def range(self, key: str, values: list[str]) -> str:
        if key not in self.ranges:
            number = len(self.ranges) + 1
            col = get_column_letter(number)
            spreadsheets.write(self.sheet, 1, number, key)
            for row, value in enumerate(values, start=2):
                spreadsheets.write(self.sheet, row, number, value)
            self.ranges[key] = f"'Danh mục'!${col}$2:${col}${max(2, len(values) + 1)}"
        return self.ranges[key]


def _write_headings(sheet, target: str, names: list[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = spreadsheets.write(sheet, 1, col, header(target, name))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = 18
        if (target, name) in HEADER_NOTES:
            with translation.override("vi"):
                cell.comment = Comment(str(HEADER_NOTES[target, name]), "")
    sheet.freeze_panes = "B2"


def _write_records(sheet, target: str, names: list[str], user) -> None:
    records = declared_values.MODELS[target].objects.visible_to(user).order_by("code")
    for row, record in enumerate(records.select_related(*_related(target)), start=2):
        data = declared_values.to_payload(record, target)
        for col, name in enumerate(names, start=1):
            spreadsheets.write(sheet, row, col, _cell_value(target, name, data))


def _list_values(target: str, name: str, related: dict[str, list[str]]) -> list[str] | None:
    """The values a column is picked from: related codes, a field's choices, Có/Không."""
    if name in declared_values.RELATED:
        return related.get(name)
    if name in COORDINATE_COLUMNS:
        return None
    field_ = declared_values.model_field(target, name)
    if field_.choices:
        return list(_choice_labels(target, name).values())
    if field_.get_internal_type() == "BooleanField":
        return [YES, NO]
    return None


TEMPLATE_ROWS = 5000  # rows of a sheet whose cells offer the drop-down lists


def _add_list(sheet, col: int, formula: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = _("Pick a value from the list.")
    letter = get_column_letter(col)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    sheet.add_data_validation(validation)


def _related(target: str) -> list[str]:
    return [n for n in declared_values.FIELDS[target] if n in declared_values.RELATED]


def _cell_value(target: str, name: str, data: dict):
    if name in (VN_SYSTEM, VN_X, VN_Y):
        return None  # typed X/Y win over latitude/longitude: left empty, an edited position stays the user's
    if name in (LATITUDE, LONGITUDE):
        location = data.get("location")
        if not location:
            return None
        from django.contrib.gis.geos import GEOSGeometry

        point = GEOSGeometry(location)
        return round(point.y if name == LATITUDE else point.x, 7)
    value = data.get(name)
    if value is None:
        return None
    field_ = declared_values.model_field(target, name)
    if field_.choices:
        return _choice_labels(target, name).get(value, value)
    if field_.get_internal_type() == "BooleanField":
        return YES if value else NO
    if field_.get_internal_type() in ("DecimalField",):
        number = float(value)
        return int(number) if number.is_integer() else number
    if field_.get_internal_type() == "DateField":
        return dt.date.fromisoformat(value)
    return value


# -- upload -----------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[str, list[tuple[int, list]]] = field(default_factory=dict)
    # New rows identical to new records already declared: (sheet, row, code, declaration)
    already_declared: list[tuple[str, int, str, int]] = field(default_factory=list)
    written: bool = False
    declaration_id: int | None = None

    @property
    def rejected_count(self) -> int:
        return sum(len(rows) for rows in self.rejected_rows.values())


class WorkbookError(ValueError):
    """The file cannot be read as the template: nothing was written."""


# What one upload may make the server do. A workbook is a zip of XML: a file of a few
# kilobytes can unpack to gigabytes, or hold millions of (empty) cells, each of which
# costs time and memory to read. The bounds are checked on the zip before openpyxl sees
# it, and counted again while the rows are read. Settings of the same name override them.
LIMITS = {
    "WORKBOOK_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,  # all parts together, unpacked
    "WORKBOOK_MAX_RATIO": 100,  # unpacked / packed size of one part (spreadsheets: < 20)
    "WORKBOOK_MAX_ROWS": 20_000,  # rows read, all sheets together
    "WORKBOOK_MAX_CELLS": 1_000_000,  # cells read (empty ones too), all sheets together
    "WORKBOOK_MAX_TEXTS": 200_000,  # distinct texts (the shared strings part)
}
MAX_PARTS = 1000
MAX_ROW_CELLS = 1000  # cells in one row (the template has a few dozen columns)
RATIO_GRACE_BYTES = 1024 * 1024  # smaller parts are not held to the ratio
OTHER_PART_TAGS = 200_000  # markup of a part that is neither a sheet nor the texts
READ_CHUNK = 1024 * 1024
# What a cell holds, read with its row: value, formula, inline string and its runs.
CELL_PARTS = frozenset(f"{{{SHEET_MAIN_NS}}}{name}" for name in ("v", "f", "is", "t", "r"))


def limit(name: str) -> int:
    return getattr(settings, name, LIMITS[name])


def _refuse_archive(upload) -> None:
    """Refuse, before any XML is parsed, a zip that would unpack or parse out of bounds:
    too many parts, too large unpacked, compressed like a zip bomb, compressed with a
    method Excel never uses, too much markup for what it holds, or a DTD (entities).
    Reading a part stops at the size the zip declares for it (zipfile checks the CRC),
    so the declared sizes are real bounds."""
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from exc
    _refuse_sizes(infos)
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _count_markup(archive, info)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from exc
    finally:
        archive.close()
        upload.seek(0)


def _refuse_sizes(infos) -> None:
    """The sizes the zip declares: the number of parts, all of them unpacked, the method
    and the packing ratio of each."""
    too_big = _("The workbook unpacks to more than %(mb)s MB: split it into several files.") % {
        "mb": limit("WORKBOOK_MAX_UNCOMPRESSED_BYTES") // (1024 * 1024)
    }
    if len(infos) > MAX_PARTS:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read."))
    if sum(info.file_size for info in infos) > limit("WORKBOOK_MAX_UNCOMPRESSED_BYTES"):
        raise WorkbookError(too_big)
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read."))
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > limit("WORKBOOK_MAX_RATIO") * max(
            info.compress_size, 1
        ):
            raise WorkbookError(
                _("The workbook is packed far more tightly than a spreadsheet can be (a “zip bomb”): it is refused.")
            )


def _count_markup(archive, info) -> None:
    """Count the tags of one XML part without parsing it (a count of "<" is fast and an
    upper bound of the elements) against what that part may hold."""
    name = info.filename.lower()
    cells, rows, texts = limit("WORKBOOK_MAX_CELLS"), limit("WORKBOOK_MAX_ROWS"), limit("WORKBOOK_MAX_TEXTS")
    if name.startswith("xl/worksheets/"):
        budget, message = 8 * cells + 4 * rows + 10_000, _("The workbook has more than %(n)s cells.") % {"n": cells}
    elif name.endswith("sharedstrings.xml"):
        budget, message = 10 * texts + 1_000, _("The workbook has more than %(n)s distinct texts.") % {"n": texts}
    else:
        budget = OTHER_PART_TAGS
        message = _("A part of the workbook (%(part)s) is larger than a spreadsheet needs.") % {"part": info.filename}
    tags, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(READ_CHUNK):
            tags += chunk.count(b"<")
            if tags > budget:
                raise WorkbookError(message + " " + _("Split it into several files."))
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                raise WorkbookError(_("The workbook declares XML entities, which Excel never writes: it is refused."))
            tail = chunk[-16:]


def _open(upload) -> Workbook:
    if upload.size > max_upload_bytes():
        raise WorkbookError(_("The file is larger than %(mb)s MB.") % {"mb": max_upload_bytes() // (1024 * 1024)})
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_MAGIC:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx)."))
    _refuse_archive(upload)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from exc


class _CellReader(WorkSheetParser):
    """openpyxl's reading of a cell, except that a number cell it cannot convert (NaN,
    Infinity, any text) gives its text, for the column's parser to refuse on that row,
    instead of an exception that ends the reading of the whole file."""

    def parse_cell(self, element):
        try:
            return super().parse_cell(element)
        except (ValueError, OverflowError):
            if element.get("t", "n") != "n":
                raise
            coordinate = element.get("r")
            row, column = coordinate_to_tuple(coordinate) if coordinate else (self.row_counter, self.col_counter)
            return {"row": row, "column": column, "value": element.findtext(VALUE_TAG), "data_type": "s"}


@dataclass
class _Budget:
    """Rows and cells read so far from the whole workbook, against the limits (read from
    the settings once per workbook, not once per row)."""

    rows: int = 0
    cells: int = 0
    max_rows: int = field(default_factory=lambda: limit("WORKBOOK_MAX_ROWS"))
    max_cells: int = field(default_factory=lambda: limit("WORKBOOK_MAX_CELLS"))

    def add_row(self):
        self.rows += 1
        if self.rows > self.max_rows + len(SHEETS):  # the heading rows are free
            raise WorkbookError(
                _("The workbook has more than %(n)s rows: split it into several files.") % {"n": self.max_rows}
            )

    def add_cells(self, count: int):
        self.cells += count
        if self.cells > self.max_cells:
            raise WorkbookError(
                _("The workbook has more than %(n)s cells: split it into several files.") % {"n": self.max_cells}
            )


def _sheet_rows(workbook, sheet, budget: _Budget):
    """Yield (row number, {column: value}) for each row the sheet holds, from the XML as
    it streams: rows are never padded to the size the sheet declares, and every row and
    cell is counted before it is converted."""
    rows, columns = sheet.max_row, sheet.max_column  # from the sheet's <dimension>, if any
    if rows and columns and (rows > limit("WORKBOOK_MAX_ROWS") + 1 or rows * columns > limit("WORKBOOK_MAX_CELLS")):
        raise WorkbookError(
            _("The sheet “%(sheet)s” declares %(rows)s rows and %(columns)s columns: split it into several files.")
            % {"sheet": sheet.title, "rows": rows, "columns": columns}
        )
    reader = _CellReader(
        None,
        sheet._shared_strings,  # openpyxl 3.1 (pinned): the read-only sheet's texts and date styles
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    # End events only (start events doubled the work of the loop): a cell is counted as it
    # closes, still before its row is converted; what a cell holds (value, formula, inline
    # text) is kept until its row is read, everything else is emptied as it closes.
    row_cells = 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            tag = element.tag
            if tag == CELL_TAG:
                row_cells += 1
                if row_cells > MAX_ROW_CELLS:
                    raise WorkbookError(
                        _("A row of the sheet “%(sheet)s” has more than %(n)s cells.")
                        % {"sheet": sheet.title, "n": MAX_ROW_CELLS}
                    )
            elif tag == ROW_TAG:
                budget.add_row()
                budget.add_cells(row_cells)
                number, cells = reader.parse_row(element)
                element.clear()
                row_cells = 0
                yield number, {cell["column"]: cell["value"] for cell in cells if cell["value"] is not None}
            elif tag not in CELL_PARTS:
                element.clear()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_parser(target: str, name: str):
    """A function turning a cell of this column into a payload value; it raises
    ValueError with a message for the user. Made once per column, used for every row:
    by the column (coordinates), else by the field's choices, else by the field's kind."""
    if name in COLUMN_PARSERS:
        return COLUMN_PARSERS[name]
    field_ = declared_values.model_field(target, name)
    if field_.choices and name not in declared_values.RELATED:
        return _choice_parser(target, name)
    return KIND_PARSERS.get(field_.get_internal_type(), _parse_text)


def _choice_parser(target: str, name: str):
    """A choice is written as its Vietnamese label (the drop-down list) or its value."""
    accepted = {}
    for key, label in _choice_labels(target, name).items():
        accepted[key] = accepted[label] = key

    def parse_choice(value):
        if _blank(value):
            return None
        text = str(value).strip()
        if text not in accepted:
            raise ValueError(_("“%(value)s” is not in the list.") % {"value": text})
        return accepted[text]

    return parse_choice


def _parse_boolean(value):
    if _blank(value):
        return None
    text = str(value).strip().lower()
    if text in ("có", "co", "x", "1", "true", "yes"):
        return True
    if text in ("không", "khong", "0", "false", "no"):
        return False
    raise ValueError(_("Write “Có” or “Không”."))


def _parse_decimal(value):
    return None if _blank(value) else format(_number(value), "f")


def _parse_integer(value):
    if _blank(value):
        return None
    number = _number(value)
    if number != int(number):
        raise ValueError(_("Enter a whole number."))
    return int(number)


def _parse_text(value):
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value):
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(_("Enter a date as dd/mm/yyyy."))


# No figure of the inventory comes near it (10^18 VND); beyond it a number is a mistake,
# and a text such as 1e999999999 would take the memory of the server to write out.
NUMBER_BOUND = Decimal(10) ** 18
MIN_EXPONENT = -20  # decimal places


def _number(value, bound: Decimal = NUMBER_BOUND, out_of_range: str | None = None) -> Decimal:
    """The number in a cell, or ValueError: not a number, NaN or infinite (Excel files
    written by other programs may hold them), or out of any sensible range."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(" ", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise ValueError(_("Enter a number (not NaN or infinity)."))
    if number.copy_abs() >= bound:
        raise ValueError(out_of_range or _("The number is too large."))
    if number.as_tuple().exponent < MIN_EXPONENT:
        raise ValueError(_("The number has too many decimal places."))
    return number


def _vn2000_system(value):
    if _blank(value):
        return None
    srid = parse_srid(int(value) if isinstance(value, float) and value.is_integer() else value)
    if srid not in VN2000_SRIDS:
        raise ValueError(_("Enter 9208 (TM-3 104°45′) or 3405 (UTM 48N)."))
    return srid


def _metres(value):
    if _blank(value):
        return None
    return _number(value, Decimal(10**8), _("The number is too large."))


def _coordinate(bound: int):
    def parse(value):
        if _blank(value):
            return None
        message = _("Enter a value between -%(bound)s and %(bound)s.") % {"bound": bound}
        return _number(value, Decimal(bound).next_plus(), message)

    return parse


# How a column's cells are read: coordinates by their column, other fields by their kind
# (text when the kind is not listed).
COLUMN_PARSERS = {
    LATITUDE: _coordinate(90),
    LONGITUDE: _coordinate(180),
    VN_SYSTEM: _vn2000_system,
    VN_X: _metres,
    VN_Y: _metres,
}
KIND_PARSERS = {
    "BooleanField": _parse_boolean,
    "DecimalField": _parse_decimal,
    "PositiveIntegerField": _parse_integer,
    "PositiveSmallIntegerField": _parse_integer,
    "IntegerField": _parse_integer,
    "DateField": _parse_date,
}


def _read_sheet(workbook, target: str, budget: _Budget):
    """Yield (row number, cells, payload or None) for each non-empty row; header errors
    are raised as WorkbookError."""
    title = SHEETS[target]
    if title not in workbook.sheetnames:
        raise WorkbookError(_("The sheet “%(sheet)s” is missing: use the template.") % {"sheet": title})
    heading, rows = _heading(_sheet_rows(workbook, workbook[title], budget))
    names = _sheet_columns(target, title, heading)
    parsers = [(name, _cell_parser(target, name)) for name in names]
    positions = range(1, len(names) + 1)
    located = LATITUDE in names
    for number, values in rows:
        cells = tuple([values.get(col) for col in positions])
        if all(c is None or (c.__class__ is str and not c.strip()) for c in cells):
            continue
        payload, row_errors = {}, []
        for (name, parse), value in zip(parsers, cells, strict=True):
            if value is None:
                payload[name] = None
                continue
            try:
                payload[name] = parse(value)
            except ValueError as exc:
                row_errors.append(RowError(title, number, header(target, name), str(exc)))
        if located:  # a refused coordinate has no value: the row has its error
            error = _locate(target, payload)
            if error:
                row_errors.append(RowError(title, number, *error))
        yield number, cells, payload, row_errors


def _heading(rows):
    """The cells of the heading row (row 1; none if the sheet starts lower) and the rows after it."""
    first = next(rows, None)
    if first is None:
        return (), rows
    if first[0] == 1:
        return tuple(first[1].get(col) for col in range(1, max(first[1], default=0) + 1)), rows
    return (), itertools.chain([first], rows)  # no heading row: the headings are reported missing


def _sheet_columns(target: str, title: str, heading: tuple) -> list[str]:
    """The columns the headings name: the template's, or those of the template before the
    VN-2000 columns; other headings are a WorkbookError saying what differs."""
    found = [str(h).strip() if h is not None else "" for h in heading]
    while found and not found[-1]:
        found.pop()
    if found == [header(target, name) for name in columns(target, vn2000=False)]:
        return columns(target, vn2000=False)
    expected = [header(target, name) for name in columns(target)]
    if found != expected:
        raise WorkbookError(
            _("The headings of sheet “%(sheet)s” are not those of the template (%(detail)s).")
            % {"sheet": title, "detail": _heading_differences(expected, found)}
        )
    return columns(target)


def _heading_differences(expected: list[str], found: list[str]) -> str:
    missing = [h for h in expected if h not in found]
    unknown = [h for h in found if h and h not in expected]
    detail = []
    if missing:
        detail.append(_("missing: %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        detail.append(_("unknown: %(cols)s") % {"cols": ", ".join(unknown)})
    return "; ".join(detail or [_("columns out of order")])


def _locate(target: str, payload: dict) -> tuple[str, str] | None:
    """Replace the coordinate columns of a row's payload by its location: latitude and
    longitude, or X/Y off a land certificate, which win as on the form. Returns the
    (column heading, message) of a refused X/Y."""
    lat, lon = payload.pop(LATITUDE, None), payload.pop(LONGITUDE, None)
    payload["location"] = f"SRID=4326;POINT({lon} {lat})" if lat is not None and lon is not None else None
    system, x, y = payload.pop(VN_SYSTEM, None), payload.pop(VN_X, None), payload.pop(VN_Y, None)
    if x is None and y is None:
        return None
    payload["location"] = None
    try:
        if x is None or y is None:
            raise ValidationError(_("Type both X and Y, or neither."))
        point = vn2000_point(system or VN2000_TM3_NGHE_AN, x, y)
    except ValidationError as exc:
        keys = set(getattr(exc, "error_dict", ()))
        column = VN_Y if (x is not None and y is None) or keys == {"vn2000_y"} else VN_X
        return header(target, column), " ".join(exc.messages)
    payload["location"] = f"SRID=4326;POINT({point.x!r} {point.y!r})"
    return None


def _column_of(target: str, name: str) -> str:
    if name == "location":
        return f"{header(target, LATITUDE)}, {header(target, LONGITUDE)}"
    if name in declared_values.FIELDS[target]:
        return header(target, name)
    return "—"


@transaction.atomic
def import_workbook(actor, upload, keep_valid_rows: bool = False) -> ImportResult:
    """Read the template back into the open declaration of the user's agency."""
    if not can_declare(actor):
        raise PermissionDenied(_("Only commune declarants upload declarations."))
    workbook = _open(upload)
    check = _RowCheck(actor)
    sheets = _read_workbook(workbook)
    # Premises declared new in this file may hold assets of the same file.
    for target, rows in sheets.items():
        check.sheet(target, rows)
    result = check.result
    if result.errors and not keep_valid_rows:
        return result
    repeated = _already_declared(actor, check.new_rows, sheets, result)
    planned = [row for row in check.planned if id(row[1]) not in repeated]
    if planned:
        result.declaration_id = _write(actor, planned, result)
    result.written = True
    return result


def _read_workbook(workbook) -> dict[str, list]:
    """The rows of each sheet, read whole; the workbook is closed."""
    try:
        budget = _Budget()
        return {target: list(_read_sheet(workbook, target, budget)) for target in SHEETS}
    except WorkbookError:
        raise
    except Exception as exc:  # a part openpyxl cannot read (a damaged or hand-made file)
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from exc
    finally:
        workbook.close()


class _RowCheck:
    """The rows of an upload against the register: which change nothing, which break a
    rule (the result's errors and rejected rows), and which are planned for writing."""

    def __init__(self, actor):
        self.actor = actor
        self.result = ImportResult()
        self.default_agency = actor.agency or services.declarable_agencies(actor).first()
        self.lookups = declared_values.Lookups.for_user(actor, preload=True, memo={})
        self.own_agencies = {a.code for a in services.declarable_agencies(actor)}
        self.extent_cache = {}
        self.planned: list[tuple[str, dict, object]] = []  # (target, payload, record or None)
        self.new_rows: list[tuple[str, int, dict]] = []  # rows without code among the planned

    def sheet(self, target: str, rows: list) -> None:
        codes = [p.get("code") for _n, _c, p, _e in rows if p.get("code")]
        # The unit's own records as payloads, in one query and without model instances;
        # codes it does not hold are looked for among other units' records.
        existing = declared_values.payloads(declared_values.MODELS[target].objects.visible_to(self.actor), target)
        unknown = [c for c in codes if c not in existing]
        taken = services.codes_taken(target, unknown, services.open_declarations(self.actor))
        if target == ItemTarget.PREMISES:
            self._pending_premises(unknown, taken)
        # First pass: who declares for whom, and which rows declare nothing new.
        to_check = [row for row in rows if self._declares_something(target, row, existing, taken)]
        # Second pass: the rules, on the new rows and on changes to the records fetched now.
        self._check_rules(target, to_check, existing)

    def _pending_premises(self, unknown: list[str], taken: dict) -> None:
        """Premises the file or a declaration creates, which assets may name."""
        self.lookups.pending_premises.update({c: {} for c in unknown if c not in taken})
        self.lookups.pending_premises.update(
            dict(
                DeclarationItem.objects.visible_to(self.actor)
                .filter(target=ItemTarget.PREMISES, action=ItemAction.CREATE, premises__isnull=True)
                .values_list("code", "payload")
            )
        )

    def _declares_something(self, target: str, row, existing: dict, taken: dict) -> bool:
        """Check a row's code and agency; False (and counted unchanged) if it repeats its record."""
        number, _cells, payload, row_errors = row
        code = payload.get("code")
        if code in taken:
            row_errors.append(RowError(SHEETS[target], number, header(target, "code"), taken[code]))
        if not payload.get("agency") and self.default_agency is not None:
            payload["agency"] = self.default_agency.code
        if payload.get("agency") and payload["agency"] not in self.own_agencies:
            row_errors.append(
                RowError(
                    SHEETS[target],
                    number,
                    header(target, "agency"),
                    _("You may only declare for the agencies of your own unit."),
                )
            )
        if not row_errors and code in existing and declared_values.same(existing[code][1], payload, target):
            self.result.unchanged += 1
            return False
        return True

    def _check_rules(self, target: str, to_check: list, existing: dict) -> None:
        changed = [existing[p["code"]][0] for _n, _c, p, _e in to_check if p.get("code") in existing]
        model = declared_values.MODELS[target]
        records = {r.code: r for r in model.objects.filter(pk__in=changed).select_related(*_related(target))}
        for number, cells, payload, row_errors in to_check:
            record = records.get(payload.get("code"))
            if not row_errors:
                row_errors += _check_row(target, number, payload, record, self.lookups, self.extent_cache)
            if row_errors:
                self.result.errors += row_errors
                self.result.rejected_rows.setdefault(target, []).append((number, cells))
                continue
            self.planned.append((target, payload, record))
            if record is None and not payload.get("code"):
                self.new_rows.append((target, number, payload))


def _declared_key(target: str, payload: dict) -> tuple:
    """What a new record declares, codes aside, in a form where equal values compare
    equal (600 and "600.00", a location to about a centimetre); the name first."""
    return tuple(declared_values.normalised(target, name, payload.get(name)) for name in _key_fields(target))


def _key_fields(target: str) -> list[str]:
    """The declared fields but the code, the name (or the first field) first."""
    fields = [n for n in declared_values.FIELDS[target] if n != "code"]
    fields.sort(key=lambda n: n != "name")
    return fields


def _already_declared(actor, new_rows, sheets, result: ImportResult) -> set[int]:
    """The new rows (without code) that repeat a new record already declared, so that
    uploading the same file twice does not declare its new records twice. A row matches
    a declared new record of the user's unit with the same values whose code the file
    does not hold (a record the file lists by its code is that row, not this one); each
    declared record answers for one row, so ten identical computers declared once and
    uploaded again are ten repeats, and an eleventh row is new. Returns id()s of the
    repeated payloads and lists them in the result."""
    if not new_rows:
        return set()
    file_codes = {p["code"] for rows in sheets.values() for _n, _c, p, _e in rows if p.get("code")}
    declared: dict[tuple, list[tuple[str, int]]] = {}
    items = (
        DeclarationItem.objects.visible_to(actor)
        .filter(action=ItemAction.CREATE, target__in={target for target, _n, _p in new_rows})
        .exclude(code__in=file_codes)
        .order_by("code")
        .values_list("target", "code", "declaration_id", "payload")
    )
    for target, code, declaration_id, payload in items:
        declared.setdefault((target, _declared_key(target, payload)), []).append((code, declaration_id))
    repeated = set()
    # A row's whole key is worked out only when a declared record has its name (one field
    # instead of every field for each of thousands of rows).
    names = {(target, key[0]) for target, key in declared}
    for target, number, payload in new_rows:
        first = _key_fields(target)[0]
        if (target, declared_values.normalised(target, first, payload.get(first))) not in names:
            continue
        matches = declared.get((target, _declared_key(target, payload)))
        if matches:
            code, declaration_id = matches.pop(0)
            repeated.add(id(payload))
            result.already_declared.append((SHEETS[target], number, code, declaration_id))
    return repeated


def already_declared_message(result: ImportResult, shown: int = 20) -> str:
    """For the user: which rows were already declared and were not added again."""
    rows = [
        _("sheet “%(sheet)s” row %(row)s (%(code)s, declaration no. %(pk)s)")
        % {"sheet": sheet, "row": row, "code": code, "pk": pk}
        for sheet, row, code, pk in result.already_declared
    ]
    more = len(rows) - shown
    text = _(
        "%(n)s new rows were already declared and were not added again: %(rows)s. "
        "To declare another identical item, make its row differ (for example in its notes)."
    ) % {
        "n": len(rows),
        "rows": "; ".join(rows[:shown]) + (_(" and %(more)s more") % {"more": more} if more > 0 else ""),
    }
    return text


def _check_row(target, number, payload, record, lookups, extent_cache) -> list[RowError]:
    try:
        instance = declared_values.build(
            target, {k: v for k, v in payload.items() if k != "code" or v}, base=record, lookups=lookups
        )
        if not instance.code:
            instance.code = "-"  # a code is given when the row is written
        if "extent" not in extent_cache:
            province = declared_values.AdministrativeUnit.objects.filter(
                level="province", code=getattr(settings, "PROVINCE_CODE", "40")
            ).first()
            extent_cache["province"] = province
            extent_cache["extent"] = declared_values.province_extent(province) if province else None
        declared_values.validate(
            instance, target, province=extent_cache["province"], extent=extent_cache["extent"], memo=lookups.memo
        )
    except ValidationError as exc:
        return [
            RowError(SHEETS[target], number, _column_of(target, name), " ".join(messages))
            for name, messages in exc.message_dict.items()
        ]
    return []


def _write(actor, planned, result: ImportResult) -> int:
    """Put the planned rows into the open declaration(s), in bulk."""
    declarations = {}
    agencies = {a.code: a for a in services.declarable_agencies(actor)}
    existing_items = {}
    to_create, to_update = [], []
    waiting = dict(
        DeclarationItem.objects.filter(
            status=ItemStatus.PENDING, code__in=[payload["code"] for _t, payload, record in planned if record]
        ).values_list("code", "declaration_id")
    )
    _give_codes(planned, agencies)
    for target, payload, record in planned:
        agency = agencies[payload["agency"]]
        declaration = declarations.get(agency.pk)
        if declaration is None:
            declaration = declarations[agency.pk] = services.open_declaration(actor, agency)
            open_items = declaration.items.filter(status__in=services.OPEN_ITEM_STATUSES)
            existing_items.update({(declaration.pk, i.target, i.code): i for i in open_items})
        code = payload["code"]
        if record is not None and waiting.get(code) not in (None, declaration.pk):
            raise ValidationError(
                _("%(code)s is awaiting review in declaration no. %(pk)s; change it after the review.")
                % {"code": code, "pk": waiting[code]}
            )
        item = existing_items.get((declaration.pk, target, code))
        if item is not None:
            item.payload, item.status = payload, ItemStatus.DRAFT
            item.base_version = record.version if record is not None else None
            to_update.append(item)
        else:
            if record is None:
                payload = {k: v for k, v in payload.items() if v is not None}  # a new record: empty is the default
            to_create.append(
                {
                    "declaration_id": declaration.pk,
                    "target": target,
                    "code": code,
                    "payload": payload,
                    "action": ItemAction.UPDATE if record is not None else ItemAction.CREATE,
                    "base_version": record.version if record is not None else None,
                    f"{target}_id": record.pk if record is not None else None,
                }
            )
        if record is None:
            result.created += 1
        else:
            result.changed += 1
    copy_records(DeclarationItem, to_create)
    if to_update:
        fresh_plans()
    DeclarationItem.objects.bulk_update(to_update, ["payload", "status", "base_version"], batch_size=2000)
    return next(iter(declarations.values())).pk


def _give_codes(planned, agencies: dict) -> None:
    """Codes for new rows written without one, in bulk per record type and agency."""
    uncoded: dict[tuple[str, str], list[dict]] = {}
    for target, payload, _record in planned:
        if not payload.get("code"):
            uncoded.setdefault((target, payload["agency"]), []).append(payload)
    for (target, agency_code), payloads in uncoded.items():
        for payload, code in zip(
            payloads, services.new_codes(target, agencies[agency_code], len(payloads)), strict=True
        ):
            payload["code"] = code


def rejected_workbook(result: ImportResult) -> bytes:
    """The rejected rows, as they were, with the reason beside each row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    reasons: dict[tuple[str, int], list[str]] = {}
    for error in result.errors:
        reasons.setdefault((error.sheet, error.row), []).append(f"{error.column}: {error.message}")
    for target, rows in result.rejected_rows.items():
        title = SHEETS[target]
        sheet = workbook.create_sheet(title)
        spreadsheets.append(
            sheet, [*(header(target, n) for n in columns(target)), _("Row in the uploaded file"), _("Errors")]
        )
        for number, cells in rows:
            spreadsheets.append(sheet, [*cells, number, "; ".join(reasons.get((title, number), []))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
