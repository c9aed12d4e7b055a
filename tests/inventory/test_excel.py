"""Excel bulk declarations: template round trip, edits, and malformed workbooks."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inventory.models import Asset, DeclarationItem, Premises
from inventory.services import excel

pytestmark = pytest.mark.django_db


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level messages are checked in English here; pages are checked in Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def upload(content: bytes, name="ke-khai.xlsx"):
    return SimpleUploadedFile(name, content)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_book(user):
    return load_workbook(io.BytesIO(excel.template(user)))


def column(sheet, heading: str) -> int:
    for cell in sheet[1]:
        if cell.value == heading:
            return cell.column
    raise KeyError(heading)


def test_template_has_vietnamese_headers_lists_and_the_units_records(declarant):
    book = template_book(declarant)
    assert {"Cơ sở nhà, đất", "Tài sản"} <= set(book.sheetnames)
    premises_sheet, asset_sheet = book["Cơ sở nhà, đất"], book["Tài sản"]
    assert premises_sheet.cell(1, 1).value == "Mã"
    assert "Vĩ độ" in " ".join(str(c.value) for c in premises_sheet[1])  # headings stay Vietnamese
    codes = {row[0] for row in premises_sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == set(Premises.objects.visible_to(declarant).values_list("code", flat=True))
    assert len(list(asset_sheet.iter_rows(min_row=2))) == Asset.objects.visible_to(declarant).count()
    validations = premises_sheet.data_validations.dataValidation
    assert validations and all(v.type == "list" for v in validations)


def test_unchanged_upload_changes_nothing(declarant):
    before = DeclarationItem.objects.count()
    result = excel.import_workbook(declarant, upload(excel.template(declarant)))
    assert result.errors == []
    assert (result.created, result.changed) == (0, 0)
    assert (
        result.unchanged == Premises.objects.visible_to(declarant).count() + Asset.objects.visible_to(declarant).count()
    )
    assert DeclarationItem.objects.count() == before


def test_one_edited_cell_is_one_change(declarant):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    col = column(sheet, "Tên")  # (the quantity of a fixed asset stays 1: its name is edited)
    code = sheet.cell(2, 1).value
    old = sheet.cell(2, col).value
    sheet.cell(2, col).value = old + " (phòng họp)"
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert result.errors == [] and (result.created, result.changed) == (0, 1)
    item = DeclarationItem.objects.get(code=code)
    assert item.action == "update" and item.payload["name"] == old + " (phòng họp)"
    assert Asset.objects.get(code=code).name == old  # not in effect before submission
    # Uploading the same edited file again changes nothing more.
    again = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert again.changed == 1 and DeclarationItem.objects.filter(code=code).count() == 1


def test_a_new_row_without_code_declares_a_new_record(declarant):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    premises_code = Premises.objects.visible_to(declarant).first().code
    values = {
        "Tên": "Máy chiếu phòng họp",
        "Loại tài sản": "MMTB-VP",
        "Cơ sở nhà, đất": premises_code,
        "Số lượng": 2,
        "Đơn vị tính": "chiếc",
        "Nguyên giá (đồng)": 30_000_000,
        "Tình trạng": "Tốt",
        "Trạng thái": "Đang sử dụng",
    }
    row = sheet.max_row + 1
    for heading, value in values.items():
        sheet.cell(row, column(sheet, heading)).value = value
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.created == 1
    item = DeclarationItem.objects.get(action="create", payload__name="Máy chiếu phòng họp")
    assert item.code.startswith("TSAN-") and item.payload["agency"] == declarant.agency.code


def test_text_in_a_number_cell_names_sheet_row_and_column_and_writes_nothing(declarant):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    sheet.cell(3, column(sheet, "Nguyên giá (đồng)")).value = "hai triệu"
    sheet.cell(2, column(sheet, "Số lượng")).value = 99  # a valid change in the same file
    before = DeclarationItem.objects.count()
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert not result.written and DeclarationItem.objects.count() == before
    assert [str(e) for e in result.errors] == ["Sheet “Tài sản”, row 3, column “Nguyên giá (đồng)”: Enter a number."]


def test_rule_errors_name_the_column_and_valid_rows_can_be_kept(declarant, client_as):
    book = template_book(declarant)
    sheet = book["Cơ sở nhà, đất"]
    sheet.cell(2, column(sheet, "Tổng diện tích sàn (m²)")).value = 999_999  # > footprint × floors
    assets = book["Tài sản"]
    assets.cell(2, column(assets, "Số lượng")).value = 77
    client = client_as("demo-commune")
    response = client.post(reverse("inventory:excel_upload"), {"file": upload(workbook_bytes(book))})
    result = response.context["result"]
    assert not result.written and len(result.errors) == 1
    assert "row 2" in str(result.errors[0]) or "dòng 2" in str(result.errors[0])
    assert "Tổng diện tích sàn" in str(result.errors[0])
    assert not DeclarationItem.objects.filter(payload__quantity=77).exists()

    response = client.post(
        reverse("inventory:excel_upload"), {"file": upload(workbook_bytes(book)), "keep_valid_rows": "on"}
    )
    result = response.context["result"]
    assert result.written and result.changed == 1 and result.rejected_count == 1
    assert DeclarationItem.objects.filter(payload__quantity=77).exists()
    token = response.context["rejected_token"]
    rejected = client.get(reverse("inventory:excel_rejected", args=[token]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(rejected.streaming_content)))["Cơ sở nhà, đất"].iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][-2] == 2 and "Tổng diện tích sàn" in rows[1][-1]


def test_wrong_sheets_are_refused(declarant):
    book = template_book(declarant)
    book["Tài sản"].title = "Sheet2"
    with pytest.raises(excel.WorkbookError, match="Tài sản"):
        excel.import_workbook(declarant, upload(workbook_bytes(book)))


def test_wrong_headers_are_refused(declarant):
    book = template_book(declarant)
    book["Cơ sở nhà, đất"].cell(1, 2).value = "Tên gọi khác"
    with pytest.raises(excel.WorkbookError, match=r"missing: Tên.*unknown: Tên gọi khác"):
        excel.import_workbook(declarant, upload(workbook_bytes(book)))


def test_a_workbook_over_the_limit_is_refused(declarant):
    content = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(excel.WorkbookError, match="10 MB"):
        excel.import_workbook(declarant, upload(content))


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04 but a broken zip"])
def test_a_file_that_is_not_a_workbook_is_refused(declarant, client_as, content):
    before = DeclarationItem.objects.count()
    response = client_as("demo-commune").post(reverse("inventory:excel_upload"), {"file": upload(content)})
    assert response.status_code == 200
    assert "không phải" in " ".join(response.context["form"].errors["file"])  # Vietnamese by default
    assert DeclarationItem.objects.count() == before


def test_another_units_code_is_refused(declarant):
    book = template_book(declarant)
    sheet = book["Cơ sở nhà, đất"]
    other = Premises.objects.exclude(agency__admin_unit=declarant.admin_unit).first()
    sheet.cell(2, 1).value = other.code
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert not result.written
    assert any("exists already" in str(e) for e in result.errors)


# -- hostile workbooks: bombs, impossible numbers -------------------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rebuilt(content: bytes, replace: dict[str, object]) -> bytes:
    """The workbook with some parts replaced: bytes, or a function writing the part
    into an open zip member (so a bomb is streamed, never held in memory here)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [i.filename for i in source.infolist()]
        for name in names + [n for n in replace if n not in names]:
            part = replace.get(name)
            if callable(part):
                with target.open(name, "w", force_zip64=True) as member:
                    part(member)
            else:
                target.writestr(name, part if part is not None else source.read(name))
    return out.getvalue()


