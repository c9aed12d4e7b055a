"""The handling procedure of Decree 186/2025 (issue 18): a request for three asset lines
and a partly surplus premises goes request → returned for a missing document → complete
→ Finance review → one decision → hand-overs (one of them temporary, before the
decision, letter 8400/BTC-QLCS) → closed, with the actor of each step in the history;
every refusal gives a clear Vietnamese message and changes nothing.

Expectations are worked out by hand here: deadlines from the articles quoted in
LEGAL.md (20 days for the decision from a complete file, 30 for a transfer's hand-over,
30 for the liquidation of a machine, 6 months of validity of a sale, 30 days to decide
after a temporary hand-over, 30 days for the accounts after a hand-over)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from inventory.choices import AgencyKind, AssetStatus, HandlingStatus, PremisesStatus, RequestStatus, Role
from inventory.models import AssetClass, Decision, HandlingRecord, HandlingRequest, RequiredDocument
from inventory.models.reference import add_months
from inventory.services import handling as services
from tests import factories

TODAY = timezone.localdate()
# Every document of this request's file but the repair estimate of the damaged machine.
FIRST_FILE = {
    "DOC-REQUEST": "Tờ trình số 12/TTr-UBND",
    "DOC-SUPERIOR": "Công văn 40/UBND",
    "DOC-LIST": "Danh mục kèm theo",
    "DOC-LAND-CERT": "GCN số BĐ 123456",
    "DOC-RECEIVER": "Công văn đề nghị tiếp nhận 8/TTVH",
    "DOC-STATE": "Biên bản hiện trạng ngày 2/11",
}


@pytest.fixture
def world(db):
    commune = factories.unit("Phường Thành Vinh")
    holder = factories.agency(commune, kind=AgencyKind.COMMUNE_COMMITTEE)
    receiver = factories.agency(commune, kind=AgencyKind.PUBLIC_SERVICE_UNIT, name="Trung tâm Văn hóa - Thể thao xã")
    premises = factories.premises(
        agency=holder,
        admin_unit=commune,
        status=PremisesStatus.PARTLY_SURPLUS,
        surplus_floor_area=Decimal(400),
        book_remaining_value=Decimal(1_200_000_000),
    )
    computer = factories.asset(agency=holder, status=AssetStatus.SURPLUS, name="Máy vi tính để bàn")
    copier = factories.asset(
        agency=holder,
        status=AssetStatus.SURPLUS,
        name="Máy photocopy hỏng",
        asset_class=AssetClass.objects.get(code="MMTB-VP"),
        original_cost=Decimal(60_000_000),
    )
    car = factories.asset(
        agency=holder,
        status=AssetStatus.SURPLUS,
        name="Xe ô tô 7 chỗ",
        plate_number="37A-123.45",
        asset_class=AssetClass.objects.get(code="OTO"),
        original_cost=Decimal(900_000_000),
    )
    return {
        "commune": commune,
        "holder": holder,
        "receiver": receiver,
        "premises": premises,
        "computer": computer,
        "copier": copier,
        "car": car,
        "declarant": factories.declarant(commune),
        "finance": factories.user(Role.FINANCE),
        "stranger": factories.declarant(factories.unit("Xã Nghĩa Đàn")),
    }


def lines(w, **changes):
    """The four lines of the issue's request; `changes` replaces fields of a line by name."""
    specs = {
        "premises": services.Proposal(
            form_code="TRANSFER",
            reason_code="TRF-SURPLUS",
            premises=w["premises"],
            floor_area=Decimal(150),
            receiving_agency=w["receiver"],
            intended_use="Nhà văn hóa xã",
        ),
        "computer": services.Proposal(
            form_code="TRANSFER",
            reason_code="TRF-EFFICIENT",
            asset=w["computer"],
            receiving_agency=w["receiver"],
            temporary_handover=True,
        ),
        "copier": services.Proposal(form_code="LIQUIDATE", reason_code="LIQ-DAMAGED", asset=w["copier"]),
        "car": services.Proposal(form_code="SELL", reason_code="SELL-NO-NEED", asset=w["car"]),
    }
    for name, values in changes.items():
        for key, value in values.items():
            setattr(specs[name], key, value)
    return list(specs.values())


