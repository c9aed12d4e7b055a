"""A Finance reviewer runs the archive siting study on the demo data in Chromium and sees
the ranked list and the map."""

import pytest

from maps.models import SitingStudy
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_run_a_siting_study(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/siting/")
    shot(page, "siting-form")
    page.click("[data-testid=run-study]")
    page.wait_for_selector("[data-testid=ranked] tr[data-code]")
    page.wait_for_selector("#siting-map .leaflet-marker-icon")
    shot(page, "siting-results")
    study = SitingStudy.objects.latest("pk")
    rows = page.locator("[data-testid=ranked] tr[data-code]")
    assert rows.count() == len(study.results["ranked"]) > 0
    assert rows.first.get_attribute("data-code") == study.results["ranked"][0]["code"]
    assert page.locator("#siting-map .leaflet-marker-icon").count() == len(study.results["ranked"])
    assert page.locator("[data-testid=excluded] tr[data-code]").count() == len(study.results["excluded"])  # folded
    context.close()