def premises_sheet_part(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    index = book.sheetnames.index("Cơ sở nhà, đất") + 1
    return f"xl/worksheets/sheet{index}.xml"


def refused_within(declarant, content: bytes, match: str, seconds: float = 5, megabytes: float = 40):
    """The upload is refused with a message matching `match`, within a time and a peak of
    Python memory (openpyxl's XML parsing allocates through Python's allocator)."""
    before = DeclarationItem.objects.count()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(excel.WorkbookError, match=match):
            excel.import_workbook(declarant, upload(content))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, elapsed
    assert peak < megabytes * 1024 * 1024, peak
    assert DeclarationItem.objects.count() == before


def test_a_sheet_of_millions_of_empty_cells_is_refused_at_once(declarant):
    def bomb(member):
        member.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
        row = b"<row>" + b"<c/>" * 1000 + b"</row>"
        for _ in range(5000):  # 5 million cells, 20 MB of XML, a few kB zipped
            member.write(row)
        member.write(b"</sheetData></worksheet>")

    content = excel.template(declarant)
    content = rebuilt(content, {premises_sheet_part(content): bomb})
    assert len(content) < 200_000
    refused_within(declarant, content, "zip bomb")


def test_a_shared_strings_bomb_is_refused_at_once(declarant):
    def bomb(member):
        member.write(f'<sst xmlns="{SHEET_NS}">'.encode())
        for _ in range(600):  # 600,000 texts, openpyxl would read them for a minute
            member.write(b"<si><t>x</t></si>" * 1000)
        member.write(b"</sst>")

    content = rebuilt(excel.template(declarant), {"xl/sharedStrings.xml": bomb})
    refused_within(declarant, content, "zip bomb")


def test_cells_beyond_the_limit_are_refused_while_reading(declarant, settings):
    """A sheet that passes the zip checks but holds more cells than allowed stops being
    read at the limit (a running count, whatever the sheet declares)."""
    settings.WORKBOOK_MAX_CELLS = 2_000
    content = excel.template(declarant)
    part = premises_sheet_part(content)
    original = zipfile.ZipFile(io.BytesIO(content)).read(part).decode()
    heading_end = original.index("</row>") + len("</row>")
    many = "".join(f'<row r="{r}">' + "<c/>" * 50 + "</row>" for r in range(2, 100))
    xml = original[:heading_end] + many + original[original.index("</sheetData>") :]
    xml = re.sub(r'<dimension ref="[^"]*" ?/>', "", xml)  # nothing declared
    refused_within(declarant, rebuilt(content, {part: xml.encode()}), "more than 2000 cells")


def test_a_sheet_declaring_more_rows_than_allowed_is_refused_before_reading(declarant, settings):
    settings.WORKBOOK_MAX_ROWS = 1000
    content = excel.template(declarant)
    part = premises_sheet_part(content)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode()
    xml = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:AZ100000"/>', xml)
    refused_within(declarant, rebuilt(content, {part: xml.encode()}), "100000 rows")


def test_a_workbook_declaring_entities_is_refused(declarant):
    content = excel.template(declarant)
    part = premises_sheet_part(content)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode()
    xml = xml.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1)
    refused_within(declarant, rebuilt(content, {part: xml.encode()}), "entities")


