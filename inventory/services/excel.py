"""Excel bulk declarations: the template a declarant downloads (pre-filled with the
unit's records, Vietnamese headers, drop-down lists) and the upload of that workbook
into the open declaration. Codes identify records: an unchanged file changes nothing
and a changed row changes exactly that record. A file with errors writes nothing
unless the user keeps the valid rows, and then the rejected rows are returned whole."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from inventory.bulk import copy_records
from inventory.choices import ItemAction, ItemStatus, ItemTarget
from inventory.models import AssetClass, DeclarationItem
from inventory.services import declarations as services
from inventory.services import payload as P

# Sheets of the template, and which record type each holds.
SHEETS = {ItemTarget.PREMISES: "Cơ sở nhà, đất", ItemTarget.ASSET: "Tài sản"}
LATITUDE, LONGITUDE = "latitude", "longitude"
XLSX_MAGIC = b"PK\x03\x04"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
YES, NO = "Có", "Không"


def max_upload_bytes() -> int:
    return getattr(settings, "WORKBOOK_MAX_BYTES", 10 * 1024 * 1024)


def columns(target: str) -> list[str]:
    """Field names in column order; a location is two columns, latitude then longitude."""
    names = []
    for name in P.FIELDS[target]:
        if name == "location":
            names += [LATITUDE, LONGITUDE]
        else:
            names.append(name)
    return names


def header(target: str, name: str) -> str:
    """The Vietnamese column heading of a field (headings do not follow the UI language,
    so a workbook reads back whoever downloaded it)."""
    with translation.override("vi"):
        if name == LATITUDE:
            return str(_("Latitude (vĩ độ)"))
        if name == LONGITUDE:
            return str(_("Longitude (kinh độ)"))
        return str(P.model_field(target, name).verbose_name).capitalize()


def _choice_labels(target: str, name: str) -> dict[str, str]:
    field_ = P.model_field(target, name)
    with translation.override("vi"):
        return {value: str(label) for value, label in field_.flatchoices}


# -- template ---------------------------------------------------------------------------


def template(user) -> bytes:
    """The workbook a declarant fills: one sheet per record type, pre-filled with the
    records of the user's unit, lists to pick enumerations from."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = workbook.create_sheet("Danh mục")
    list_columns: dict[str, str] = {}

    def list_range(key: str, values: list[str]) -> str:
        if key not in list_columns:
            col = get_column_letter(len(list_columns) + 1)
            lists[f"{col}1"] = key
            for row, value in enumerate(values, start=2):
                lists[f"{col}{row}"] = value
            list_columns[key] = f"'Danh mục'!${col}$2:${col}${max(2, len(values) + 1)}"
        return list_columns[key]

    agencies = [a.code for a in services.declarable_agencies(user)]
    classes = list(AssetClass.objects.filter(is_active=True).values_list("code", flat=True))
    for target, title in SHEETS.items():
        sheet = workbook.create_sheet(title)
        names = columns(target)
        for col, name in enumerate(names, start=1):
            cell = sheet.cell(row=1, column=col, value=header(target, name))
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(col)].width = 18
        sheet.freeze_panes = "B2"
        records = P.MODELS[target].objects.visible_to(user).order_by("code")
        for row, record in enumerate(records.select_related(*_related(target)), start=2):
            data = P.to_payload(record, target)
            for col, name in enumerate(names, start=1):
                sheet.cell(row=row, column=col, value=_cell_value(target, name, data))
        last = 5000
        for col, name in enumerate(names, start=1):
            values = None
            if name in P.RELATED:
                values = {"agency": agencies, "asset_class": classes}.get(name)
            elif name not in (LATITUDE, LONGITUDE) and P.model_field(target, name).choices:
                values = list(_choice_labels(target, name).values())
            elif (
                name not in (LATITUDE, LONGITUDE) and P.model_field(target, name).get_internal_type() == "BooleanField"
            ):
                values = [YES, NO]
            if values:
                validation = DataValidation(
                    type="list", formula1=list_range(f"{target}.{name}", values), allow_blank=True
                )
                validation.error = _("Pick a value from the list.")
                validation.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
                sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _related(target: str) -> list[str]:
    return [n for n in P.FIELDS[target] if n in P.RELATED]


