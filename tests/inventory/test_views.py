"""The home page: role, unit and real totals over what the user may see."""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

SQL = """
SELECT
  (SELECT count(*) FROM inventory_premises p JOIN inventory_agency pg ON pg.id = p.agency_id {pwhere}),
  (SELECT coalesce(sum(quantity), 0) FROM inventory_asset a JOIN inventory_agency g ON g.id = a.agency_id {awhere}),
  (SELECT coalesce(sum(book_remaining_value), 0)
     FROM inventory_premises p JOIN inventory_agency pg ON pg.id = p.agency_id {pwhere_and}
     status IN ('surplus', 'partly_surplus'))
  + (SELECT coalesce(sum(book_remaining_value), 0)
     FROM inventory_asset a JOIN inventory_agency g ON g.id = a.agency_id {awhere_and} a.status = 'surplus')
"""


def expected_totals(unit_id=None):
    if unit_id:
        parts = {
            "pwhere": f"WHERE pg.admin_unit_id = {int(unit_id)}",
            "awhere": f"WHERE g.admin_unit_id = {int(unit_id)}",
            "pwhere_and": f"WHERE pg.admin_unit_id = {int(unit_id)} AND",
            "awhere_and": f"WHERE g.admin_unit_id = {int(unit_id)} AND",
        }
    else:
        parts = {"pwhere": "", "awhere": "", "pwhere_and": "WHERE", "awhere_and": "WHERE"}
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(**parts))
        return cursor.fetchone()


def shown_totals(response):
    totals = response.context["totals"]
    return totals["premises_total"], totals["asset_items"], totals["surplus_value"]


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(reverse("inventory:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


@pytest.mark.parametrize("username", ["demo-finance", "demo-auditor", "demo-admin"])
def test_province_wide_roles_see_province_totals(client_as, username):
    response = client_as(username).get(reverse("inventory:home"))
    assert response.status_code == 200
    assert shown_totals(response) == tuple(expected_totals())
    assert expected_totals()[0] > 400


def test_commune_declarant_sees_only_its_unit(client_as, demo_user):
    user = demo_user("demo-commune")
    response = client_as("demo-commune").get(reverse("inventory:home"))
    shown = shown_totals(response)
    assert shown == tuple(expected_totals(user.admin_unit_id))
    assert 0 < shown[0] < expected_totals()[0]
    page = response.content.decode()
    assert "Phường Thành Vinh" in page


def test_page_is_vietnamese_by_default_and_english_on_request(client_as):
    client = client_as("demo-finance")
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Tài sản" in page and "Dôi dư" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Remaining value of surplus" in page


def test_home_totals_take_a_fixed_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("demo-finance")
    with django_assert_max_num_queries(10):
        client.get(reverse("inventory:home"))


@pytest.mark.parametrize(
    ("username", "present", "absent"),
    [
        ("demo-commune", ["premises_create", "excel_upload", "declaration_list"], ["review_queue", "admin:index"]),
        ("demo-finance", ["review_queue", "declaration_list"], ["premises_create", "admin:index"]),
        ("demo-auditor", ["declaration_list", "premises_list"], ["premises_create", "review_queue"]),
        ("demo-admin", ["admin:index", "review_queue"], ["premises_create"]),
    ],
)
def test_home_offers_the_entry_points_of_the_role(client_as, username, present, absent):
    page = client_as(username).get(reverse("inventory:home")).content.decode()
    start = page.index('data-testid="entry-points"')
    entries = page[start : page.index("</ul>", start)]
    for name in present:
        assert reverse(name if ":" in name else f"inventory:{name}") in entries, name
    for name in absent:
        assert reverse(name if ":" in name else f"inventory:{name}") not in entries, name