def file(w, actor=None, documents=None, **changes):
    return services.file_request(
        actor or w["declarant"],
        w["holder"],
        lines(w, **changes),
        purpose="Tài sản dôi dư sau sắp xếp",
        superior_letter="Công văn 40/UBND ngày 1/11/2026",
        documents=FIRST_FILE if documents is None else documents,
    )


def line_of(request, subject):
    field = "premises" if subject.__class__.__name__ == "Premises" else "asset"
    return request.lines.get(**{field: subject})


def snapshot():
    """What a refused step must leave unchanged."""
    return (
        list(HandlingRequest.objects.order_by("pk").values_list("pk", "status", "version")),
        list(HandlingRecord.objects.order_by("pk").values_list("pk", "status", "version")),
        Decision.objects.count(),
    )


def refused(call, exception=ValidationError) -> str:
    """Run a step that must be refused; its message in Vietnamese, nothing changed."""
    before = snapshot()
    with translation.override("vi"), pytest.raises(exception) as caught:
        call()
    assert snapshot() == before
    error = caught.value
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def actors(obj) -> list[tuple[str, int | None]]:
    """(step, user id) of each history event of a row, oldest first."""
    return [
        (e.pgh_context.metadata.get("step"), e.pgh_context.metadata.get("user"))
        for e in obj.events.order_by("pgh_id").select_related("pgh_context")
        if e.pgh_context_id
    ]


@pytest.mark.django_db
def test_the_whole_procedure_of_the_issue(world):
    w = world
    declarant, finance = w["declarant"], w["finance"]
    request = file(w)
    assert (request.status, request.filed_by, request.lines.count()) == (RequestStatus.SUBMITTED, declarant, 4)
    assert all(line.decision_due is None for line in request.lines.all())  # no clock before a complete file

    # Finance finds the repair estimate missing: marking complete is refused, the file returned.
    message = refused(lambda: services.mark_complete(finance, request))
    assert "Dự toán sửa chữa" in message
    services.return_request(finance, request, "Thiếu dự toán sửa chữa máy photocopy")
    request.refresh_from_db()
    assert (request.status, request.returned_by) == (RequestStatus.RETURNED, finance)

    # The agency adds it and files again; Finance finds the file complete.
    services.resubmit(declarant, request, documents={"DOC-REPAIR-ESTIMATE": "Dự toán ngày 10/11"})
    services.mark_complete(finance, request)
    request.refresh_from_db()
    assert (request.status, request.completed_on, request.completed_by) == (RequestStatus.COMPLETE, TODAY, finance)
    for line in request.lines.all():
        assert line.decision_due == TODAY + dt.timedelta(days=20)  # Arts. 21, 23, 29

    # The computer is handed over at once (temporary hand-over of a transfer).
    computer = services.carry_out(
        finance, line_of(request, w["computer"]), handover_number="BB-01", handover_date=TODAY
    )
    assert computer.status == HandlingStatus.CARRIED_OUT and computer.decision_id is None
    assert computer.decision_due == TODAY + dt.timedelta(days=30)  # letter 8400/BTC-QLCS
    w["computer"].refresh_from_db()
    assert (w["computer"].agency, w["computer"].status) == (w["receiver"], AssetStatus.IN_USE)
    # It cannot be closed until its decision is recorded.
    assert "quyết định" in refused(lambda: services.close(finance, computer)).lower()

    services.review(finance, request, opinion="Đề nghị phê duyệt", draft_decision="Dự thảo quyết định")
    request.refresh_from_db()
    assert (request.status, request.reviewed_by) == (RequestStatus.REVIEWED, finance)

    decision = services.decide(
        finance, request, number="45/QĐ-UBND", date=TODAY, signer="Nguyễn Văn A", seller="Trung tâm đấu giá"
    )
    assert decision.authority.code == "CT-UBND-TINH" and decision.valid_until == add_months(TODAY, 6)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED
    assert set(decision.lines.values_list("pk", flat=True)) == set(request.lines.values_list("pk", flat=True))
    premises_line, copier, car = (line_of(request, w[k]) for k in ("premises", "copier", "car"))
    assert (premises_line.status, premises_line.deadline) == (HandlingStatus.APPROVED, TODAY + dt.timedelta(days=30))
    assert copier.deadline == TODAY + dt.timedelta(days=30)  # a machine: 30 days (Art. 29)
    assert car.deadline == add_months(TODAY, 6) and car.sale_method == "auction"
    computer.refresh_from_db()
    assert computer.status == HandlingStatus.CARRIED_OUT and computer.decision == decision

    # The book value of the premises line is its share of the floor area: 150 of 600 m².
    assert services.prorated(services.book_value(premises_line), premises_line) == Decimal(300_000_000)

    for line, number in ((premises_line, "BB-02"), (copier, "BB-03"), (car, "BB-04")):
        services.carry_out(finance, line, handover_number=number, handover_date=TODAY, documents="Hồ sơ kèm theo")
    w["premises"].refresh_from_db()
    assert (w["premises"].status, w["premises"].surplus_floor_area) == (PremisesStatus.PARTLY_SURPLUS, Decimal(250))
    for line in request.lines.all():
        assert line.accounts_due == TODAY + dt.timedelta(days=30)
        services.close(finance, line)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED

    # History: who did each step of the request.
    steps = actors(request)
    for step, who in [
        ("file", declarant.pk),
        ("return", finance.pk),
        ("resubmit", declarant.pk),
        ("complete", finance.pk),
        ("review", finance.pk),
        ("decide", finance.pk),
        ("close", finance.pk),
    ]:
        assert (step, who) in steps
    assert ("handover", finance.pk) in actors(computer)