def _cell_value(target: str, name: str, data: dict):
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
    field_ = P.model_field(target, name)
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
    written: bool = False
    declaration_id: int | None = None

    @property
    def rejected_count(self) -> int:
        return sum(len(rows) for rows in self.rejected_rows.values())


class WorkbookError(ValueError):
    """The file cannot be read as the template: nothing was written."""


def _open(upload) -> Workbook:
    if upload.size > max_upload_bytes():
        raise WorkbookError(_("The file is larger than %(mb)s MB.") % {"mb": max_upload_bytes() // (1024 * 1024)})
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_MAGIC:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from exc


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_parser(target: str, name: str):
    """A function turning a cell of this column into a payload value; it raises
    ValueError with a message for the user. Made once per column, used for every row."""
    if name in (LATITUDE, LONGITUDE):
        return lambda value: None if _blank(value) else _number(value)
    field_ = P.model_field(target, name)
    kind = field_.get_internal_type()
    if field_.choices and name not in P.RELATED:
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
    if kind == "BooleanField":

        def parse_boolean(value):
            if _blank(value):
                return None
            text = str(value).strip().lower()
            if text in ("có", "co", "x", "1", "true", "yes"):
                return True
            if text in ("không", "khong", "0", "false", "no"):
                return False
            raise ValueError(_("Write “Có” or “Không”."))

        return parse_boolean
    if kind == "DecimalField":
        return lambda value: None if _blank(value) else format(_number(value), "f")
    if kind in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):

        def parse_integer(value):
            if _blank(value):
                return None
            number = _number(value)
            if number != int(number):
                raise ValueError(_("Enter a whole number."))
            return int(number)

        return parse_integer
    if kind == "DateField":
        return _parse_date

    def parse_text(value):
        if _blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    return parse_text


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


def _number(value):
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number.")) from exc


def _read_sheet(workbook, target: str):
    """Yield (row number, cells, payload or None) for each non-empty row; header errors
    are raised as WorkbookError."""
    title = SHEETS[target]
    if title not in workbook.sheetnames:
        raise WorkbookError(_("The sheet “%(sheet)s” is missing: use the template.") % {"sheet": title})
    sheet = workbook[title]
    rows = sheet.iter_rows(values_only=True)
    heading = next(rows, None) or ()
    expected = [header(target, name) for name in columns(target)]
    found = [str(h).strip() if h is not None else "" for h in heading]
    while found and not found[-1]:
        found.pop()
    if found != expected:
        missing = [h for h in expected if h not in found]
        unknown = [h for h in found if h and h not in expected]
        detail = []
        if missing:
            detail.append(_("missing: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            detail.append(_("unknown: %(cols)s") % {"cols": ", ".join(unknown)})
        if not detail:
            detail.append(_("columns out of order"))
        raise WorkbookError(
            _("The headings of sheet “%(sheet)s” are not those of the template (%(detail)s).")
            % {"sheet": title, "detail": "; ".join(detail)}
        )
    names = columns(target)
    parsers = [(name, _cell_parser(target, name)) for name in names]
    width = len(names)
    padding = (None,) * width
    for number, cells in enumerate(rows, start=2):
        if len(cells) != width:
            cells = (*cells[:width], *padding[: width - len(cells)])
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
        if LATITUDE in payload:
            lat, lon = payload.pop(LATITUDE), payload.pop(LONGITUDE)
            payload["location"] = f"SRID=4326;POINT({lon} {lat})" if lat is not None and lon is not None else None
        yield number, cells, payload, row_errors


def _column_of(target: str, name: str) -> str:
    if name == "location":
        return f"{header(target, LATITUDE)}, {header(target, LONGITUDE)}"
    if name in P.FIELDS[target]:
        return header(target, name)
    return "—"


@transaction.atomic
def import_workbook(actor, upload, keep_valid_rows: bool = False) -> ImportResult:
    """Read the template back into the open declaration of the user's agency."""
    if not services.can_declare(actor):
        raise PermissionDenied(_("Only commune declarants upload declarations."))
    workbook = _open(upload)
    result = ImportResult()
    default_agency = actor.agency or services.declarable_agencies(actor).first()
    lookups = P.Lookups(unit_id=actor.admin_unit_id, preload=True, memo={})
    own_agencies = {a.code for a in services.declarable_agencies(actor)}
    extent_cache = {}
    planned: list[tuple[str, dict, object]] = []  # (target, payload, record or None)
    try:
        sheets = {target: list(_read_sheet(workbook, target)) for target in SHEETS}
    finally:
        workbook.close()

    # Premises declared new in this file may hold assets of the same file.
    for target, rows in sheets.items():
        model = P.MODELS[target]
        codes = [p.get("code") for _n, _c, p, _e in rows if p.get("code")]
        # The unit's own records as payloads, in one query and without model instances;
        # codes it does not hold are looked for among other units' records.
        existing = P.payloads(model.objects.visible_to(actor), target)
        unknown = [c for c in codes if c not in existing]
        open_declarations = services.open_declarations(actor)
        taken = services.codes_taken(target, unknown, open_declarations)
        if target == ItemTarget.PREMISES:
            lookups.pending_premises.update({c: {} for c in unknown if c not in taken})
            lookups.pending_premises.update(
                dict(
                    DeclarationItem.objects.visible_to(actor)
                    .filter(target=ItemTarget.PREMISES, action=ItemAction.CREATE, premises__isnull=True)
                    .values_list("code", "payload")
                )
            )
        # First pass: who declares for whom, and which rows declare nothing new.
        to_check = []
        for number, cells, payload, row_errors in rows:
            code = payload.get("code")
            if code in taken:
                row_errors.append(RowError(SHEETS[target], number, header(target, "code"), taken[code]))
            if not payload.get("agency") and default_agency is not None:
                payload["agency"] = default_agency.code
            if payload.get("agency") and payload["agency"] not in own_agencies:
                row_errors.append(
                    RowError(
                        SHEETS[target],
                        number,
                        header(target, "agency"),
                        _("You may only declare for the agencies of your own unit."),
                    )
                )
            if not row_errors and code in existing and P.same(existing[code][1], payload, target):
                result.unchanged += 1
                continue
            to_check.append((number, cells, payload, row_errors))
        # Second pass: the rules, on the new rows and on changes to the records fetched now.
        changed = [existing[p["code"]][0] for _n, _c, p, _e in to_check if p.get("code") in existing]
        records = {r.code: r for r in model.objects.filter(pk__in=changed).select_related(*_related(target))}
        for number, cells, payload, row_errors in to_check:
            record = records.get(payload.get("code"))
            if not row_errors:
                row_errors += _check_row(target, number, payload, record, lookups, extent_cache)
            if row_errors:
                result.errors += row_errors
                result.rejected_rows.setdefault(target, []).append((number, cells))
                continue
            planned.append((target, payload, record))

    if result.errors and not keep_valid_rows:
        return result
    if planned:
        result.declaration_id = _write(actor, planned, result)
    result.written = True
    return result


def _check_row(target, number, payload, record, lookups, extent_cache) -> list[RowError]:
    try:
        instance = P.build(target, {k: v for k, v in payload.items() if k != "code" or v}, base=record, lookups=lookups)
        if not instance.code:
            instance.code = "-"  # a code is given when the row is written
        if "extent" not in extent_cache:
            province = P.AdministrativeUnit.objects.filter(
                level="province", code=getattr(settings, "PROVINCE_CODE", "40")
            ).first()
            extent_cache["province"] = province
            extent_cache["extent"] = P.province_extent(province) if province else None
        P.validate(
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
    # Codes for new rows written without one, in bulk per record type and agency.
    uncoded: dict[tuple[str, str], list[dict]] = {}
    for target, payload, _record in planned:
        if not payload.get("code"):
            uncoded.setdefault((target, payload["agency"]), []).append(payload)
    for (target, agency_code), payloads in uncoded.items():
        for payload, code in zip(
            payloads, services.new_codes(target, agencies[agency_code], len(payloads)), strict=True
        ):
            payload["code"] = code
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
    DeclarationItem.objects.bulk_update(to_update, ["payload", "status", "base_version"], batch_size=2000)
    return next(iter(declarations.values())).pk


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
        sheet.append([*(header(target, n) for n in columns(target)), _("Row in the uploaded file"), _("Errors")])
        for number, cells in rows:
            sheet.append([*cells, number, "; ".join(reasons.get((title, number), []))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
