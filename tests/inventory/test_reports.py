"""Reports: figures equal independent SQL aggregates; a report as of a past date gives
the figures from before a later change; exports carry the same figures; scope."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from inventory import reports
from inventory.choices import SURPLUS_POOL_STATUSES, PremisesStatus
from inventory.models import Premises
from inventory.services import handling as services
from tests import factories
from tests.factories import backdate_history

pytestmark = pytest.mark.django_db
POOL = "('surplus', 'partly_surplus', 'under_handling', 'handled')"
FLOOR = (
    "CASE WHEN p.status = 'partly_surplus' THEN coalesce(p.surplus_floor_area, 0) ELSE coalesce(p.floor_area, 0) END"
)
LAND = "CASE WHEN p.status = 'partly_surplus' THEN 0 ELSE coalesce(p.land_area, 0) END"


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _table(report, key):
    return next(t for t in report.tables if t.key == key)


def test_surplus_report_by_commune_equals_sql(demo_user):
    report = reports.surplus_report(demo_user("demo-finance"))
    expected = {
        name: (n, land, floor, done)
        for name, n, land, floor, done in _sql(
            f"SELECT u.name, count(*), sum({LAND}), sum({FLOOR}), count(*) FILTER (WHERE p.status = 'handled') "
            f"FROM inventory_premises p JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id "
            f"WHERE p.status IN {POOL} GROUP BY u.name"
        )
    }
    table = _table(report, "by_commune")
    got = {row[0]: (row[1], row[2], row[3], row[5]) for row in table.rows}
    assert got == expected
    assert table.total[1] == sum(v[0] for v in expected.values())


def test_surplus_report_by_form_and_priority_use_follows_handling_records(demo_user):
    finance = demo_user("demo-finance")
    premises = factories.premises(status=PremisesStatus.SURPLUS, floor_area=Decimal(640), footprint_area=Decimal(320))
    need = factories.need(floor_area=Decimal(100))
    need.priority_use = need.priority_use or __import__(
        "inventory.models", fromlist=["PriorityUse"]
    ).PriorityUse.objects.get(code="HEALTH")
    need.save()
    record = services.propose_transfer(finance, need, premises=premises)
    report = reports.surplus_report(finance)
    by_form = {row[0]: row for row in _table(report, "by_form").rows}
    by_use = {row[0]: row for row in _table(report, "by_priority_use").rows}
    expected_form = _sql(
        f"SELECT count(*), sum({FLOOR}) FROM inventory_premises p "
        f"JOIN inventory_handlingrecord h ON h.premises_id = p.id "
        f"WHERE p.status IN {POOL} AND h.status <> 'cancelled' AND h.form_id = %s",
        [record.form_id],
    )[0]
    assert (by_form[record.form.name][1], by_form[record.form.name][3]) == expected_form
    assert by_use["Y tế"][1] >= 1 and by_use["Y tế"][4] == by_use["Y tế"][1]  # with a plan
    assert (
        _table(report, "by_form").total[1]
        == _sql(f"SELECT count(*) FROM inventory_premises p WHERE p.status IN {POOL}")[0][0]
    )


def test_overdue_records_are_counted(demo_user):
    finance = demo_user("demo-finance")
    record = services.propose_handling(finance, factories.premises(), "RECOVER", intended_use="")
    type(record).objects.filter(pk=record.pk).update(decision_due=timezone.localdate() - dt.timedelta(days=1))
    table = _table(reports.surplus_report(finance), "by_form")
    assert (
        table.total[7] == type(record).objects.overdue().filter(premises__status__in=SURPLUS_POOL_STATUSES).count() >= 1
    )


def test_asset_report_equals_sql(demo_user):
    report = reports.asset_report(demo_user("demo-auditor"))
    expected = {
        name: (lines, items, value)
        for name, lines, items, value in _sql(
            "SELECT c.name, count(*), sum(a.quantity), coalesce(sum(a.remaining_value), 0) FROM inventory_asset a "
            "JOIN inventory_assetclass c ON c.id = a.asset_class_id GROUP BY c.name"
        )
    }
    got = {row[0]: (row[1], row[2], row[4]) for row in _table(report, "by_class").rows}
    assert got == expected


def test_a_report_as_of_yesterday_gives_the_figures_before_todays_change(demo_user):
    finance = demo_user("demo-finance")
    # Everything recorded so far is moved back two days, as if the data had been there since.
    for model in ("premises", "handlingrecord", "asset"):
        backdate_history(f"inventory_{model}event", days=2)
    before = reports.surplus_report(finance)
    before_assets = reports.asset_report(finance)
    target = Premises.objects.filter(status=PremisesStatus.IN_USE_HQ).first()
    target.status = PremisesStatus.SURPLUS
    target.save()
    services.propose_handling(
        finance, Premises.objects.filter(status=PremisesStatus.SURPLUS).first(), "SELL", intended_use=""
    )
    now = reports.surplus_report(finance)
    assert (
        _table(now, "by_form").total != _table(before, "by_form").total
        or _table(now, "by_form").rows != _table(before, "by_form").rows
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    past = reports.surplus_report(finance, as_of=yesterday)
    assert [t.rows for t in past.tables] == [t.rows for t in before.tables]
    assert [t.total for t in past.tables] == [t.total for t in before.tables]
    assert [t.rows for t in reports.asset_report(finance, as_of=yesterday).tables] == [
        t.rows for t in before_assets.tables
    ]
    # Before anything was recorded there was nothing to report.
    empty = reports.surplus_report(finance, as_of=timezone.localdate() - dt.timedelta(days=400))
    assert all(t.rows == [] for t in empty.tables)


def test_exports_carry_the_page_figures(client_as, demo_user):
    client = client_as("demo-finance")
    report = reports.surplus_report(demo_user("demo-finance"))
    table = _table(report, "by_commune")
    text = client.get("/reports/surplus.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # as Excel on a Vietnamese Windows reads it
    first = rows.index([table.title]) + 2
    assert rows[first][0] == table.rows[0][0] and int(rows[first][1]) == table.rows[0][1]
    workbook = load_workbook(io.BytesIO(client.get("/reports/surplus.xlsx").content))
    sheet = workbook[table.title[:31]]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert values[0][0] == table.rows[0][0] and values[0][1] == table.rows[0][1]
    assert values[-1][1] == table.total[1]


def test_report_pages_and_bad_dates(client_as):
    client = client_as("demo-finance")
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/?report=assets").status_code == 200
    assert client.get("/reports/?report=nonsense").status_code == 404
    bad = client.get("/reports/?as_of=31/12/2025", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert client.get(f"/reports/surplus.csv?as_of={future}").status_code == 400


def test_a_declarant_reports_on_their_own_unit_only(client_as, demo_user):
    declarant = demo_user("demo-commune")
    report = reports.surplus_report(declarant)
    own = Premises.objects.filter(agency__admin_unit=declarant.admin_unit_id, status__in=SURPLUS_POOL_STATUSES).count()
    assert _table(report, "by_commune").total[1] == own
    assert client_as("demo-commune").get("/reports/").status_code == 200


def test_reports_need_a_login(client, client_as):
    assert client.get("/reports/").status_code == 302
    assert client_as("demo-auditor").get("/reports/").status_code == 200  # auditors read reports too


def test_a_long_table_shows_its_first_500_rows_and_the_files_hold_every_row(client_as, demo_user):
    """demo-finance's assets by commune and class: one row per (commune, class) holding
    assets of its province (counted here in SQL); the page shows 500 of them and says so,
    the total row and the .csv count all of them."""
    province = demo_user("demo-finance").province_id
    (groups,) = _sql(
        "SELECT count(*) FROM (SELECT DISTINCT g.admin_unit_id, a.asset_class_id FROM inventory_asset a "
        "JOIN inventory_agency g ON g.id = a.agency_id WHERE a.deleted_at IS NULL AND a.province_id = %s) x",
        [province],
    )[0]
    (lines,) = _sql("SELECT count(*) FROM inventory_asset WHERE deleted_at IS NULL AND province_id = %s", [province])[0]
    assert groups > 500
    client = client_as("demo-finance")
    page = client.get("/reports/?report=assets", HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    section = html[html.index('data-testid="table-by_unit_class"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 1 + 500  # the heading row and 500 rows; the total row is class="sum"
    assert f"Hiển thị 500 dòng đầu trong tổng số {groups:,} dòng".replace(",", ".") in section
    total = section[section.index('<tr class="sum">') :]
    # the lines of every row, not of the 500 shown: the total row's first number cell
    assert re.search(r'<td class="num">([0-9.]+)</td>', total).group(1) == f"{lines:,}".replace(",", ".")
    text = client.get("/reports/assets.csv", HTTP_ACCEPT_LANGUAGE="vi").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    title = rows.index(["Theo xã, phường và loại tài sản"])
    body = rows[title + 2 :]  # after the title and the column headings
    assert next(i for i, row in enumerate(body) if row[0] == "Tổng") == groups
