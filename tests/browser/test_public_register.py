"""The public register in Chromium, without a login (issue 17): the map of published
sites, a marker's popup and the site's page."""

import pytest

from inventory.choices import PremisesStatus
from inventory.services import public as services

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def published_demo_site(django_db_setup, django_db_blocker):
    """A demo site under handling, published and committed (the live server reads only
    committed data); the listing is removed afterwards (demo data may be deleted)."""
    from inventory.models import Premises, User

    with django_db_blocker.unblock():
        site = Premises.objects.filter(status=PremisesStatus.UNDER_HANDLING, is_demo=True).order_by("code").first()
        listing = services.publish(User.objects.get(username="demo-finance"), site, "Công khai thử trên bản đồ.")
        yield site
        listing.delete()


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_the_map_and_a_site_page_open_without_login(published_demo_site, live_url, page):
    page.goto(live_url + "/cong-khai/")
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")
    assert int(page.evaluate("document.body.dataset.mapFeatures")) >= 1
    markers = page.locator("#public-map .leaflet-marker-icon")
    assert markers.count() >= 1
    assert page.locator("[data-testid=public-list]").inner_text().count(published_demo_site.code) == 1
    page.evaluate(
        "code => window.publicMapInstance.eachLayer(l => { if (l.feature && l.feature.properties.code === code)"
        " { l.openPopup(); } })",
        published_demo_site.code,
    )
    popup = page.locator(".leaflet-popup-content")
    assert published_demo_site.name in popup.inner_text()
    popup.locator("a").click()
    page.wait_for_url(f"**/cong-khai/co-so/{published_demo_site.code}/")
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")
    assert page.locator("[data-testid=public-site-name]").inner_text() == published_demo_site.name
    assert page.locator("#public-site-map .leaflet-marker-icon").count() == 1
    assert "Công khai thử trên bản đồ." in page.locator("[data-testid=public-summary]").inner_text()
    assert page.locator("[data-testid=current-user]").count() == 0  # nobody is logged in
