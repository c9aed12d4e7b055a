"""Issue 13 items 1 and 2 on a phone screen (390×844, touch): no page a declarant uses
scrolls sideways and the map covers no label or error; a pin dropped by a tap and one
from the phone's position fill the coordinate fields, and typed coordinates move the pin;
the error summary lists every error of the form in one round; Gửi asks first, and
cancelling sends nothing. Screenshots go to test-artifacts/browser/<test>/."""

import json
import math
import uuid

import pytest

from inventory.choices import PremisesStatus
from inventory.models import Asset, Declaration, DeclarationItem, HandlingRecord, HandlingRequest, Premises, User
from inventory.services import declarations as declaring
from inventory.services import handling
from tests.browser.test_login_home import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
TILE = 256  # Leaflet's tile size: the world is TILE × 2^zoom pixels wide
MAP = "document.querySelector('[data-location-widget]').locationMap"  # the location widget's map

# Labels, legends and error texts that the map covers: their box overlaps a map's box, or
# the element drawn on top at their middle belongs to a map.
COVERED_JS = """() => {
  const maps = [...document.querySelectorAll('.leaflet-container')];
  const found = [];
  const selector = 'label, legend, .field-error, .error-summary, .warning, .error, [role=alert], .location-status';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.leaflet-container') || !el.checkVisibility()) continue;  // not shown: not covered
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const text = el.textContent.trim().slice(0, 60);
    for (const map of maps) {
      const m = map.getBoundingClientRect();
      const overlaps = r.left < m.right && r.right > m.left && r.top < m.bottom && r.bottom > m.top;
      if (overlaps) found.push('overlaps the map: ' + text);
    }
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 8));
    if (top && top.closest('.leaflet-container')) found.push('under the map: ' + text);
  }
  return found;
}"""


def phone(browser, live_url, username, **options):
    """A logged-in phone: 390×844, touch, Vietnamese."""
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1, **options
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
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


def check_fits(page, url):
    """The page answers, is no wider than the phone, and no label or error is under a map."""
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    if page.locator("[data-location-widget]").count():
        page.wait_for_selector("[data-location-widget][data-ready=true]")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"
    assert page.evaluate(COVERED_JS) == [], url


@pytest.fixture(scope="module")
def cleanup(django_db_setup, django_db_blocker):
    """Declarations and handling requests this module makes are removed after it (the
    session database is shared by the other browser tests; rows are committed, outside
    any test's transaction, since the live server has its own session)."""
    with django_db_blocker.unblock():
        made = {"declarations": set(), "requests": set(), "statuses": {}}
        before = Declaration.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        yield made
        new = set(Declaration.objects.filter(pk__gt=before).values_list("pk", flat=True)) | made["declarations"]
        DeclarationItem.objects.filter(declaration_id__in=new).delete()
        Declaration.objects.filter(pk__in=new).delete()
        HandlingRecord.objects.filter(request_id__in=made["requests"]).delete()
        HandlingRequest.objects.filter(pk__in=made["requests"]).delete()
        for pk, status in made["statuses"].items():  # a filed request put its premises under handling
            Premises.objects.filter(pk=pk).update(status=status)


@pytest.fixture(scope="module")
def open_records(cleanup, django_db_blocker):
    """What a declarant has open on an ordinary day: a draft declaration and a filed
    handling request (committed)."""
    with django_db_blocker.unblock():
        declarant = User.objects.get(username="demo-commune")
        agency = declarant.agency
        item = declaring.propose(
            declarant,
            "premises",
            {
                "code": declaring.new_code("premises", agency),
                "name": "Nhà văn hóa khối 3 — một cái tên rất dài để thử việc xuống dòng trên điện thoại",
                "agency": agency.code,
                "location": "SRID=4326;POINT(105.661 18.676)",
            },
        )
        cleanup["declarations"].add(item.declaration_id)
        site = (
            Premises.objects.visible_to(declarant)
            # demo data: its handling lines may be deleted afterwards; the last such site,
            # the handling request flow takes the first
            .filter(status=PremisesStatus.SURPLUS, handling_records__isnull=True, agency__is_active=True, is_demo=True)
            .order_by("-pk")
            .first()
        )
        assert site is not None, "the demo commune has a surplus premises without handling"
        cleanup["statuses"][site.pk] = site.status
        request = handling.file_request(
            declarant,
            site.agency,
            [handling.Proposal(form_code="RECOVER", reason_code="REC-REORG", premises=site)],
            purpose="Trụ sở dôi dư (thử trên điện thoại)",
        )
        cleanup["requests"].add(request.pk)
        return {
            "item": item,
            "request": request,
            "record": HandlingRecord.objects.get(request=request),
            "premises": Premises.objects.visible_to(declarant).order_by("pk").first(),
            "asset": Asset.objects.visible_to(declarant).order_by("pk").first(),
        }


