"""The Finance department's map, reallocation and handling in Chromium: the map shows
the demo data, a filter changes the totals, a drawn rectangle reports the totals a direct
SQL query gives for the same area, and a need goes to an approved transfer."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from inventory.choices import HandlingStatus, NeedKind, NeedStatus
from inventory.models import HandlingRecord, Need, Premises
from tests.browser.helpers import confirm
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _summary(page, key, table="summary-table"):
    text = page.locator(f"#{table} td[data-key={key}]").inner_text()
    return int("".join(ch for ch in text if ch.isdigit()) or 0)


def _ready(page):
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def test_the_map_shows_the_demo_data_and_a_filter_changes_the_totals(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/")
    _ready(page)
    page.wait_for_selector("#review-map .cluster-icon")
    shot(page, "province")
    # One circle per commune with premises, and the province totals.
    communes = _sql("SELECT count(DISTINCT admin_unit_id) FROM inventory_premises WHERE deleted_at IS NULL")[0]
    assert page.locator("#review-map .cluster-icon").count() == communes
    assert _summary(page, "count") == Premises.objects.count()
    page.select_option("#id_status", ["surplus"])
    page.wait_for_function(
        "n => document.querySelector('#summary-table td[data-key=count]').textContent.replace(/\\D/g, '') == n",
        arg=str(Premises.objects.filter(status="surplus").count()),
    )
    assert _summary(page, "count") == Premises.objects.filter(status="surplus").count() < Premises.objects.count()
    shot(page, "surplus-only")
    # Closer in, single premises appear with a popup that links to the record.
    target = Premises.objects.filter(status="surplus").order_by("code").first()
    page.evaluate(f"window.reviewMapInstance.setView([{target.location.y}, {target.location.x}], 16)")
    page.wait_for_function(
        "id => { let found = false; window.reviewMapInstance.eachLayer(l => { if (l.feature &&"
        " l.feature.properties.id === id) { l.openPopup(); found = true; } }); return found; }",
        arg=target.pk,
    )
    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href") == f"/declarations/premises/{target.pk}/"
    assert target.code in page.locator(".leaflet-popup-content").inner_text()
    shot(page, "popup")
    assert page.csp_violations == []
    context.close()


def test_a_drawn_rectangle_reports_the_sql_totals_of_its_area(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/")
    _ready(page)
    page.evaluate("window.reviewMapInstance.setView([18.75, 105.6], 10)")
    _ready(page)
    # Draw with the mouse, as a user does: the rectangle tool, then a drag on the map.
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator("#review-map").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 150, y0 + 100, steps=5)
    page.mouse.move(x0 + 300, y0 + 220, steps=5)
    page.mouse.up()
    page.wait_for_function("() => document.body.dataset.areaState === 'ready'")
    shot(page, "drawn")
    area = page.evaluate("JSON.stringify(window.reviewMapArea())")
    count, floor = _sql(
        "SELECT count(*), coalesce(round(sum(floor_area)), 0) FROM inventory_premises "
        "WHERE deleted_at IS NULL AND ST_Intersects(location, ST_GeomFromGeoJSON(%s))",
        [area],
    )
    assert count > 0
    assert _summary(page, "count", "area-table") == count
    assert _summary(page, "floor_area", "area-table") == int(floor)
    assert json.loads(area)["type"] == "Polygon"
    assert page.csp_violations == []
    context.close()


def test_a_need_goes_to_an_approved_transfer_through_the_reallocation_page(browser, live_url, shot):
    need = Need.objects.filter(kind=NeedKind.FLOOR_AREA, status=NeedStatus.OPEN).order_by("code").first()
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/reallocation/")
    page.click(f"a[href='/maps/reallocation/{need.pk}/']")
    page.wait_for_selector("#reallocation-map .leaflet-marker-icon")
    shot(page, "candidates")
    first = page.locator("[data-testid=candidate]").first
    first.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=handling-status]")
    record = HandlingRecord.objects.get(need=need)
    assert Need.objects.get(pk=need.pk).status == NeedStatus.RESERVED
    assert record.status == HandlingStatus.PROPOSED and record.request_id is not None
    # The proposal is a request filed for the holder (Decree 186/2025): its file lacks the
    # documents, so Finance returns it, the documents are added, and the file goes on.
    page.goto(f"{live_url}/handling/requests/{record.request_id}/")
    if page.locator("[data-testid=missing-document]").count():
        page.fill("[data-testid=return-form] #id_comment", "Thiếu hồ sơ")
        page.click("[data-testid=return-form] button[type=submit]")
        confirm(page)
        page.wait_for_selector("[data-testid=resubmit-form]")
        for box in page.locator("[data-testid=resubmit-form] input[name=documents]").all():
            box.check()
        page.click("[data-testid=resubmit-form] button[type=submit]")
        confirm(page)
    page.wait_for_selector("[data-testid=complete-form]")
    page.click("[data-testid=complete-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=review-form]")
    page.fill("[data-testid=review-form] #id_opinion", "Đề nghị điều chuyển")
    page.click("[data-testid=review-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=decision-form]")
    page.fill("[data-testid=decision-form] #id_number", "215/QĐ-UBND")
    page.fill("[data-testid=decision-form] #id_date", timezone.localdate(record.created_at).isoformat())
    page.fill("[data-testid=decision-form] #id_signer", "Chủ tịch UBND tỉnh Nghệ An")
    page.click("[data-testid=decision-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=decision]")
    shot(page, "approved")
    record.refresh_from_db()
    assert record.status == HandlingStatus.APPROVED and record.decision.number == "215/QĐ-UBND"
    assert record.form.code in ("TRANSFER", "CONVERT_FUNCTION") and record.receiving_agency_id == need.agency_id
    page.goto(f"{live_url}/handling/{record.pk}/")
    assert page.locator("[data-testid=handling-status]").inner_text() == record.get_status_display()
    assert page.csp_violations == []
    context.close()
