"""The map tools speak Vietnamese in Chromium: the zoom buttons and the drawing tools of the
review map (Leaflet.draw loaded by the page) and of a declaration form's map (django-leaflet's
"forms" plugin), with the titles people see on hovering."""

import pytest

from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def titles(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.leaflet-control a[title]')]
             .map(a => [a.className.split(' ').find(c => c.startsWith('leaflet-')) || a.className, a.title]))"""
    )


def test_the_review_maps_tools_are_vietnamese(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/")
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    shown = titles(page)
    shot(page, "review-map")
    assert shown["leaflet-control-zoom-in"] == "Phóng to"
    assert shown["leaflet-control-zoom-out"] == "Thu nhỏ"
    assert shown["leaflet-draw-draw-rectangle"] == "Vẽ hình chữ nhật"
    assert shown["leaflet-draw-draw-polygon"] == "Vẽ đa giác"
    assert shown["leaflet-draw-edit-remove"] in ("Xóa hình", "Không có hình để xóa")
    # Starting a rectangle: the tooltip that follows the mouse.
    page.click(".leaflet-draw-draw-rectangle")
    page.mouse.move(640, 450)
    assert "Nhấn và kéo để vẽ hình chữ nhật." in page.inner_text(".leaflet-draw-tooltip")
    assert "Hủy" in page.inner_text(".leaflet-draw-actions")
    context.close()


def test_a_declaration_forms_map_tools_are_vietnamese(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-commune")
    page.goto(live_url + "/declarations/premises/new/")
    page.wait_for_selector(".leaflet-container .leaflet-control-zoom-in")
    shown = titles(page)
    shot(page, "form-map")
    assert shown["leaflet-control-zoom-in"] == "Phóng to"
    english = [
        title for title in shown.values() if any(w in title for w in ("Draw", "Zoom", "Edit", "Delete", "marker"))
    ]
    assert not english, english
    context.close()