def test_no_declarant_page_scrolls_sideways_nor_hides_a_label_under_the_map(browser, live_url, open_records, shot):
    item, request, record = open_records["item"], open_records["request"], open_records["record"]
    premises, asset = open_records["premises"], open_records["asset"]
    context, page = phone(browser, live_url, "demo-commune")
    # The menu folds behind one button; opened, log-out and the language are on screen.
    assert not page.locator("#main-nav").is_visible()
    page.click("[data-testid=menu-toggle]")
    for control in (page.get_by_role("button", name="Đăng xuất"), page.locator("#main-nav select[name=language]")):
        box = control.bounding_box()
        assert control.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot(page, "menu-open")

    pages = [
        "/",
        "/declarations/",
        f"/declarations/{item.declaration_id}/",
        f"/declarations/items/{item.pk}/edit/",
        "/declarations/premises/",
        "/declarations/premises/new/",
        f"/declarations/premises/{premises.pk}/",
        f"/declarations/premises/{premises.pk}/edit/",
        f"/declarations/premises/{premises.pk}/history/",
        "/declarations/asset/",
        "/declarations/asset/new/",
        f"/declarations/asset/{asset.pk}/edit/",
        f"/declarations/asset/{asset.pk}/history/",
        "/declarations/need/",
        "/declarations/need/new/",
        "/declarations/excel/upload/",
        "/notifications/",
        "/handling/",
        "/handling/requests/",
        "/handling/requests/new/",
        f"/handling/requests/{request.pk}/",
        f"/handling/{record.pk}/",
        "/site-plans/",
        "/reports/",
        "/account/",
        "/maps/",
    ]
    for path in pages:
        check_fits(page, live_url + path)
    # The premises form as it comes back with errors: still nothing under the map.
    page.goto(live_url + "/declarations/premises/new/")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(COVERED_JS) == []
    shot(page, "premises-form-with-errors")
    assert not page.csp_violations
    context.close()

    # The reviewer's pages work on a phone too.
    context, page = phone(browser, live_url, "demo-finance")
    for path in [
        "/declarations/review/",
        f"/declarations/{item.declaration_id}/",
        f"/declarations/{item.declaration_id}/history/",
        f"/handling/requests/{request.pk}/",
        f"/handling/{record.pk}/",
        f"/handling/{record.pk}/history/",
        "/maps/reallocation/",
        "/maps/siting/",
        "/site-plans/",
        "/reports/",
    ]:
        check_fits(page, live_url + path)
    context.close()


def mercator_latlng(center_lat, center_lon, zoom, dx, dy):
    """The longitude/latitude dx, dy screen pixels from a Web Mercator map's centre."""
    scale = TILE * 2**zoom
    x = (center_lon + 180) / 360 * scale + dx
    lat = math.radians(center_lat)
    y = (1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * scale + dy
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale)))), x / scale * 360 - 180


def field_value(page, selector):
    return float(page.input_value(selector))


def pin(page):
    """The pin's position as the map holds it."""
    return page.evaluate(
        """() => { let at = null;
                   MAP.eachLayer(l => { if (l instanceof L.Marker) at = l.getLatLng(); });
                   return at && [at.lat, at.lng]; }""".replace("MAP", MAP)
    )