@pytest.mark.django_db
def test_a_transfer_to_an_agency_of_another_kind_is_refused(world):
    w = world
    company = factories.agency(w["commune"], kind=AgencyKind.OTHER, name="Công ty TNHH Thử")
    message = refused(lambda: file(w, premises={"receiving_agency": company}))
    assert "không thể nhận điều chuyển" in message and "Điều 42.2" in message


@pytest.mark.django_db
def test_a_reason_of_another_form_is_refused(world):
    message = refused(lambda: file(world, copier={"reason_code": "TRF-SURPLUS"}))
    assert "thuộc hình thức" in message


@pytest.mark.django_db
def test_a_form_that_does_not_apply_to_the_record_is_refused(world):
    # "Keep in use" is for houses and land, not for a computer.
    message = refused(
        lambda: file(world, computer={"form_code": "KEEP", "reason_code": None, "temporary_handover": False})
    )
    assert "không áp dụng" in message


@pytest.mark.django_db
def test_a_hand_over_before_the_decision_without_the_temporary_flag_is_refused(world):
    w = world
    request = factories.ready_for_decision(file(w).lines.first(), w["finance"]).request
    copier = line_of(request, w["copier"])
    message = refused(lambda: services.carry_out(w["finance"], copier, handover_number="BB", handover_date=TODAY))
    assert "8400/BTC-QLCS" in message
    # Only a transfer may carry the flag.
    machine = factories.asset(agency=w["holder"], status=AssetStatus.SURPLUS)
    flagged = services.Proposal(form_code="LIQUIDATE", asset=machine, temporary_handover=True)
    message = refused(lambda: services.file_request(w["finance"], w["holder"], [flagged]))
    assert "điều chuyển" in message.lower()


@pytest.mark.django_db
def test_steps_by_the_wrong_role_or_another_commune_are_refused(world):
    w = world
    # A declarant of another commune cannot file for this commune's agency...
    message = refused(lambda: file(w, actor=w["stranger"]), PermissionDenied)
    assert "đơn vị của mình" in message
    request = file(w)
    # ...nor answer its return; and a declarant cannot take Finance's steps.
    services.return_request(w["finance"], request, "Thiếu dự toán")
    assert refused(lambda: services.resubmit(w["stranger"], request), PermissionDenied)
    services.resubmit(w["declarant"], request, documents={"DOC-REPAIR-ESTIMATE": "có"})
    for step in (
        lambda: services.mark_complete(w["declarant"], request),
        lambda: services.return_request(w["declarant"], request, "x"),
        lambda: services.review(w["declarant"], request, opinion="x"),
    ):
        assert "Sở Tài chính" in refused(step, PermissionDenied)
    auditor = factories.user(Role.AUDITOR)
    assert refused(lambda: services.mark_complete(auditor, request), PermissionDenied)
    # The stranger does not even see the request.
    assert not HandlingRequest.objects.visible_to(w["stranger"]).filter(pk=request.pk).exists()
    assert HandlingRequest.objects.visible_to(w["declarant"]).filter(pk=request.pk).exists()


