"""Vietnamese everywhere (issue 16): error pages, the admin's sections, the map tools'
words, "(declared)", numbers as officials write them (a year "2008", amounts
"1.234.567.890"), form 01's amounts, the report CSV's layout, and a favicon."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.template import loader
from django.utils import translation
from openpyxl import load_workbook

from inventory.choices import ItemTarget
from inventory.models import HandlingRecord, Premises
from inventory.spreadsheets import official_csv_row
from tests import factories

pytestmark = pytest.mark.django_db


def text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def test_a_refusal_is_a_vietnamese_page(client_as):
    response = client_as("demo-commune").get("/declarations/review/")  # reviewers only
    assert response.status_code == 403
    page = text(response)
    assert "Bạn không được mở trang này" in page
    assert "Forbidden" not in page and "403" not in page


def test_a_missing_page_is_a_vietnamese_page(client_as):
    response = client_as("demo-finance").get("/declarations/premises/987654321/")
    assert response.status_code == 404
    page = text(response)
    assert "Không tìm thấy trang" in page
    assert "Not Found" not in page


def test_the_server_error_page_is_vietnamese_without_a_request():
    with translation.override("vi"):
        page = loader.get_template("500.html").render()
    assert "Máy chủ gặp lỗi" in page
    assert "Server Error" not in page


def test_a_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/favicon.svg")
    assert client.get("/accounts/login/").content.decode().count('rel="icon"') == 1


def test_the_admins_sections_are_vietnamese(client_as):
    page = text(client_as("demo-admin").get("/admin/"))
    for vietnamese in ("Đăng nhập", "Lịch sử", "Thay đổi gần đây", "Mã truy cập API", "Nhật ký đăng nhập"):
        assert vietnamese in page
    for english in ("Axes", "Pghistory", "Auth Token", "Tokens", "Access logs", "Events", "Model name"):
        assert english not in page


def test_the_map_tools_speak_vietnamese(client_as):
    client = client_as("demo-finance")
    script = client.get("/map-locale.js").content.decode()
    assert script.startswith("window.MAP_LOCALE = ")
    words = []

    def leaves(node):
        for value in node.values():
            leaves(value) if isinstance(value, dict) else words.append(value)

    leaves(json.loads(script.removeprefix("window.MAP_LOCALE = ").rstrip().rstrip(";")))
    for vietnamese in ("Phóng to", "Thu nhỏ", "Vẽ hình chữ nhật", "Vẽ đa giác", "Nhấn và kéo để vẽ hình chữ nhật."):
        assert vietnamese in words
    for english in ("Zoom", "Draw", "Click", "Cancel", "Delete", "shape", "layer", "Save", "Finish", "Radius"):
        assert not [w for w in words if english.lower() in w.lower()], english
    # Every map page loads it with Leaflet, the review map (which loads Leaflet.draw itself) too.
    page = client.get("/maps/").content.decode()
    assert page.index("/map-locale.js") < page.index("js/map_locale.js")
    # The admin's map widget too.
    premises = Premises.objects.order_by("pk").first()
    admin_page = client_as("demo-admin").get(f"/admin/inventory/premises/{premises.pk}/change/").content.decode()
    assert admin_page.index("/map-locale.js") < admin_page.index("js/map_locale.js")


def test_the_map_locale_is_public_and_holds_no_record(client):
    response = client.get("/map-locale.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")


def test_a_premises_being_declared_is_offered_as_declared_in_vietnamese(client_as, demo_user):
    declarant = demo_user("demo-commune")
    item = factories.declare(
        declarant, ItemTarget.PREMISES, factories.premises_form_data(declarant.agency, name="Nhà văn hóa khối 9")
    )
    page = client_as("demo-commune").get("/declarations/asset/new/").content.decode()
    assert f"{item.code} – Nhà văn hóa khối 9 (đang kê khai)" in page
    assert "(declared)" not in page


def test_a_declared_build_year_is_not_grouped(client_as, demo_user):
    declarant = demo_user("demo-commune")
    data = factories.premises_form_data(declarant.agency, year_built="2008", original_cost="1234567890")
    item = factories.declare(declarant, ItemTarget.PREMISES, data)
    page = text(client_as("demo-commune").get(f"/declarations/{item.declaration_id}/"))
    assert "năm xây dựng 2008" in page
    assert "2.008" not in page
    assert "nguyên giá (đồng) 1.234.567.890" in page


def test_amounts_are_grouped_in_the_admins_lists(client_as):
    asset = factories.asset(original_cost=Decimal("1234567890"))
    page = text(client_as("demo-admin").get("/admin/inventory/asset/", {"q": asset.code}))
    assert "1.234.567.890" in page
    assert "1234567890" not in page


def test_form_01_groups_its_amounts_but_not_the_year(client_as):
    record = HandlingRecord.objects.filter(premises__isnull=False).order_by("pk").first()
    response = client_as("demo-finance").get(f"/handling/{record.pk}/01-TSC-XLTS.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headings = [c.value for c in sheet[5]]
    row = sheet[6]
    assert row[headings.index("Nguyên giá theo sổ kế toán (đồng)")].number_format == "#,##0"
    assert row[headings.index("Giá trị còn lại theo sổ kế toán (đồng)")].number_format == "#,##0"
    assert row[headings.index("Năm đưa vào sử dụng")].number_format == "General"


def test_the_report_csv_is_laid_out_for_a_vietnamese_excel(client_as):
    text_ = client_as("demo-finance").get("/reports/assets.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text_), delimiter=";"))
    assert rows[1][:3] == ["loại tài sản", "số dòng", "số lượng"]
    # Decimals with a comma, whole numbers as they are, no grouping.
    assert official_csv_row([Decimal("1836.50"), Decimal("9123000000.00"), 12, None]) == [
        "1836,5",
        "9123000000",
        12,
        "",
    ]
