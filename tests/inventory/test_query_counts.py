"""Query-count limits on every HTML and API list (issue 16): the number of queries a
list page takes does not grow with the rows it shows (the same for 5 rows as for 50),
and stays under a stated ceiling, as NetBox's list-endpoint baselines do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Premises
from tests import factories

pytestmark = pytest.mark.django_db

HTML_LISTS = [
    "inventory:declaration_list",
    "inventory:review_queue",
    "inventory:premises_list",
    "inventory:asset_list",
    "inventory:need_list",
    "inventory:handling_list",
    "inventory:request_list",
    "inventory:siteplan_list",
    "public:interests",
]
API_LISTS = [
    "admin-units",
    "agencies",
    "premises",
    "assets",
    "declarations",
    "needs",
    "handling-records",
    "site-plans",
    "handling-requests",
    "decisions",
    "history",
]
HTML_CEILING = 40
API_CEILING = 20


@pytest.fixture(autouse=True)
def more_rows(demo_user):
    """Rows for the lists the demo data leaves short: six submitted declarations (the
    review queue) and six site plans."""
    from inventory.models import PriorityUse
    from inventory.services import declarations, plans
    from tests.inventory.test_site_plans import data as plan_data

    declarant, finance = demo_user("demo-commune"), demo_user("demo-finance")
    for _ in range(6):
        item = factories.declare(declarant, "premises", factories.premises_form_data(declarant.agency))
        declarations.submit(declarant, item.declaration)
    use = PriorityUse.objects.order_by("sort_order").first()
    for site in Premises.objects.surplus().select_related("agency").order_by("code")[:6]:
        plans.save_plan(finance, site, plan_data(site.agency, priority_use=use))


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.parametrize("name", HTML_LISTS)
def test_html_lists_take_as_many_queries_for_5_rows_as_for_50(client_as, name):
    client = client_as("demo-finance")
    url = reverse(name)
    client.get(url)  # warm the per-process caches (content types, reference lists)
    small, few = _count(client, url, {"per_page": 5})
    large, many = _count(client, url, {"per_page": 50})
    shown_few, shown_many = len(few.context["page"]), len(many.context["page"])
    assert shown_few <= 5 and shown_many <= 50
    assert small == large, f"{name}: {small} queries for {shown_few} rows, {large} for {shown_many}"
    assert large <= HTML_CEILING


@pytest.mark.parametrize("name", API_LISTS)
def test_api_lists_take_as_many_queries_for_5_rows_as_for_50(client_as, name):
    client = client_as("demo-finance")
    url = f"/api/v1/{name}/"
    params = {"model": "premises"} if name == "history" else {}
    client.get(url, params)
    small, few = _count(client, url, {**params, "page_size": 5})
    large, many = _count(client, url, {**params, "page_size": 50})
    rows_few, rows_many = len(few.json()["results"]), len(many.json()["results"])
    assert rows_few <= 5 and rows_many <= 50
    assert small == large, f"{name}: {small} queries for {rows_few} rows, {large} for {rows_many}"
    assert large <= API_CEILING


def test_the_lists_show_more_rows_at_50_than_at_5(client_as):
    """The comparison above means something: the demo data fills a page of 50 in the big lists."""
    client = client_as("demo-finance")
    lists = ("premises_list", "asset_list", "handling_list", "declaration_list", "review_queue", "siteplan_list")
    for name in (f"inventory:{name}" for name in lists):
        assert len(client.get(reverse(name), {"per_page": 50}).context["page"]) > 5, name
    for name in ("premises", "assets", "agencies", "handling-records", "declarations", "site-plans"):
        assert len(client.get(f"/api/v1/{name}/", {"page_size": 50}).json()["results"]) > 5, name