@pytest.mark.parametrize(
    "column, raw, message",
    [
        ("Nguyên giá (đồng)", "NaN", "not NaN or infinity"),
        ("Nguyên giá (đồng)", "Infinity", "not NaN or infinity"),
        ("Nguyên giá (đồng)", "1e400", "not NaN or infinity"),  # a float overflowing to inf
        ("Nguyên giá (đồng)", "1E+300", "too large"),
        ("Số lượng", "-inf", "not NaN or infinity"),
        ("Số lượng", "9E+99", "too large"),
    ],
)
def test_impossible_numbers_in_number_cells_are_row_errors(declarant, column, raw, message):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    sheet.cell(3, column_of(sheet, column)).value = 987654321  # a marker to replace
    content = workbook_bytes(book)
    part = asset_sheet_part(content)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode()
    assert xml.count("<v>987654321</v>") == 1
    xml = xml.replace("<v>987654321</v>", f"<v>{raw}</v>")
    result = excel.import_workbook(declarant, upload(rebuilt(content, {part: xml.encode()})))
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, column)], [str(e) for e in result.errors]
    assert message in result.errors[0].message


@pytest.mark.parametrize(
    "text, message",
    [
        ("NaN", "not NaN or infinity"),
        ("-Infinity", "not NaN or infinity"),
        ("1e999999999", "too large"),
        ("1e-999999999", "too many decimal places"),
    ],
)
def test_impossible_numbers_typed_as_text_are_row_errors(declarant, text, message):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    sheet.cell(2, column(sheet, "Nguyên giá (đồng)")).value = text
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert not result.written and [e.row for e in result.errors] == [2], [str(e) for e in result.errors]
    assert message in result.errors[0].message


