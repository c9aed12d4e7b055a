"""A record's history tab after two edits by two people: both edits, with the people's
names, the fields' Vietnamese labels and the statuses' Vietnamese names, before and after.
The edits are made in the admin's change form by two administrators, in Chromium; a
Finance reviewer then reads the premises' history tab."""

import secrets

import pytest
from django.db import connection
from django.utils import timezone

from inventory.choices import AgencyKind, PremisesStatus, Role
from inventory.models import Agency, House, Premises, User
from tests import factories
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "x-Strong-Password-9"  # factories.user's


@pytest.fixture(scope="module")
def edited(django_db_setup, django_db_blocker):
    """Committed rows (the live server has its own session): a surplus demo premises and
    two administrators with Vietnamese names."""
    with django_db_blocker.unblock():
        tag = secrets.token_hex(3).upper()
        # Own codes (an interrupted run may leave its rows with --reuse-db), demo rows (deletable).
        unit = factories.unit()
        agency = Agency(
            code=f"T-LS-{tag}",
            name="UBND xã thử lịch sử",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            admin_unit=unit,
            is_demo=True,
        )
        agency.full_clean()
        agency.save()
        premises = factories.premises(
            code=f"T-LS-{tag}",
            name="Trụ sở cũ xã thử nghiệm",
            status=PremisesStatus.SURPLUS,
            admin_unit=unit,
            agency=agency,
            is_demo=True,
        )
        people = [
            factories.user(role=Role.ADMIN, is_staff=True, is_superuser=True, first_name=name)
            for name in ("Nguyễn Văn An", "Trần Thị Bình")
        ]
        yield premises, people
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM maps_sitingstudy_candidates WHERE premises_id = %s", [premises.pk])
        House.all_objects.filter(premises=premises).delete()
        Premises.all_objects.filter(pk=premises.pk).delete()
        Agency.objects.filter(pk=agency.pk).delete()
        User.objects.filter(pk__in=[p.pk for p in people]).delete()


def admin_edit(browser, live_url, user, premises, fill):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_url}/admin/inventory/premises/{premises.pk}/change/")
    fill(page)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    context.close()


def test_history_tab_shows_two_edits_by_two_people_in_vietnamese(browser, live_url, edited, shot):
    premises, (an, binh) = edited
    admin_edit(browser, live_url, an, premises, lambda page: page.fill("#id_name", "Trụ sở xã thử nghiệm (đổi tên)"))
    admin_edit(
        browser, live_url, binh, premises, lambda page: page.select_option("#id_status", PremisesStatus.UNDER_HANDLING)
    )

    context, page = login(browser, live_url, "demo-finance")
    page.goto(f"{live_url}/declarations/premises/{premises.pk}/")
    page.click("[data-testid=history-tab]")
    page.wait_for_selector("[data-testid=history]")
    shot(page, "history-tab")
    events = page.locator("[data-testid=history] tbody tr.history-event")
    table = page.inner_text("[data-testid=history]")

    # Newest first: Bình's status change, An's renaming, then the creation.
    actors = page.locator("[data-testid=history-actor]").all_inner_texts()
    assert actors[:2] == ["Trần Thị Bình", "Nguyễn Văn An"]
    rows = [[cell.strip() for cell in row.split("\t")] for row in events.all_inner_texts()]
    assert rows[0][1:] == ["sửa", "Trần Thị Bình", "Trạng thái", "Dôi dư", "Đang xử lý"]
    assert rows[1][1:] == [
        "sửa",
        "Nguyễn Văn An",
        "Tên",
        "Trụ sở cũ xã thử nghiệm",
        "Trụ sở xã thử nghiệm (đổi tên)",
    ]
    # Vietnamese throughout: no raw values, no English actions, no "None".
    for english in ("update", "insert", "None", "surplus", "under_handling"):
        assert english not in table
    assert "Phiên bản" not in table  # the version counter is not a change people make

    # As of today (Viet Nam's day, which is UTC's next day in the evening): the record as it stands now.
    page.fill("#as_of", "")
    page.goto(f"{page.url.split('?')[0]}?as_of={timezone.localdate(premises.created_at).isoformat()}")
    values = page.inner_text("[data-testid=as-of-values]")
    assert "Trụ sở xã thử nghiệm (đổi tên)" in values
    assert "Đang xử lý" in values
    shot(page, "as-of")
    context.close()