@pytest.mark.django_db
def test_a_decision_before_the_review_is_refused(world):
    w = world
    request = file(w, documents={**FIRST_FILE, "DOC-REPAIR-ESTIMATE": "có"})
    services.mark_complete(w["finance"], request)
    message = refused(lambda: services.decide(w["finance"], request, number="1", date=TODAY, signer="A"))
    assert "không thể chuyển" in message or "cannot become" in message


@pytest.mark.django_db
def test_sale_methods_keep_to_the_decree_limits(world):
    w = world
    # A car: only at auction, whatever its value.
    message = refused(lambda: file(w, car={"sale_method": "direct", "revalued_value": Decimal(5_000_000)}))
    assert "đấu giá" in message
    # A machine of 20 million per unit revalued at 15 million may be sold at a posted price
    # (cost < 250 million, value in [10, 50) million); at 60 million it may not.
    machine = factories.asset(agency=w["holder"], status=AssetStatus.SURPLUS)
    posted = services.Proposal(
        form_code="SELL", asset=machine, sale_method="posted_price", revalued_value=Decimal(15_000_000)
    )
    request = services.file_request(w["declarant"], w["holder"], [posted])
    assert request.lines.get().sale_method == "posted_price"
    other = factories.asset(agency=w["holder"], status=AssetStatus.SURPLUS)
    too_much = services.Proposal(
        form_code="SELL", asset=other, sale_method="posted_price", revalued_value=Decimal(60_000_000)
    )
    assert "đấu giá" in refused(lambda: services.file_request(w["declarant"], w["holder"], [too_much]))


@pytest.mark.django_db
def test_overdue_steps_name_who_must_act(world):
    w = world
    request = file(w, documents={**FIRST_FILE, "DOC-REPAIR-ESTIMATE": "có"})
    services.mark_complete(w["finance"], request)
    HandlingRecord.objects.filter(request=request).update(decision_due=TODAY - dt.timedelta(days=1))
    with translation.override("vi"):
        steps = [s for s in services.overdue_steps(w["finance"]) if s.line.request_id == request.pk]
        assert len(steps) == 4
        assert all(str(step.who) == "Sở Tài chính và người có thẩm quyền quyết định" for step in steps)
    assert not [s for s in services.overdue_steps(w["stranger"]) if s.line.request_id == request.pk]


@pytest.mark.django_db
def test_the_deadlines_are_data_with_their_article():
    from inventory.models import HandlingDeadline

    rows = {
        (d.handling_form.code, d.step, d.applies_to): d
        for d in HandlingDeadline.objects.select_related("handling_form")
    }
    assert (rows[("ASSIGN", "decision", "all")].period, rows[("ASSIGN", "decision", "all")].legal_basis) == (
        15,
        "Nghị định 186/2025/NĐ-CP Điều 6",
    )
    assert rows[("HANDOVER_LOCAL", "decision", "all")].period == 30
    assert rows[("LIQUIDATE", "handover", "houses_land")].period == 60
    assert rows[("LIQUIDATE", "handover", "other_assets")].period == 30
    assert rows[("LOSS", "file", "all")].starts_on == "discovery"
    assert rows[("KEEP", "handover", "houses_land")].verify
    assert RequiredDocument.objects.get(code="DOC-REPAIR-ESTIMATE").reason.code == "LIQ-DAMAGED"


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 29), 6) == dt.date(2027, 5, 29)