def test_a_tap_and_the_phone_position_place_the_pin_and_fill_the_coordinates(browser, live_url, cleanup, shot):
    here = {"latitude": 18.6734567, "longitude": 105.6923456, "accuracy": 35}
    context, page = phone(browser, live_url, "demo-commune", geolocation=here, permissions=["geolocation"])
    page.goto(live_url + "/declarations/premises/new/")
    page.wait_for_selector("[data-location-widget][data-ready=true]")
    # Only the pin tool: no line, polygon or rectangle tools, and Vietnamese tooltips.
    assert page.locator(".leaflet-draw-draw-marker").count() == 1
    other_tools = ".leaflet-draw-draw-polyline, .leaflet-draw-draw-polygon, .leaflet-draw-draw-rectangle"
    assert page.locator(other_tools).count() == 0
    assert page.get_attribute(".leaflet-draw-draw-marker", "title") == "Đặt điểm đánh dấu"

    # Touch-sized controls: every button, field and list of the form is at least 44 px high.
    small = page.evaluate(
        """() => [...document.querySelectorAll('.record-form button, .record-form input, .record-form select')]
                .filter(el => el.type !== 'hidden' && el.type !== 'checkbox' && el.checkVisibility())
                .filter(el => !el.closest('.leaflet-container'))
                .filter(el => el.getBoundingClientRect().height < 44)
                .map(el => el.name || el.textContent.trim())"""
    )
    assert small == []

    # 1. A tap 60 px right of and 40 px above the middle of the map.
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    center = page.evaluate(
        "() => { const c = MAP.getCenter(); return [c.lat, c.lng, MAP.getZoom()]; }".replace("MAP", MAP)
    )
    box = page.locator(".leaflet-container").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 - 40)
    page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    lat, lon = mercator_latlng(center[0], center[1], center[2], 60, -40)
    tolerance = 360 / (TILE * 2 ** center[2])  # one pixel
    assert abs(field_value(page, "#id_latitude") - lat) < tolerance
    assert abs(field_value(page, "#id_longitude") - lon) < tolerance
    stored = json.loads(page.input_value("#id_location"))  # the map's own field holds the same point
    assert stored["type"] == "Point"
    assert stored["coordinates"] == pytest.approx([lon, lat], abs=tolerance)
    shot(page, "pin-from-tap")

    # 2. Typing coordinates moves the pin.
    page.fill("#id_latitude", "18.68")
    page.fill("#id_longitude", "105.65")
    page.wait_for_function(
        (
            "() => { let m; MAP.eachLayer(l => { if (l instanceof L.Marker) m = l; }); "
            "return m && Math.abs(m.getLatLng().lng - 105.65) < 1e-9; }"
        ).replace("MAP", MAP)
    )
    assert pin(page) == pytest.approx([18.68, 105.65], abs=1e-9)

    # The place is checked as the pin moves: far from the commune, a warning beside the map.
    warning = page.locator("[data-testid=location-warning]")
    page.fill("#id_latitude", "19.05")
    page.fill("#id_longitude", "104.88")
    warning.wait_for(state="visible")
    assert "Phường Thành Vinh" in warning.inner_text()
    assert page.evaluate(COVERED_JS) == []
    shot(page, "far-from-the-commune")
    page.fill("#id_latitude", "18.68")
    page.fill("#id_longitude", "105.65")
    warning.wait_for(state="hidden")

    # 3. "Vị trí của tôi": the phone's position, with its accuracy.
    page.click("[data-testid=my-location]")
    page.wait_for_function("() => document.querySelector('#id_latitude').value === '18.6734567'")
    assert page.input_value("#id_longitude") == "105.6923456"
    assert pin(page) == pytest.approx([18.6734567, 105.6923456], abs=1e-9)
    assert "35 m" in page.inner_text("[data-testid=location-status]")
    shot(page, "pin-from-position")

    # 4. Saved, the declared premises is where the phone was.
    page.fill("#id_name", f"Trụ sở khối 5 (thử vị trí {uuid.uuid4().hex[:6]})")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=declaration-status]")
    item = DeclarationItem.objects.filter(payload__name__startswith="Trụ sở khối 5 (thử vị trí").latest("pk")
    cleanup["declarations"].add(item.declaration_id)
    assert item.payload["location"] == "SRID=4326;POINT (105.6923456 18.6734567)"
    context.close()