def test_a_huge_latitude_is_a_row_error(declarant):
    book = template_book(declarant)
    sheet = book["Cơ sở nhà, đất"]
    sheet.cell(2, lat_column(sheet)).value = 1e300
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert not result.written and [e.row for e in result.errors] == [2], [str(e) for e in result.errors]
    assert "between -90 and 90" in result.errors[0].message


def column_of(sheet, heading):
    return column(sheet, heading)


def lat_column(sheet) -> int:
    return next(c.column for c in sheet[1] if "Vĩ độ" in str(c.value))


def asset_sheet_part(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return f"xl/worksheets/sheet{book.sheetnames.index('Tài sản') + 1}.xml"


# -- the same file twice ---------------------------------------------------------------


def with_new_rows(declarant, names):
    book = template_book(declarant)
    sheet = book["Tài sản"]
    premises_code = Premises.objects.visible_to(declarant).order_by("code").first().code
    for name in names:
        row = sheet.max_row + 1
        for heading, value in {
            "Tên": name,
            "Loại tài sản": "MMTB-VP",
            "Cơ sở nhà, đất": premises_code,
            "Số lượng": 1,
            "Đơn vị tính": "chiếc",
            "Nguyên giá (đồng)": 12_000_000,
            "Tình trạng": "Tốt",
            "Trạng thái": "Đang sử dụng",
        }.items():
            sheet.cell(row, column(sheet, heading)).value = value
    return workbook_bytes(book)


def test_uploading_the_same_file_twice_declares_its_new_rows_once(declarant, client_as):
    content = with_new_rows(declarant, ["Máy in A3", "Máy in A3", "Máy hủy giấy"])  # two identical printers
    first = excel.import_workbook(declarant, upload(content))
    assert first.errors == [] and first.created == 3
    items = DeclarationItem.objects.filter(action="create", payload__name__in=["Máy in A3", "Máy hủy giấy"])
    codes = set(items.values_list("code", flat=True))
    assert len(codes) == 3

    response = client_as("demo-commune").post(reverse("inventory:excel_upload"), {"file": upload(content)})
    second = response.context["result"]
    assert second.created == 0 and len(second.already_declared) == 3
    assert {code for _s, _r, code, _d in second.already_declared} == codes
    assert set(items.values_list("code", flat=True)) == codes and items.count() == 3  # nothing added twice
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "đã được kê khai" in shown and all(code in shown for code in codes)  # Vietnamese by default


def test_a_reupload_with_one_more_row_adds_only_that_row(declarant):
    excel.import_workbook(declarant, upload(with_new_rows(declarant, ["Máy in A3"])))
    again = excel.import_workbook(declarant, upload(with_new_rows(declarant, ["Máy in A3", "Máy in A3"])))
    assert again.created == 1 and len(again.already_declared) == 1
    assert DeclarationItem.objects.filter(action="create", payload__name="Máy in A3").count() == 2
