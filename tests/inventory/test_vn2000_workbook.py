"""The Excel template takes VN-2000 X (northing) / Y (easting) off a land certificate beside
latitude/longitude (issue 17 item 1); the old template without those columns is still read.
Expected positions are PROJ's own (pyproj)."""

import io

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook
from pyproj import Transformer

from inventory.models import DeclarationItem, Premises
from inventory.services import excel

pytestmark = pytest.mark.django_db

SHEET = "Cơ sở nhà, đất"
SYSTEM = "Hệ tọa độ VN-2000 (9208: múi 3° KTT 104°45′, 3405: UTM 48N)"
X = "X VN-2000 (tọa độ bắc, m)"
Y = "Y VN-2000 (tọa độ đông, m)"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


def book_of(user):
    return load_workbook(io.BytesIO(excel.template(user)))


def heading_column(sheet, heading):
    return next(c.column for c in sheet[1] if c.value == heading)


def row_of(sheet, code):
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def upload(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("ke-khai.xlsx", buffer.getvalue())


def test_the_template_has_the_system_x_and_y_after_longitude(declarant):
    headings = [c.value for c in book_of(declarant)[SHEET][1]]
    at = headings.index("Kinh độ")
    assert headings[at + 1 : at + 4] == [SYSTEM, X, Y]


@pytest.mark.parametrize("srid", [9208, 3405, None])
def test_x_y_in_a_row_move_the_premises_where_proj_says(declarant, srid):
    premises = Premises.objects.visible_to(declarant).order_by("code").first()
    east, north = Transformer.from_crs(4326, srid or 9208, always_xy=True).transform(
        premises.location.x, premises.location.y
    )
    north += 12.5  # the surveyor's point, 12.5 m north of the stored one
    book = book_of(declarant)
    sheet = book[SHEET]
    row = row_of(sheet, premises.code)
    if srid:
        sheet.cell(row, heading_column(sheet, SYSTEM)).value = srid
    sheet.cell(row, heading_column(sheet, X)).value = round(north, 3)
    sheet.cell(row, heading_column(sheet, Y)).value = round(east, 3)
    result = excel.import_workbook(declarant, upload(book))
    assert result.errors == [], [str(e) for e in result.errors]
    item = DeclarationItem.objects.get(premises=premises, action="update", status="draft")
    point = GEOSGeometry(item.payload["location"])
    lon, lat = Transformer.from_crs(srid or 9208, 4326, always_xy=True).transform(round(east, 3), round(north, 3))
    assert point.x == pytest.approx(lon, abs=1e-7) and point.y == pytest.approx(lat, abs=1e-7)


@pytest.mark.parametrize(
    ("system", "x", "y", "heading", "message"),
    [
        (9208, 571000, 2067000, X, "Swap them"),
        (9208, 1e300, 571000, X, "too large"),
        (9208, "NaN", 571000, X, "not NaN"),
        (9208, 2067000, None, Y, "both X and Y"),
        (9208, 2067000, -5, Y, "Y (easting)"),
        (4326, 2067000, 571000, SYSTEM, "9208"),
        ("EPSG:9999", 2067000, 571000, SYSTEM, "9208"),
        ("<b>9208</b>", 2067000, 571000, SYSTEM, "9208"),
    ],
)
def test_bad_x_y_are_row_errors_in_their_column_and_nothing_is_written(declarant, system, x, y, heading, message):
    premises = Premises.objects.visible_to(declarant).order_by("code").first()
    book = book_of(declarant)
    sheet = book[SHEET]
    row = row_of(sheet, premises.code)
    for name, value in ((SYSTEM, system), (X, x), (Y, y)):
        sheet.cell(row, heading_column(sheet, name)).value = value
    before = DeclarationItem.objects.count()
    result = excel.import_workbook(declarant, upload(book))
    assert not result.written
    errors = [e for e in result.errors if e.row == row]
    assert errors and any(e.column == heading and message in e.message for e in errors), [str(e) for e in errors]
    assert DeclarationItem.objects.count() == before


def test_a_workbook_of_the_template_before_the_vn2000_columns_is_still_read(declarant):
    book = book_of(declarant)
    sheet = book[SHEET]
    first = heading_column(sheet, SYSTEM)
    sheet.delete_cols(first, 3)
    premises = Premises.objects.visible_to(declarant).order_by("code").first()
    row = row_of(sheet, premises.code)
    latitude = heading_column(sheet, "Vĩ độ")
    sheet.cell(row, latitude).value = round(premises.location.y + 0.0001, 7)
    result = excel.import_workbook(declarant, upload(book))
    assert result.errors == [], [str(e) for e in result.errors]
    item = DeclarationItem.objects.get(premises=premises, action="update", status="draft")
    assert GEOSGeometry(item.payload["location"]).y == pytest.approx(premises.location.y + 0.0001, abs=1e-7)
