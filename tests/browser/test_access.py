"""A Finance reviewer opens the access review in Chromium on the demo data and its synthetic
road network: the communes come ranked by the worst road distance to their headquarters
as the test works it out itself (networkx over the edges read from the database), and a
commune no road reaches shows its distances as estimates."""

import itertools

import pytest

from tests.browser.test_declaration_flow import login
from tests.maps.road_expectations import expected_access

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_access_review_ranking(browser, live_url, shot):
    expected = expected_access()
    context, page = login(browser, live_url, "demo-finance")
    page.goto(live_url + "/maps/access/")
    page.wait_for_selector("[data-testid=access-row]")
    page.wait_for_selector("#access-map path.leaflet-interactive")
    shot(page, "access-review")
    rows = page.locator("[data-testid=access-row]")
    assert rows.count() == len(expected) == 130
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    shown = [float(rows.nth(i).get_attribute("data-worst-m")) for i in range(rows.count())]
    # the page's figures are the test's own, to a metre (the page rounds to whole metres)
    for code, worst in zip(codes, shown, strict=True):
        assert worst == pytest.approx(expected[code]["worst"], abs=1.5), expected[code]["name"]
    # and the order is the order of the test's figures: worst first
    mine = sorted(expected, key=lambda c: (-round(expected[c]["worst"]), -expected[c]["average"], c))
    assert codes[:10] == mine[:10]
    ordered = [expected[c]["worst"] for c in codes]
    assert all(a >= b - 1.0 for a, b in itertools.pairwise(ordered))

    unroaded = page.locator("[data-testid=access-row]", has_text="Xã Mỹ Lý")
    assert unroaded.locator("[data-testid=row-estimate]").count() == 1
    assert "ước tính" in unroaded.inner_text()
    roaded_code = codes[0]
    assert expected[roaded_code]["estimate"] == (
        page.locator(f"[data-testid=access-row][data-code='{roaded_code}'] [data-testid=row-estimate]").count() == 1
    )

    # ranked by the average on request
    page.select_option("select[name=order]", "average")
    page.click("form.inline-form button[type=submit]")
    page.wait_for_selector("[data-testid=access-row]")
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    averages = [expected[c]["average"] for c in codes]
    assert all(a >= b - 1.0 for a, b in itertools.pairwise(averages))
    context.close()
