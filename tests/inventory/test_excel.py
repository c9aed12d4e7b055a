"""Excel bulk declarations: template round trip, edits, and malformed workbooks."""

import io

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
    col = column(sheet, "Số lượng")
    code = sheet.cell(2, 1).value
    old = sheet.cell(2, col).value
    sheet.cell(2, col).value = old + 3
    result = excel.import_workbook(declarant, upload(workbook_bytes(book)))
    assert result.errors == [] and (result.created, result.changed) == (0, 1)
    item = DeclarationItem.objects.get(code=code)
    assert item.action == "update" and item.payload["quantity"] == old + 3
    assert Asset.objects.get(code=code).quantity == old  # not in effect before submission
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