def test_the_error_summary_lists_every_error_in_one_round(browser, live_url, cleanup, shot):
    context, page = phone(browser, live_url, "demo-commune")
    page.goto(live_url + "/declarations/premises/new/")
    page.wait_for_selector("[data-location-widget][data-ready=true]")
    # The building fields are marked as required with a building before anything is sent.
    for name in ("building_grade", "floors"):
        assert "bắt buộc khi khai nhà" in page.inner_text(f"#field-{name} label")
    items_before = DeclarationItem.objects.count()
    # No name (a field rule); a building without grade or floors (a declaration rule); more
    # surplus floor area than floor area and a date in use in the future (the record's
    # rules); a place in Con Cuông, far from Phường Thành Vinh (a warning to confirm).
    page.fill("#id_floor_area", "500")
    page.fill("#id_footprint_area", "300")
    page.fill("#id_surplus_floor_area", "900")
    page.fill("#id_in_use_date", "2999-01-01")
    page.fill("#id_latitude", "19.05")
    page.fill("#id_longitude", "104.88")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=error-summary]")
    anchors = page.eval_on_selector_all(
        "[data-testid=error-summary-item] a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert sorted(anchors) == sorted(
        [
            "#field-name",
            "#field-building_grade",
            "#field-floors",
            "#field-surplus_floor_area",
            "#field-in_use_date",
            "#field-location",
        ]
    )
    assert "Có 6 lỗi cần sửa" in page.inner_text("[data-testid=error-summary]")
    # The commune warning is readable next to the map, with the box to keep the place.
    warning = page.locator("[data-testid=location-error]")
    assert "Phường Thành Vinh" in warning.inner_text()
    assert page.locator("#id_confirm_location").is_visible()
    assert page.evaluate(COVERED_JS) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "every-error-at-once")
    assert DeclarationItem.objects.count() == items_before
    context.close()


def test_submit_asks_first_and_cancelling_sends_nothing(browser, live_url, cleanup, shot):
    context, page = phone(browser, live_url, "demo-commune")
    name = f"Nhà kho xã (thử xác nhận {uuid.uuid4().hex[:6]})"
    page.goto(live_url + "/declarations/premises/new/")
    page.wait_for_selector("[data-location-widget][data-ready=true]")
    page.fill("#id_name", name)
    page.fill("#id_latitude", "18.676")
    page.fill("#id_longitude", "105.661")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=declaration-status]")
    assert "Đã lưu" in page.inner_text("[data-testid=message-success]")
    item = DeclarationItem.objects.get(payload__name=name)
    cleanup["declarations"].add(item.declaration_id)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    # Gửi, then cancel: the dialog names what would be sent, and nothing is sent.
    page.click("[data-testid=submit]")
    dialog = page.locator("[data-testid=confirm-dialog]")
    dialog.wait_for(state="visible")
    assert "Gửi bản kê khai này?" in dialog.inner_text()
    assert item.code in dialog.inner_text() and name in dialog.inner_text()
    shot(page, "confirm-submit")
    page.click("[data-testid=confirm-cancel]")
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert posts == []
    assert Declaration.objects.get(pk=item.declaration_id).status == "draft"

    # Rút, then cancel: the item stays.
    page.click(f"[data-item='{item.code}'] [data-testid=withdraw-item]")
    dialog.wait_for(state="visible")
    assert "Rút mục này khỏi bản kê khai?" in dialog.inner_text() and item.code in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert posts == [] and DeclarationItem.objects.filter(pk=item.pk).exists()

    # Gửi, then confirm: sent once.
    page.click("[data-testid=submit]")
    with page.expect_navigation():
        page.click("[data-testid=confirm-ok]")
    assert "Đã gửi" in page.inner_text("[data-testid=message-success]")
    assert len(posts) == 1 and posts[0].endswith(f"/declarations/{item.declaration_id}/submit/")
    assert Declaration.objects.get(pk=item.declaration_id).status == "submitted"
    assert DeclarationItem.objects.get(pk=item.pk).status != "draft"
    context.close()
