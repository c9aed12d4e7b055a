"""The declaration workflow end to end in Chromium: a declarant places a premises on the
map, adds a car and submits; the reviewer returns one item with a comment; the
declarant corrects it and resubmits; the reviewer approves; the record is in effect.
Screenshots of each step go to test-artifacts/browser/<test>/."""

import pytest

from inventory.models import Asset, Declaration, DeclarationItem, Premises
from tests.browser.helpers import confirm
from tests.browser.test_login_home import PASSWORD

# django_db: the test database (the live server serves it); rows the server commits stay.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def login(browser, live_url, username):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Everything must work under the content security policy: keep what it refuses.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(live_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=premises-total]")
    return context, page


def test_declare_return_correct_approve(browser, live_url, shot):
    declarant_context, page = login(browser, live_url, "demo-commune")
    item = declare_premises(page, live_url, shot)
    declaration_url = f"{live_url}/declarations/{item.declaration_id}/"
    asset_item = add_car(page, item)

    # 3. Submit.
    submit(page)
    shot(page, "submitted")
    assert Declaration.objects.get(pk=item.declaration_id).status == "submitted"

    reviewer_context, review = login(browser, live_url, "demo-finance")
    return_the_car(review, live_url, item, asset_item, shot)
    assert Declaration.objects.get(pk=item.declaration_id).status == "returned"

    correct_the_car(page, live_url, declaration_url, asset_item, shot)

    # 6. The reviewer approves; the records are in effect.
    review.goto(declaration_url)
    review.click("[data-testid=review-all]")
    confirm(review)
    review.wait_for_selector("[data-testid=declaration-status] >> text=Đã phê duyệt")
    shot(review, "approved")
    premises = Premises.objects.get(code=item.code)
    assert Asset.objects.get(code=asset_item.code).plate_number == "37A-222.22"
    assert Asset.objects.get(code=asset_item.code).premises == premises

    page.goto(f"{live_url}/declarations/premises/{premises.pk}/")
    assert page.inner_text("[data-testid=premises-status]") == "Dôi dư"
    shot(page, "record-in-effect")
    page.goto(declaration_url)
    assert page.inner_text("[data-testid=declaration-status]") == "Đã phê duyệt"
    declarant_context.close()
    reviewer_context.close()


def declare_premises(page, live_url, shot) -> DeclarationItem:
    """1. A new premises, placed by clicking on the map: its item in the draft declaration."""
    page.goto(live_url + "/declarations/premises/new/")
    page.wait_for_selector(".leaflet-container")
    page.fill("#id_name", "Nhà văn hóa khối 12 (thử nghiệm trình duyệt)")
    page.select_option("#id_status", "surplus")
    page.fill("#id_land_area", "1500")
    page.fill("#id_footprint_area", "320")
    page.fill("#id_floor_area", "640")
    page.fill("#id_floors", "2")
    page.select_option("#id_building_grade", "III")
    page.fill("#id_year_built", "2005")
    page.fill("#id_in_use_date", "2006-03-01")
    page.fill("#id_original_cost", "1800000000")
    page.click(".leaflet-draw-draw-marker")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('#id_location').value.includes('Point')")
    shot(page, "premises-form-with-pin")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=declaration-status]")
    shot(page, "premises-saved-in-draft")
    return DeclarationItem.objects.filter(payload__name__icontains="thử nghiệm trình duyệt").get()


def add_car(page, item) -> DeclarationItem:
    """2. An asset in that premises: a car, which always needs the Finance department's approval."""
    page.click(f"[data-item='{item.code}'] [data-testid=add-asset]")
    page.fill("#id_name", "Xe ô tô 7 chỗ")
    page.select_option("#id_asset_class", "OTO")
    page.fill("#id_plate_number", "37A-111.11")
    page.fill("#id_seats", "7")
    page.fill("#id_in_use_date", "2019-05-01")
    page.fill("#id_original_cost", "850000000")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=declaration-status]")
    return DeclarationItem.objects.get(declaration_id=item.declaration_id, target="asset")


def submit(page) -> None:
    page.click("[data-testid=submit]")
    confirm(page)
    page.wait_for_selector("text=Đã gửi Sở Tài chính để duyệt")


def return_the_car(review, live_url, item, asset_item, shot) -> None:
    """4. The reviewer returns the asset with a comment and approves the premises."""
    review.goto(live_url + "/declarations/review/")
    review.click(f"a[href='/declarations/{item.declaration_id}/']")
    asset_box = review.locator(f"[data-item='{asset_item.code}']")
    asset_box.locator("[data-testid=item-decision]").select_option("return")
    asset_box.locator("[data-testid=item-comment-input]").fill("Biển kiểm soát chưa đúng với đăng ký xe")
    shot(review, "reviewer-returns-asset")
    asset_box.locator("[data-testid=item-review]").click()
    review.wait_for_selector("text=Đã ghi nhận kết quả duyệt")
    premises_box = review.locator(f"[data-item='{item.code}']")
    premises_box.locator("[data-testid=item-review]").click()
    review.wait_for_selector(f"[data-item='{item.code}'] >> text=Đã phê duyệt")
    shot(review, "reviewer-approved-premises")


def correct_the_car(page, live_url, declaration_url, asset_item, shot) -> None:
    """5. The declarant sees the comment, corrects the plate number and resubmits."""
    page.goto(live_url + "/notifications/")
    page.wait_for_selector("text=bị trả lại")
    page.goto(declaration_url)
    comment = page.locator(f"[data-item='{asset_item.code}'] [data-testid=item-comment]").inner_text()
    assert "Biển kiểm soát chưa đúng" in comment
    shot(page, "declarant-sees-comment")
    page.click(f"[data-item='{asset_item.code}'] [data-testid=edit-item]")
    page.fill("#id_plate_number", "37A-222.22")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=submit]")
    submit(page)
    shot(page, "resubmitted")
