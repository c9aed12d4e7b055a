"""Pages with third-party scripts work under the content security policy: the admin's
map widget and the API's interactive documentation."""

import pytest

from inventory.models import Premises
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_admin_map_and_api_docs_work_under_the_policy(browser, live_url, shot):
    context, page = login(browser, live_url, "demo-admin")
    premises = Premises.objects.order_by("pk").first()
    page.goto(f"{live_url}/admin/inventory/premises/{premises.pk}/change/")
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon, .leaflet-container path.leaflet-interactive")
    shot(page, "admin-map")
    page.goto(f"{live_url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    shot(page, "api-docs")
    assert page.csp_violations == []
    context.close()
