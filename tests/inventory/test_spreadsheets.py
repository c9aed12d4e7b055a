"""Nothing live lands in other people's spreadsheets: a name that looks like a formula is
written as text in every .xlsx and .csv the system produces, reads back exactly as
typed, and a workbook of the template round-trips it."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import DecimalField
from django.db.models.functions import Cast
from django.urls import reverse
from openpyxl import load_workbook

from inventory.models import Asset, AssetClass, DeclarationItem, HandlingForm, HandlingRecord, Premises
from inventory.services import excel

pytestmark = pytest.mark.django_db

# Names users may type; the first would be a live link in Excel, the others formulas
# once a spreadsheet program reads the CSV.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(1)", "\t=1+1", "\uff1d1+1"]
FORM = '=HYPERLINK("http://x","form")'  # forms of handling are renamed to this
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.fixture
def hostile(demo_user):
    """The demo commune's first premises and assets, asset classes and a form of
    handling renamed to hostile text; one land area negative (a number, not a formula)."""
    user = demo_user("demo-commune")
    premises = list(Premises.objects.visible_to(user).order_by("code")[: len(HOSTILE)])
    assets = list(Asset.objects.visible_to(user).order_by("code")[: len(HOSTILE)])
    assert len(premises) == len(assets) == len(HOSTILE)
    for name, p, a in zip(HOSTILE, premises, assets, strict=True):
        Premises.objects.filter(pk=p.pk).update(name=name)
        Asset.objects.filter(pk=a.pk).update(name=name)
    Premises.objects.filter(pk=premises[0].pk).update(land_area=-5)
    classes = list(AssetClass.objects.filter(pk__in={a.asset_class_id for a in assets}).order_by("pk"))
    class_names = {}
    for i, asset_class in enumerate(classes):
        class_names[asset_class.pk] = f"{HOSTILE[i % len(HOSTILE)]} {asset_class.code}"
        AssetClass.objects.filter(pk=asset_class.pk).update(name=class_names[asset_class.pk])
    for form in HandlingForm.objects.all():
        HandlingForm.objects.filter(pk=form.pk).update(name=f"{FORM} {form.pk}")
    record = HandlingRecord.objects.filter(premises__isnull=False).order_by("pk").first()
    HandlingRecord.objects.filter(pk=record.pk).update(current_use="@SUM(1)", intended_use="-1+2")
    Premises.objects.filter(pk=record.premises_id).update(name="+1 handling")
    return {"user": user, "classes": set(class_names.values()), "record": record}


def read_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))  # not data_only: a formula shows as one


def assert_text_not_formula(content: bytes, expected) -> list[str]:
    """No cell of the workbook is a formula; every text that starts like one is typed
    as a string with Excel's quote prefix; each expected text starts one such cell."""
    book = read_xlsx(content)
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen.append(cell.value)
    for text in expected:
        text = text.strip()  # 04a writes "name\naddress" stripped
        assert any(v.strip() == text or v.strip().startswith((text + "\n", text + " ")) for v in seen), (text, seen)
    return seen


def assert_csv_escaped(text: str, expected, delimiter: str = ",") -> list[str]:
    """Every cell starting like a formula is a number or behind an apostrophe; each
    expected text appears behind one. The report downloads are laid out for a Vietnamese
    Excel (delimiter ";", decimal comma); the API's CSV for programs (",", decimal point)."""
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) for c in row]
    for cell in cells:
        if cell.startswith(TRIGGERS):
            float(cell.replace(",", ".") if delimiter == ";" else cell)  # only a number may start with + or -
    for value in expected:
        assert "'" + value in cells, value
    return [c for c in cells if c]


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_declaration_forms_04a_and_04c_write_names_as_text(hostile, client_as):
    client = client_as("demo-commune")
    assert_text_not_formula(body(client.get(reverse("inventory:export_form", args=["04a"]))), HOSTILE)
    # 04c lists other fixed assets from 500,000,000 a unit: the named ones are made that costly.
    Asset.objects.filter(name__in=HOSTILE).update(
        original_cost=Cast("quantity", DecimalField(max_digits=18, decimal_places=0)) * Decimal(600_000_000)
    )
    listed = (
        Asset.objects.filter(name__in=HOSTILE)
        .exclude(asset_class__category__in=("building", "car"))
        .exclude(asset_class__code="QSDD")
        .values_list("name", flat=True)
    )
    assert listed  # 04c leaves out buildings, cars and land-use rights
    assert_text_not_formula(body(client.get(reverse("inventory:export_form", args=["04c"]))), listed)


