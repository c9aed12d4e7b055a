"""The weekly return to the Ministry of Finance over two consecutive weeks, on top of the
demo data: what is processed stays counted (a site fully taken by partial transfers
too), an issued return is frozen, and only Finance issues it.

History is moved back in time (`backdate_history`) so that what the test does first
happened before last week's cut-off and what it does next before this week's. The
expected figures are worked out by hand from what the test does; the demo data does
not change between the two weeks, so the week-on-week changes are exactly ours."""

import copy
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inventory import weekly
from inventory.choices import PremisesStatus, Role
from inventory.models import Premises, WeeklyReturn
from inventory.services import handling, plans
from tests import factories

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY = ("inventory_premisesevent", "inventory_handlingrecordevent", "inventory_siteplanevent")
DECIDED = {"decision_number": "15/QĐ-UBND", "decider": "Chủ tịch UBND tỉnh"}


def last_friday_noon(now: dt.datetime) -> dt.datetime:
    """The default cut-off (Friday 12:00, Asia/Ho_Chi_Minh) last passed before `now`."""
    local = now.astimezone(TZ)
    friday = (local - dt.timedelta(days=(local.isoweekday() - 5) % 7)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    return friday if friday < local else friday - dt.timedelta(days=7)


def label(moment: dt.datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def backdate_before(cutoff: dt.datetime) -> None:
    """Move every event of the tables the return reads to just before `cutoff`'s day."""
    days = (timezone.now() - cutoff).days + 1
    for table in HISTORY:
        factories.backdate_history(table, days)


def carried_out(finance, premises, *, priority, floor_area=None, form="CONVERT_FUNCTION", receiver=None):
    proposal = handling.Proposal(
        form_code=form,
        intended_use="Sử dụng cho mục đích ưu tiên",
        priority_use_code=priority,
        floor_area=floor_area,
        receiving_agency=receiver,
        reason_code="TRF-SURPLUS" if form == "TRANSFER" else None,
    )
    record = factories.ready_for_decision(handling.propose(finance, proposal, premises=premises), finance)
    today = timezone.localdate()
    handling.approve(finance, record, decision_date=today, **DECIDED)
    handling.carry_out(finance, record, handover_number=f"BB-{record.pk}", handover_date=today)
    return record


def codes(figures, *path):
    block = figures
    for key in path:
        block = block[key]
    return {site["code"] for site in block["sites"]}


@pytest.fixture
def world():
    unit = factories.unit()
    finance = factories.user(role=Role.FINANCE)
    holder, receiver = factories.agency(unit), factories.agency(unit)
    sites = {
        "whole": factories.premises(admin_unit=unit, agency=holder, status=PremisesStatus.SURPLUS),
        "partly": factories.premises(
            admin_unit=unit, agency=holder, status=PremisesStatus.PARTLY_SURPLUS, surplus_floor_area=Decimal(200)
        ),
        "no_plan": factories.premises(admin_unit=unit, agency=holder, status=PremisesStatus.SURPLUS),
        "planned": factories.premises(admin_unit=unit, agency=holder, status=PremisesStatus.SURPLUS),
    }
    return {"unit": unit, "finance": finance, "holder": holder, "receiver": receiver, **sites}


def week_one(world):
    """Before last-but-one cut-off: one site handled whole for health, one partly
    transferred (100 of its 200 surplus m², for education), one site planned."""
    finance = world["finance"]
    carried_out(finance, world["whole"], priority="HEALTH")
    carried_out(
        finance,
        world["partly"],
        priority="EDUCATION",
        form="TRANSFER",
        floor_area=Decimal(100),
        receiver=world["receiver"],
    )
    today = timezone.localdate()
    plan = plans.save_plan(
        finance,
        world["planned"],
        {
            "managing_agency": world["holder"],
            "responsible_person": "Nguyễn Văn An",
            "use": "lend_commune",
            "borrower": world["receiver"],
            "start_date": today,
            "end_date": today + dt.timedelta(days=90),
        },
    )
    plans.approve_plan(finance, plan, decision_ref="1520/STC-QLCS")


def week_two(world):
    """Before the last cut-off: the rest of the partly surplus site transferred (it is now
    in other public use), and the site without a plan handed to the commune police."""
    finance = world["finance"]
    carried_out(
        finance,
        world["partly"],
        priority="EDUCATION",
        form="TRANSFER",
        floor_area=Decimal(100),
        receiver=world["receiver"],
    )
    carried_out(finance, world["no_plan"], priority="COMMUNE_POLICE")


USES = ("health", "education", "culture_sports", "commune_police", "office", "other")


def test_two_weeks_cumulative_and_frozen(world):
    finance = world["finance"]
    c2 = last_friday_noon(timezone.now())
    c1 = c2 - dt.timedelta(days=7)
    w1, w2 = label(c1), label(c2)

    week_one(world)
    backdate_before(c1)
    issued = weekly.issue(finance, w1)
    first = copy.deepcopy(issued.figures)
    assert first["week"] == w1
    assert dt.datetime.fromisoformat(first["cutoff"]) == c1
    code = {key: world[key].code for key in ("whole", "partly", "no_plan", "planned")}
    assert code["whole"] in codes(first, "processed", "health")
    assert code["partly"] in codes(first, "partly_surplus")
    assert {code["partly"], code["no_plan"], code["planned"]} <= codes(first, "remaining")
    assert {code["no_plan"], code["partly"]} <= codes(first, "without_plan")
    assert code["planned"] not in codes(first, "without_plan")
    processed_codes = set().union(*(codes(first, "processed", use) for use in USES))
    assert code["partly"] not in processed_codes and code["no_plan"] not in processed_codes

    week_two(world)
    backdate_before(c2)
    assert Premises.objects.get(pk=world["partly"].pk).status == PremisesStatus.OTHER_PUBLIC_USE
    second, frozen = weekly.weekly_return(finance, w2)
    assert frozen is None  # not issued: worked out now
    assert second["previous"] == {
        "week": w1,
        "issued": True,
        "counts": {**{u: first["processed"][u]["count"] for u in USES}, **_totals(first)},
    }
    # Every processed count of week 2 is at least week 1's.
    for use in USES:
        assert second["processed"][use]["count"] >= first["processed"][use]["count"], use
    assert second["processed_total"] >= first["processed_total"]
    # The partly surplus site fully taken by partial transfers is counted, for education.
    assert code["partly"] in codes(second, "processed", "education")
    assert code["no_plan"] in codes(second, "processed", "commune_police")
    assert code["whole"] in codes(second, "processed", "health")
    # The changes are ours, worked out by hand: two more sites processed, one fewer
    # partly surplus, two fewer remaining, and both had no approved plan.
    assert second["change"] == {
        "health": 0,
        "education": 1,
        "culture_sports": 0,
        "commune_police": 1,
        "office": 0,
        "other": 0,
        "processed_total": 2,
        "partly_surplus": -1,
        "remaining": -2,
        "without_plan": -2,
        "total": 0,
    }

    # The frozen week-1 return is unchanged after the later edits, and cannot be changed.
    again, frozen = weekly.weekly_return(finance, w1)
    assert frozen is not None and again == first
    assert WeeklyReturn.objects.get(week=w1).figures == first
    with pytest.raises(DatabaseError), transaction.atomic():
        WeeklyReturn.objects.filter(week=w1).update(figures={})
    with pytest.raises(DatabaseError), transaction.atomic():
        WeeklyReturn.objects.filter(week=w1).delete()
    assert WeeklyReturn.objects.get(week=w1).figures == first


def _totals(figures):
    return {
        "processed_total": figures["processed_total"],
        "partly_surplus": figures["partly_surplus"]["count"],
        "remaining": figures["remaining"]["count"],
        "without_plan": figures["without_plan"]["count"],
        "total": figures["total"],
    }


def test_a_processed_site_stays_counted_whatever_its_later_status(world):
    """Counted once, counted for good: a site of an issued return stays processed even
    if it is declared surplus again afterwards."""
    finance = world["finance"]
    c2 = last_friday_noon(timezone.now())
    c1 = c2 - dt.timedelta(days=7)
    carried_out(finance, world["whole"], priority="HEALTH")
    backdate_before(c1)
    weekly.issue(finance, label(c1))
    Premises.objects.filter(pk=world["whole"].pk).update(status=PremisesStatus.SURPLUS)
    backdate_before(c2)
    figures, _frozen = weekly.weekly_return(finance, label(c2))
    assert world["whole"].code in codes(figures, "processed", "health")
    assert world["whole"].code not in codes(figures, "remaining")


def test_refusals(world):
    finance = world["finance"]
    declarant = factories.declarant(world["unit"], agency=world["holder"])
    auditor = factories.user(role=Role.AUDITOR)
    this_week = weekly.current_week()
    last = label(last_friday_noon(timezone.now()))
    with pytest.raises(PermissionDenied):
        weekly.issue(declarant, last)
    with pytest.raises(PermissionDenied):
        weekly.issue(auditor, last)
    with pytest.raises(PermissionDenied):
        weekly.weekly_return(declarant, last)
    if weekly.cutoff_of(this_week) > timezone.now():
        with pytest.raises(ValidationError):
            weekly.issue(finance, this_week)
    weekly.issue(finance, last)
    with pytest.raises(ValidationError, match=r"đã được ban hành|already issued"):
        weekly.issue(finance, last)
    assert WeeklyReturn.objects.filter(week=last).count() == 1
    for bad in ("2026-48", "2026-W54", "W48", "", "2999-W01"):
        with pytest.raises(ValueError):
            weekly.parse_week(bad)


def test_cutoff_setting(settings):
    settings.WEEKLY_RETURN_CUTOFF = "THU 17:30"
    assert weekly.cutoff_of("2026-W48") == dt.datetime(2026, 11, 26, 17, 30, tzinfo=TZ)
    settings.WEEKLY_RETURN_CUTOFF = "FRI 12:00"
    assert weekly.cutoff_of("2026-W48") == dt.datetime(2026, 11, 27, 12, 0, tzinfo=TZ)
    settings.WEEKLY_RETURN_CUTOFF = "Friday noon"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        weekly.cutoff_of("2026-W48")


def test_api_page_and_workbook(client, world):
    finance, auditor = world["finance"], factories.user(role=Role.AUDITOR)
    declarant = factories.declarant(world["unit"], agency=world["holder"])
    last = label(last_friday_noon(timezone.now()))
    url = reverse("api:report-weekly")

    client.force_login(auditor)
    live = client.get(url, {"week": last})
    assert live.status_code == 200 and live.json()["frozen"] is False and live.json()["issued_by"] is None
    assert client.get(url, {"week": "2026-48"}).status_code == 400
    assert client.post(reverse("inventory:weekly_return_issue"), {"week": last}).status_code == 403

    client.force_login(declarant)
    assert client.get(url, {"week": last}).status_code == 403
    assert client.get(reverse("inventory:weekly_return"), {"week": last}).status_code == 403
    assert client.get(reverse("inventory:weekly_return_xlsx"), {"week": last}).status_code == 403

    client.force_login(finance)
    response = client.post(reverse("inventory:weekly_return_issue"), {"week": last})
    assert response.status_code == 302
    body = client.get(url, {"week": last}).json()
    assert body["frozen"] is True and body["issued_by"] == finance.username
    assert body["figures"] == WeeklyReturn.objects.get(week=last).figures
    page = client.get(reverse("inventory:weekly_return"), {"week": last})
    assert page.status_code == 200 and finance.username in page.content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("inventory:weekly_return_xlsx"), {"week": last}).content))
    sheet = workbook["Báo cáo tuần"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[4] == ["STT", "Chỉ tiêu", "Tuần này", "Tuần trước", "Tăng (+) / giảm (−)"]
    assert rows[2][0].startswith("Đã ban hành")
    remaining = next(r for r in rows if r[1] == "Số cơ sở còn lại chưa xử lý")
    assert remaining[2] == body["figures"]["remaining"]["count"]
