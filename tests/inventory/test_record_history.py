"""The history tab of each record's page and the admin's history: who changed what and
when, before and after, in Vietnamese; the record as it stood at the end of a day; the
same scope as the record's page. Expectations are written out by hand."""

import datetime as dt
import re
from decimal import Decimal

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inventory.choices import ItemTarget, PremisesStatus, Role
from inventory.models import HandlingRecord, Need, Premises
from tests import factories

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible text, one space between words."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


@pytest.fixture
def edited():
    """A premises changed twice by two people: An renames it and puts its build year and
    cost; Bình moves it from surplus to under handling."""
    premises = factories.premises(name="Trụ sở cũ xã Hưng Lộc", status=PremisesStatus.SURPLUS)
    # Full names in first_name, as the demo users have them (Vietnamese order, family name first).
    an = factories.user(role=Role.FINANCE, first_name="Nguyễn Văn An")
    binh = factories.user(role=Role.FINANCE, first_name="Trần Thị Bình")
    with pghistory.context(user=an.pk):
        premises.name = "Nhà văn hóa Hưng Lộc"
        premises.year_built = 2008
        premises.original_cost = Decimal("1234567890")
        premises.save()
    with pghistory.context(user=binh.pk):
        premises.status = PremisesStatus.UNDER_HANDLING
        premises.save()
    return premises


def history_rows(response) -> list[list[str]]:
    """The cells of the history table, row by row."""
    table = response.content.decode().split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def test_two_edits_by_two_people_in_vietnamese(client_as, edited):
    response = client_as("demo-auditor").get(reverse("inventory:premises_history", args=[edited.pk]))
    assert response.status_code == 200
    rows = history_rows(response)
    today = timezone.localtime().strftime("%d/%m/%Y")
    # Newest first; the first row of an event carries when, what and who.
    assert rows[0][0].startswith(today)
    assert rows[0][1:] == ["sửa", "Trần Thị Bình", "Trạng thái", "Dôi dư", "Đang xử lý"]
    # An's change: its first row carries when, what and who, the next ones one field each.
    assert rows[1][1:3] == ["sửa", "Nguyễn Văn An"]
    an_rows = [rows[1][3:]]
    for row in rows[2:]:
        if len(row) != 3:
            break
        an_rows.append(row)
    an = {label: (before, after) for label, before, after in an_rows}
    assert an["Tên"] == ("Trụ sở cũ xã Hưng Lộc", "Nhà văn hóa Hưng Lộc")
    assert an["Năm xây dựng"] == ("—", "2008")  # a year is not grouped: not "2.008"
    assert an["Nguyên giá (đồng)"] == ("2.000.000.000", "1.234.567.890")
    assert "Giá trị còn lại tính kiểm tra (đồng)" in an  # the check, recomputed from the cost by the same save
    assert set(an) == {"Tên", "Năm xây dựng", "Nguyên giá (đồng)", "Giá trị còn lại tính kiểm tra (đồng)"}
    creation = rows[1 + len(an_rows)]
    assert creation[1:3] == ["tạo mới", "—"]  # made by the test, outside any request or command
    page = text(response)
    for raw in ("None", "update", "insert", "under_handling", "surplus", "2.008", "Phiên bản"):
        assert raw not in page


def test_the_record_as_it_stood_at_the_end_of_a_day(client_as, edited):
    client = client_as("demo-finance")
    url = reverse("inventory:premises_history", args=[edited.pk])
    today = timezone.localdate()
    response = client.get(url, {"as_of": today.isoformat()})
    values = response.content.decode().split('data-testid="as-of-values"', 1)[1].split("</table>", 1)[0]
    values = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", values))
    assert "Tên Nhà văn hóa Hưng Lộc" in values
    assert "Trạng thái Đang xử lý" in values
    assert "Năm xây dựng 2008" in values
    # The day before it was made: it did not exist.
    yesterday = (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.get(url, {"as_of": (today - dt.timedelta(days=1)).isoformat()})
    assert f"Cuối ngày {yesterday} hồ sơ này chưa có (hoặc đã bị xóa)." in text(response)


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("29/11/2026", "Ngày phải viết theo dạng"),
        ("2999-01-01", "Không thể lập báo cáo cho ngày trong tương lai."),
    ],
)
def test_a_bad_day_is_refused_with_a_message_and_the_changes_stay(client_as, edited, as_of, message):
    response = client_as("demo-finance").get(reverse("inventory:premises_history", args=[edited.pk]), {"as_of": as_of})
    assert response.status_code == 200
    assert message in text(response)
    assert history_rows(response)[0][2] == "Trần Thị Bình"


