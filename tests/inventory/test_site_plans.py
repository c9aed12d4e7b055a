"""Site plans: drafted by the site's commune or Finance, approved by Finance, one approved
plan per site; every refusal changes nothing; a commune user sees only its own sites'
plans on the pages and in the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from inventory.choices import AgencyKind, PremisesStatus, Role, SitePlanStatus
from inventory.models import SitePlan
from inventory.services import plans
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def data(agency, **overrides):
    values = {
        "managing_agency": agency,
        "responsible_person": "Trần Thị Bình",
        "responsible_title": "Phó Chủ tịch UBND phường",
        "use": "priority_use",
        "priority_use": None,
        "start_date": TODAY,
        "end_date": TODAY + dt.timedelta(days=60),
    }
    values.update(overrides)
    return values


@pytest.fixture
def world():
    from inventory.models import PriorityUse

    a = factories.unit("Phường Thành Vinh")
    b = factories.unit("Phường Trường Vinh")
    agency_a, agency_b = factories.agency(a), factories.agency(b)
    return {
        "finance": factories.user(role=Role.FINANCE),
        "declarant_a": factories.declarant(a, agency=agency_a),
        "declarant_b": factories.declarant(b, agency=agency_b),
        "agency_a": agency_a,
        "agency_b": agency_b,
        "site_a": factories.premises(admin_unit=a, agency=agency_a, status=PremisesStatus.SURPLUS),
        "site_b": factories.premises(admin_unit=b, agency=agency_b, status=PremisesStatus.SURPLUS),
        "health": PriorityUse.objects.get(code="HEALTH"),
    }


def test_draft_approve_supersede_with_history(world):
    finance, declarant = world["finance"], world["declarant_a"]
    plan = plans.save_plan(declarant, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
    assert plan.status == SitePlanStatus.DRAFT and plan.created_by == declarant
    with pytest.raises(PermissionDenied):
        plans.approve_plan(declarant, plan, decision_ref="1/STC")
    approved = plans.approve_plan(finance, plan, decision_ref="1520/STC-QLCS")
    assert (approved.status, approved.approved_by, approved.decision_ref) == ("approved", finance, "1520/STC-QLCS")
    # An approved plan is not edited; a new draft replaces it when approved.
    with pytest.raises(ValidationError):
        plans.save_plan(declarant, world["site_a"], {"responsible_person": "Khác"}, plan=approved)
    newer = plans.save_plan(finance, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
    plans.approve_plan(finance, newer, decision_ref="1600/STC-QLCS")
    states = dict(SitePlan.objects.filter(premises=world["site_a"]).values_list("pk", "status"))
    assert states == {plan.pk: "superseded", newer.pk: "approved"}
    assert [e.status for e in plan.events.order_by("pgh_id")] == ["draft", "approved", "superseded"]


def test_refusals_change_nothing(world):
    declarant, finance = world["declarant_a"], world["finance"]
    with translation.override("vi"):
        with pytest.raises(ValidationError) as no_use:
            plans.save_plan(declarant, world["site_a"], data(world["agency_a"]))
        assert "ưu tiên" in str(no_use.value.message_dict["priority_use"])
        with pytest.raises(ValidationError) as lending:
            plans.save_plan(declarant, world["site_a"], data(world["agency_a"], use="lend_agency"))
        assert "borrower" in lending.value.message_dict
        school = factories.agency(world["agency_a"].admin_unit)
        school.kind = AgencyKind.PUBLIC_SERVICE_UNIT
        school.save()
        with pytest.raises(ValidationError) as not_commune:
            plans.save_plan(declarant, world["site_a"], data(world["agency_a"], use="lend_commune", borrower=school))
        assert "Ủy ban nhân dân" in " ".join(not_commune.value.message_dict["borrower"])
        with pytest.raises(ValidationError) as backwards:
            plans.save_plan(
                declarant,
                world["site_a"],
                data(world["agency_a"], priority_use=world["health"], end_date=TODAY - dt.timedelta(days=1)),
            )
        assert "end_date" in backwards.value.message_dict
        with pytest.raises(PermissionDenied):  # another commune's site
            plans.save_plan(declarant, world["site_b"], data(world["agency_a"], priority_use=world["health"]))
        with pytest.raises(ValidationError) as foreign:  # another commune's agency as managing unit
            plans.save_plan(declarant, world["site_a"], data(world["agency_b"], priority_use=world["health"]))
        assert "managing_agency" in foreign.value.message_dict
        hq = factories.premises(agency=world["agency_a"], status=PremisesStatus.IN_USE_HQ)
        with pytest.raises(ValidationError):  # a site in use needs no plan
            plans.save_plan(finance, hq, data(world["agency_a"], priority_use=world["health"]))
        plan = plans.save_plan(finance, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
        with pytest.raises(ValidationError):
            plans.approve_plan(finance, plan, decision_ref="  ")
    assert SitePlan.objects.filter(premises__in=[world["site_a"], world["site_b"], hq]).count() == 1
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.approved_by is None


def test_commune_user_sees_only_its_sites_plans(client, world):
    finance = world["finance"]
    plan_a = plans.save_plan(finance, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
    plan_b = plans.save_plan(finance, world["site_b"], data(world["agency_b"], priority_use=world["health"]))
    client.force_login(world["declarant_a"])
    api = client.get(reverse("api:site-plan-list"), {"page_size": 500}).json()
    ids = {row["id"] for row in api["results"]}
    assert plan_a.pk in ids and plan_b.pk not in ids
    assert client.get(reverse("api:site-plan-detail", args=[plan_b.pk])).status_code == 404
    assert client.post(reverse("api:site-plan-approve", args=[plan_a.pk]), {"decision_ref": "x"}).status_code == 403
    page = client.get(reverse("inventory:siteplan_list")).content.decode()
    assert world["site_a"].code in page and world["site_b"].code not in page
    assert client.get(reverse("inventory:siteplan_edit", args=[plan_b.pk])).status_code == 404
    assert client.get(reverse("inventory:siteplan_create"), {"premises": world["site_b"].pk}).status_code == 404
    assert (
        client.post(reverse("inventory:siteplan_approve", args=[plan_a.pk]), {"decision_ref": "x"}).status_code == 403
    )

    client.force_login(finance)
    ids = {row["id"] for row in client.get(reverse("api:site-plan-list"), {"page_size": 500}).json()["results"]}
    assert {plan_a.pk, plan_b.pk} <= ids
    response = client.post(
        reverse("api:site-plan-approve", args=[plan_b.pk]),
        {"decision_ref": "1520/STC-QLCS"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    approved = client.get(reverse("api:site-plan-list"), {"status": "approved", "page_size": 500}).json()["results"]
    assert plan_b.pk in {row["id"] for row in approved} and plan_a.pk not in {row["id"] for row in approved}


def test_pages_draft_and_approve(client, world):
    client.force_login(world["declarant_a"])
    create = reverse("inventory:siteplan_create") + f"?premises={world['site_a'].pk}"
    assert client.get(create).status_code == 200
    form = {
        "managing_agency": world["agency_a"].pk,
        "responsible_person": "Lê Văn Cường",
        "use": "lend_commune",
        "borrower": world["agency_a"].pk,
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    bad = client.post(create, {**form, "borrower": ""})
    assert bad.status_code == 400 and not SitePlan.objects.filter(premises=world["site_a"]).exists()
    response = client.post(create, form)
    assert response.status_code == 302
    plan = SitePlan.objects.get(premises=world["site_a"])
    list_page = client.get(reverse("inventory:siteplan_list")).content.decode()
    assert world["site_a"].code in list_page  # still without an approved plan
    client.force_login(world["finance"])
    response = client.post(
        reverse("inventory:siteplan_approve", args=[plan.pk]),
        {"decision_ref": "1520/STC-QLCS", "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == world["finance"]
    from inventory.models import Premises

    assert not Premises.objects.without_approved_plan().filter(pk=world["site_a"].pk).exists()
    assert Premises.objects.without_approved_plan().filter(pk=world["site_b"].pk).exists()


def test_map_and_report_show_sites_without_a_plan(client, world):
    """Approving the plan of one site of unit A takes exactly that site out of the count
    on A's map, the map filter and A's row of the surplus report; B's are unchanged."""
    finance = world["finance"]

    def figures():
        client.force_login(world["declarant_a"])
        page = client.get(reverse("maps:review_map"))
        count = page.context["without_plan_count"]
        filtered = client.get(reverse("maps:map_totals"), {"without_plan": "true"}).json()["count"]
        client.force_login(finance)
        report = client.get(reverse("api:report", args=["surplus"])).json()
        by_commune = next(t for t in report["tables"] if t["key"] == "by_commune")
        rows = {row[0]: row[-1] for row in by_commune["rows"]}
        return (
            count,
            filtered,
            rows[world["site_a"].admin_unit.name],
            rows[world["site_b"].admin_unit.name],
        )

    before = figures()
    assert before[0] == before[1] >= 1  # the count and the map filter agree; site_a is one of them
    plan = plans.save_plan(finance, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
    assert figures() == before  # a draft is not a plan yet
    plans.approve_plan(finance, plan, decision_ref="1520/STC-QLCS")
    assert figures() == (before[0] - 1, before[1] - 1, before[2] - 1, before[3])


def test_the_api_list_does_not_grow_in_queries_with_the_rows(client, world):
    finance = world["finance"]
    client.force_login(finance)
    url = reverse("api:site-plan-list")

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    plans.save_plan(finance, world["site_a"], data(world["agency_a"], priority_use=world["health"]))
    few = queries()
    for _ in range(5):
        site = factories.premises(agency=world["agency_a"], status=PremisesStatus.SURPLUS)
        plans.save_plan(finance, site, data(world["agency_a"], priority_use=world["health"]))
    assert queries() == few