@pytest.mark.django_db
def test_the_request_steps_and_decisions_through_the_api(world, client):
    w = world
    request = file(w)
    base = f"/api/v1/handling-requests/{request.pk}"
    client.force_login(w["finance"])
    assert client.post(f"{base}/complete/", content_type="application/json").status_code == 409  # a document missing
    assert client.post(f"{base}/return/", {"comment": ""}, content_type="application/json").status_code == 400
    answer = client.post(f"{base}/return/", {"comment": "Thiếu dự toán"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "returned"
    client.force_login(w["stranger"])
    assert client.post(f"{base}/resubmit/", {}, content_type="application/json").status_code == 404
    client.force_login(w["declarant"])
    body = {"documents": {"DOC-REPAIR-ESTIMATE": "Dự toán 10/11"}}
    assert client.post(f"{base}/resubmit/", body, content_type="application/json").json()["status"] == "submitted"
    assert client.post(f"{base}/complete/", content_type="application/json").status_code == 403
    client.force_login(w["finance"])
    assert client.post(f"{base}/complete/", content_type="application/json").json()["status"] == "complete"
    review = {"opinion": "Đề nghị phê duyệt"}
    assert client.post(f"{base}/review/", review, content_type="application/json").json()["status"] == "reviewed"
    decision = {"number": "45/QĐ-UBND", "date": TODAY.isoformat(), "signer": "Nguyễn Văn A"}
    assert client.post(f"{base}/decide/", decision, content_type="application/json").json()["status"] == "decided"

    page = client.get("/api/v1/decisions/", {"request": request.pk}).json()
    [row] = page["results"]
    assert row["number"] == "45/QĐ-UBND" and row["authority"] == "CT-UBND-TINH"
    assert sorted(line["id"] for line in row["lines"]) == sorted(request.lines.values_list("pk", flat=True))
    assert {line["status"] for line in row["lines"]} == {"approved"}
    client.force_login(w["declarant"])
    assert [r["id"] for r in client.get("/api/v1/decisions/", {"request": request.pk}).json()["results"]] == [row["id"]]
    client.force_login(w["stranger"])
    assert client.get("/api/v1/decisions/", {"request": request.pk}).json()["results"] == []
    assert client.get(f"/api/v1/decisions/{row['id']}/").status_code == 404


@pytest.mark.django_db
def test_the_request_through_the_pages(world, client):
    w = world
    client.force_login(w["declarant"])
    first = RequiredDocument.objects.filter(code__in=FIRST_FILE).values_list("pk", flat=True)
    post = {
        "agency": w["holder"].pk,
        "purpose": "Tài sản dôi dư",
        "superior_letter": "CV 40/UBND",
        "documents": list(first),
        "lines-TOTAL_FORMS": 4,
        "lines-INITIAL_FORMS": 0,
        "lines-0-code": w["copier"].code,
        "lines-0-form": "LIQUIDATE",
        "lines-0-reason": "LIQ-DAMAGED",
        "lines-1-code": w["premises"].code,
        "lines-1-floor_area": "150",
        "lines-1-form": "TRANSFER",
        "lines-1-reason": "TRF-SURPLUS",
        "lines-1-receiver": w["receiver"].code,
    }
    # A line of another agency's record is refused on its line, nothing filed.
    other = factories.asset(status=AssetStatus.SURPLUS)
    with translation.override("vi"):
        refused_page = client.post(
            "/handling/requests/new/", {**post, "lines-2-code": other.code, "lines-2-form": "RECOVER"}
        )
    assert refused_page.status_code == 400 and not HandlingRequest.objects.filter(agency=w["holder"]).exists()
    response = client.post("/handling/requests/new/", post)
    assert response.status_code == 302
    request = HandlingRequest.objects.get(agency=w["holder"])
    assert response["Location"] == f"/handling/requests/{request.pk}/"
    assert request.lines.count() == 2
    page = client.get(response["Location"])
    assert [d.code for d in page.context["missing"]] == ["DOC-REPAIR-ESTIMATE"]
    # The declarant is not offered Finance's steps and cannot take them.
    assert b"complete-form" not in page.content
    assert client.post(f"/handling/requests/{request.pk}/complete/").status_code == 403

    client.force_login(w["finance"])
    assert client.post(f"/handling/requests/{request.pk}/return/", {"comment": ""}).status_code == 400
    client.post(f"/handling/requests/{request.pk}/return/", {"comment": "Thiếu dự toán sửa chữa"})
    client.force_login(w["declarant"])
    estimate = RequiredDocument.objects.get(code="DOC-REPAIR-ESTIMATE").pk
    client.post(f"/handling/requests/{request.pk}/resubmit/", {"documents": [estimate]})
    client.force_login(w["finance"])
    client.post(f"/handling/requests/{request.pk}/complete/")
    client.post(f"/handling/requests/{request.pk}/review/", {"opinion": "Đề nghị phê duyệt"})
    decided = client.post(
        f"/handling/requests/{request.pk}/decide/",
        {"number": "46/QĐ-UBND", "date": TODAY.isoformat(), "signer": "Nguyễn Văn A", "authority": "CT-UBND-TINH"},
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED and request.decision.number == "46/QĐ-UBND"
    assert {line.status for line in request.lines.all()} == {HandlingStatus.APPROVED}
    listing = client.get("/handling/requests/")
    assert request in list(listing.context["page"])
    client.force_login(w["stranger"])
    assert client.get(f"/handling/requests/{request.pk}/").status_code == 404


@pytest.mark.django_db
def test_documents_print_book_values_prorated_the_same_way(world, client):
    import io

    from docx import Document
    from openpyxl import load_workbook

    w = world
    part = services.Proposal(
        form_code="TRANSFER",
        reason_code="TRF-SURPLUS",
        premises=w["premises"],
        floor_area=Decimal(150),
        receiving_agency=w["receiver"],
    )
    request = services.file_request(w["finance"], w["holder"], [part])
    line = factories.ready_for_decision(request.lines.get(), w["finance"])
    services.decide(w["finance"], request, number="47/QĐ-UBND", date=TODAY, signer="Nguyễn Văn A")
    services.carry_out(
        w["finance"],
        line,
        handover_number="BB-9",
        handover_date=TODAY,
        documents="Giấy chứng nhận QSDĐ\nBản vẽ hoàn công",
    )
    # 150 of 600 m²: a quarter of the original cost (2,000,000,000) and of the book value
    # (declared 1,200,000,000; the computed value is not printed).
    cost, book = "500.000.000", "300.000.000"
    client.force_login(w["finance"])
    page = client.get(f"/handling/{line.pk}/02-TSC-BBGN/")
    values = page.context["values"]
    assert (values["original_cost"], values["book_value"]) == (Decimal(500_000_000), Decimal(300_000_000))
    assert values["documents"] == ["Giấy chứng nhận QSDĐ", "Bản vẽ hoàn công"]

    def docx_text(url):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
        doc = Document(io.BytesIO(response.content))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return " | ".join([p.text for p in doc.paragraphs] + cells)

    handover = docx_text(f"/handling/{line.pk}/02-TSC-BBGN.docx")
    assert cost in handover and book in handover and "Bản vẽ hoàn công" in handover and "47/QĐ-UBND" in handover
    for text in (
        docx_text(f"/handling/requests/{request.pk}/01-TSC-XLTS.docx"),
        docx_text(f"/handling/requests/{request.pk}/decision.docx"),
    ):
        assert cost in text and book in text
    sheet = load_workbook(io.BytesIO(client.get(f"/handling/{line.pk}/01-TSC-XLTS.xlsx").content)).active
    assert [c.value for c in sheet[6]][6:8] == [500_000_000, 300_000_000]
    client.force_login(w["stranger"])
    assert client.get(f"/handling/requests/{request.pk}/decision.docx").status_code == 404


@pytest.mark.django_db
def test_the_admin_form_refuses_a_reason_of_another_form(world, rf):
    from django.contrib.admin.sites import site
    from django.forms.models import model_to_dict

    from inventory.models import HandlingReason

    w = world
    request = file(w)
    line = line_of(request, w["copier"])
    admin_request = rf.get("/admin/")
    admin_request.user = factories.user(Role.ADMIN, is_staff=True, is_superuser=True)
    form_class = site._registry[HandlingRecord].get_form(admin_request, obj=line)
    data = {k: v for k, v in model_to_dict(line).items() if v is not None and k != "decision_document"}
    data["reason"] = HandlingReason.objects.get(code="TRF-SURPLUS").pk
    with translation.override("vi"):
        form = form_class(data=data, instance=line)
        assert not form.is_valid()
        assert "thuộc hình thức" in " ".join(form.errors["reason"])
    line.refresh_from_db()
    assert line.reason.code == "LIQ-DAMAGED"