@pytest.fixture
def declaration(demo_user):
    """A draft declaration of the demo commune's declarant (a need in it)."""
    declarant = demo_user("demo-commune")
    item = factories.declare(declarant, ItemTarget.NEED, factories.need_form_data(declarant.agency))
    return item.declaration


def test_each_record_page_has_a_history_tab(client_as, declaration):
    client = client_as("demo-auditor")
    premises = Premises.objects.order_by("pk").first()
    record = HandlingRecord.objects.order_by("pk").first()
    for page, history in [
        (f"/declarations/premises/{premises.pk}/", f"/declarations/premises/{premises.pk}/history/"),
        (f"/declarations/{declaration.pk}/", f"/declarations/{declaration.pk}/history/"),
        (f"/handling/{record.pk}/", f"/handling/{record.pk}/history/"),
    ]:
        body = client.get(page).content.decode()
        assert f'href="{history}" data-testid="history-tab"' in body, page
        assert client.get(history).status_code == 200
    # Assets and needs: from their lists (their own page is the declarants' form).
    assert "/declarations/asset/" in client.get("/declarations/asset/").content.decode().split("/history/")[0]
    need = Need.objects.order_by("pk").first()
    assert f"/declarations/need/{need.pk}/history/" in client.get("/declarations/need/").content.decode()


def test_a_declarant_reads_its_own_units_history_and_no_other(client_as, demo_user, declaration):
    declarant = demo_user("demo-commune")
    own = factories.premises(admin_unit=declarant.admin_unit)
    other = factories.premises(admin_unit=factories.unit("Phường Trường Vinh"))
    client = client_as("demo-commune")
    assert client.get(f"/declarations/premises/{own.pk}/history/").status_code == 200
    assert client.get(f"/declarations/premises/{other.pk}/history/").status_code == 404
    assert client.get(f"/declarations/premises/{other.pk}/history/?as_of=2025-07-01").status_code == 404
    # Declarations and handling records: their history is the Finance department's (as in the API).
    assert client.get(f"/declarations/{declaration.pk}/").status_code == 200
    assert 'data-testid="history-tab"' not in client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert client.get(f"/declarations/{declaration.pk}/history/").status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    premises = Premises.objects.order_by("pk").first()
    response = client.get(f"/declarations/premises/{premises.pk}/history/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_admins_history_button_shows_the_changes(client_as, edited):
    response = client_as("demo-admin").get(reverse("admin:inventory_premises_history", args=[edited.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" in page
    assert "Dôi dư Đang xử lý" in page
    assert "không có một lịch sử thay đổi" not in page  # Django's own log knows nothing of these


def test_the_events_admin_reads_the_newest_events_by_key(client_as, edited):
    """The list reads at most one page of each event table, by primary key; it never runs
    pghistory's query over every event (its JSON of every row)."""
    client = client_as("demo-admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/pghistory/events/")
    assert response.status_code == 200
    page = text(response)
    assert "Thay đổi gần đây" in page
    assert "Trần Thị Bình" in page
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("JSONB_OBJECT_AGG" in s or "UNION ALL" in s for s in sql)
    assert len(sql) <= 80  # a few per event table, whatever the number of events
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/pghistory/events/", {"model": "inventory.PremisesEvent", "action": "update"})
    assert response.status_code == 200
    assert "Dôi dư → Đang xử lý" in text(response)
    assert len(queries.captured_queries) <= 25


def test_the_events_admin_answers_in_under_a_second_on_many_events(client_as, edited):
    """200,000 more events of premises (a province-sized history): the list still answers
    in under a second (pghistory's own took 6–18 s)."""
    import time

    table = Premises.events.rel.related_model._meta.db_table
    columns = [
        f.column
        for f in Premises.events.rel.related_model._meta.concrete_fields
        if f.column not in ("pgh_id", "pgh_created_at", "pgh_label")
    ]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (pgh_created_at, pgh_label, {names}) "
            f"SELECT now() - (g || ' seconds')::interval, 'update', {names} "
            f"FROM {table}, generate_series(1, 200000) g WHERE pgh_obj_id = %s AND pgh_label = 'insert'",
            [edited.pk],
        )
    client = client_as("demo-admin")
    client.get("/admin/pghistory/events/")  # warm
    started = time.monotonic()
    response = client.get("/admin/pghistory/events/")
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    started = time.monotonic()
    response = client.get("/admin/pghistory/events/", {"model": "inventory.PremisesEvent", "p": "3"})
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
