"""The handling request end to end in Chromium (issue 18): the commune declarant files a
request for a surplus premises of its agency with the documents of the file; Finance
finds the file complete, gives its opinion and records the decision. Screenshots of each
step go to test-artifacts/browser/<test>/."""

import uuid

import pytest

from inventory.choices import PremisesStatus
from inventory.models import HandlingRequest, Premises, User
from tests.browser.helpers import confirm
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_request_then_decision(browser, live_url, shot):
    declarant = User.objects.get(username="demo-commune")
    premises = (
        Premises.objects.visible_to(declarant)
        .filter(status=PremisesStatus.SURPLUS, handling_records__isnull=True, agency__is_active=True)
        .order_by("pk")
        .first()
    )
    assert premises is not None, "the demo commune has a surplus premises without handling"
    marker = f"thử nghiệm trình duyệt {uuid.uuid4().hex[:8]}"  # the session database is reused
    declarant_context, page = login(browser, live_url, "demo-commune")
    page.goto(live_url + "/handling/requests/new/")
    page.select_option("#id_agency", str(premises.agency_id))
    page.fill("#id_purpose", f"Trụ sở dôi dư sau sắp xếp ({marker})")
    page.fill("#id_superior_letter", "Công văn 40/UBND")
    for box in page.locator("input[name=documents]").all():
        box.check()
    page.fill("#id_lines-0-code", premises.code)
    page.select_option("#id_lines-0-form", "RECOVER")
    page.select_option("#id_lines-0-reason", "REC-REORG")
    shot(page, "request-form")
    page.click("[data-testid=request-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=request-status]")
    shot(page, "request-filed")
    request = HandlingRequest.objects.get(purpose__contains=marker)
    assert request.status == "submitted" and request.filed_by == declarant
    assert page.locator("[data-testid=complete-form]").count() == 0  # not the declarant's step
    declarant_context.close()

    finance_context, page = login(browser, live_url, "demo-finance")
    page.goto(f"{live_url}/handling/requests/{request.pk}/")
    page.click("[data-testid=complete-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=review-form]")
    page.fill("[data-testid=review-form] #id_opinion", "Đề nghị thu hồi")
    page.click("[data-testid=review-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=decision-form]")
    page.fill("[data-testid=decision-form] #id_number", "99/QĐ-UBND")
    page.fill("[data-testid=decision-form] #id_date", "2026-11-20")
    page.fill("[data-testid=decision-form] #id_signer", "Chủ tịch UBND tỉnh")
    page.click("[data-testid=decision-form] button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-testid=decision]")
    shot(page, "decided")
    assert "99/QĐ-UBND" in page.locator("[data-testid=decision]").inner_text()
    request.refresh_from_db()
    assert request.status == "decided" and request.decision.number == "99/QĐ-UBND"
    assert not page.csp_violations
    finance_context.close()