def test_handling_request_form_01_writes_text_as_text(hostile, client_as):
    record = hostile["record"]
    client = client_as("demo-finance")
    expected = ["+1 handling", f"{FORM} {record.form_id}", "@SUM(1)", "-1+2"]
    assert_text_not_formula(body(client.get(reverse("inventory:handling_request_xlsx", args=[record.pk]))), expected)
    assert_text_not_formula(body(client.get(reverse("inventory:handling_list"), {"format": "xlsx"})), expected)


@pytest.mark.parametrize("name", ["premises", "assets"])
def test_api_csv_puts_an_apostrophe_before_formula_text_and_keeps_numbers(hostile, client_as, name):
    response = client_as("demo-commune").get(f"/api/v1/{name}/", {"format": "csv"})
    cells = assert_csv_escaped(body(response).decode("utf-8"), HOSTILE)
    if name == "premises":
        assert "-5.00" in cells  # a negative number stays a number


@pytest.mark.parametrize("name", ["premises", "assets"])
def test_api_xlsx_writes_names_as_text_and_numbers_as_numbers(hostile, client_as, name):
    content = body(client_as("demo-commune").get(f"/api/v1/{name}/", {"format": "xlsx"}))
    assert_text_not_formula(content, HOSTILE)
    if name == "premises":
        numbers = [c for row in read_xlsx(content).active.iter_rows() for c in row if c.value == -5]
        assert numbers and all(c.data_type == "n" for c in numbers)


def test_reports_xlsx_and_csv_write_names_as_text(hostile, client_as):
    client = client_as("demo-commune")
    assets_xlsx = body(client.get(reverse("inventory:report_export", args=["assets", "xlsx"])))
    assert_text_not_formula(assets_xlsx, hostile["classes"])
    assets_csv = body(client.get(reverse("inventory:report_export", args=["assets", "csv"]))).decode("utf-8")
    assert_csv_escaped(assets_csv, hostile["classes"], delimiter=";")
    finance = client_as("demo-finance")
    surplus_xlsx = body(finance.get(reverse("inventory:report_export", args=["surplus", "xlsx"])))
    assert any(v.startswith(FORM) for v in assert_text_not_formula(surplus_xlsx, []))
    surplus_csv = body(finance.get(reverse("inventory:report_export", args=["surplus", "csv"]))).decode("utf-8")
    assert any(c.startswith("'" + FORM) for c in assert_csv_escaped(surplus_csv, [], delimiter=";"))


def test_template_writes_names_as_text_and_reads_them_back_exactly(hostile):
    user = hostile["user"]
    content = excel.template(user)
    assert_text_not_formula(content, HOSTILE)
    # Re-imported unchanged, every row is unchanged: the names read back as typed.
    result = excel.import_workbook(user, SimpleUploadedFile("t.xlsx", content))
    assert result.errors == [] and (result.created, result.changed) == (0, 0)
    # One edit on a hostile row: the change carries the name exactly, nothing else.
    book = read_xlsx(content)
    sheet = book["Tài sản"]
    heading = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[heading.index("Tên")].value == HOSTILE[0])
    notes = row[heading.index("Ghi chú")]  # (a fixed asset's quantity stays 1: its notes change)
    notes.value = (notes.value or "") + " đã kiểm kê"
    new = sheet.max_row + 1
    for col, cell in enumerate(row, start=1):
        sheet.cell(new, col).value = cell.value
    sheet.cell(new, 1).value = None  # a new record, named like a formula
    sheet.cell(new, heading.index("Tên") + 1).value = '=HYPERLINK("http://x","new")'
    sheet.cell(new, heading.index("Tên") + 1).data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    result = excel.import_workbook(user, SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert result.errors == [], [str(e) for e in result.errors]
    assert (result.created, result.changed) == (1, 1)
    changed = DeclarationItem.objects.get(code=row[0].value)
    assert changed.payload["name"] == HOSTILE[0]
    assert DeclarationItem.objects.filter(action="create", payload__name='=HYPERLINK("http://x","new")').exists()


def test_rejected_rows_workbook_keeps_hostile_text_as_text(hostile):
    user = hostile["user"]
    book = read_xlsx(excel.template(user))
    sheet = book["Tài sản"]
    heading = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[heading.index("Tên")].value == "+1")
    row[heading.index("Nguyên giá (đồng)")].value = "nhiều"  # an error on the hostile row
    buffer = io.BytesIO()
    book.save(buffer)
    result = excel.import_workbook(user, SimpleUploadedFile("t.xlsx", buffer.getvalue()), keep_valid_rows=True)
    assert result.rejected_count == 1
    assert_text_not_formula(excel.rejected_workbook(result), ["+1"])
