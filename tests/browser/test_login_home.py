"""A person logs in and sees the home page with real totals, in Vietnamese or English."""

import pytest

from inventory.demo import demo_password
from inventory.models import User
from inventory.services import dashboard_totals

# django_db: the test database (the live server serves it); rows the server commits stay.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = demo_password()


def login(page, live_url, username):
    page.goto(live_url + "/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=premises-total]")


def number(text):
    return int(text.replace(",", "").replace(".", "").replace("₫", "").strip())


def test_finance_reviewer_logs_in_and_sees_province_totals(page, live_url, shot):
    page.goto(live_url + "/")
    assert "Đăng nhập" in page.content()
    shot(page, "login")
    login(page, live_url, "demo-finance")
    shot(page, "home")
    expected = dashboard_totals(User.objects.get(username="demo-finance"))
    assert page.inner_text("[data-testid=role]") == "Cán bộ Sở Tài chính"
    assert page.inner_text("[data-testid=scope]") == "toàn tỉnh"
    assert number(page.inner_text("[data-testid=premises-total]")) == expected["premises_total"]
    assert number(page.inner_text("[data-testid=asset-items]")) == expected["asset_items"]
    assert number(page.inner_text("[data-testid=surplus-value]")) == expected["surplus_value"]
    for row in expected["premises_by_status"]:
        assert number(page.inner_text(f"td[data-status={row['status']}]")) == row["count"]

    page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=Remaining value of surplus")
    shot(page, "home-english")
    assert page.inner_text("[data-testid=scope]") == "the whole province"


def test_wrong_password_gets_a_clear_message(page, live_url, shot):
    page.goto(live_url + "/accounts/login/")
    page.fill("#id_username", "demo-finance")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    alert = page.wait_for_selector("[role=alert]")
    shot(page, "wrong-password")
    assert "tên đăng nhập và mật khẩu" in alert.inner_text().lower()


def test_commune_declarant_sees_its_own_unit(page, live_url, shot):
    login(page, live_url, "demo-commune")
    shot(page, "home-commune")
    expected = dashboard_totals(User.objects.get(username="demo-commune"))
    assert page.inner_text("[data-testid=scope]") == "Phường Thành Vinh"
    assert number(page.inner_text("[data-testid=premises-total]")) == expected["premises_total"]
    assert 0 < expected["premises_total"] < 50
