"""Handling pages: the steps through forms (with a decision PDF), errors shown and
nothing changed, the exports 01/TSC-XLTS and 02/TSC-BBGN, lists, scope."""

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from inventory.choices import HandlingStatus, PremisesStatus
from inventory.models import HandlingRecord
from inventory.services import handling as services
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def record(demo_user):
    elsewhere = factories.unit("Xã Nghĩa Đàn")  # not the demo declarant's unit
    premises = factories.premises(status=PremisesStatus.SURPLUS, name="Trụ sở UBND xã Thử (cũ)", admin_unit=elsewhere)
    need = factories.need(floor_area=Decimal(200), agency=factories.agency(elsewhere))
    record = services.propose_transfer(demo_user("demo-finance"), need, premises=premises)
    return factories.ready_for_decision(record, demo_user("demo-finance"))


def test_decision_then_hand_over_then_close_through_the_pages(client_as, record):
    client = client_as("demo-finance")
    response = client.post(
        f"/handling/{record.pk}/approve/",
        {
            "decision_number": "123/QĐ-UBND",
            "decision_date": TODAY.isoformat(),
            "decider": "Chủ tịch UBND tỉnh",
            "decision_document": SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == HandlingStatus.APPROVED and record.deadline == TODAY + dt.timedelta(days=30)
    assert record.decision_document.read().startswith(b"%PDF-")
    client.post(f"/handling/{record.pk}/carry-out/", {"handover_number": "BB-12", "handover_date": TODAY.isoformat()})
    client.post(f"/handling/{record.pk}/close/")
    record.refresh_from_db()
    assert record.status == HandlingStatus.CLOSED and record.premises.status == PremisesStatus.HANDLED
    page = client.get(f"/handling/{record.pk}/")
    assert page.status_code == 200 and len(page.context["history"]) >= 4


def test_a_decision_that_is_not_a_pdf_is_refused_and_nothing_changes(client_as, record):
    response = client_as("demo-finance").post(
        f"/handling/{record.pk}/approve/",
        {
            "decision_number": "1",
            "decision_date": TODAY.isoformat(),
            "decider": "UBND tỉnh",
            "decision_document": SimpleUploadedFile("qd.pdf", b"<html>not a pdf</html>"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "must be a PDF" in response.content.decode()
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.PROPOSED


def test_a_hand_over_before_its_decision_is_refused(client_as, record, demo_user):
    services.approve(demo_user("demo-finance"), record, decision_number="1", decision_date=TODAY, decider="UBND")
    response = client_as("demo-finance").post(
        f"/handling/{record.pk}/carry-out/",
        {"handover_number": "BB", "handover_date": (TODAY - dt.timedelta(days=2)).isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "before the decision" in response.content.decode()
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.APPROVED


def test_request_form_01_lists_the_record(client_as, record):
    content = client_as("demo-auditor").get(f"/handling/{record.pk}/01-TSC-XLTS.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=1, column=sheet.max_column).value == "Mẫu số 01/TSC-XLTS"
    row = [c.value for c in sheet[6]]
    assert row[0] == 1 and record.premises.name in row[1] and row[10] == "Điều chuyển"
    assert row[14] == str(record.receiving_agency)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is installed by make")
def test_hand_over_record_02_as_pdf(client_as, record, demo_user):
    services.approve(
        demo_user("demo-finance"), record, decision_number="77/QĐ-UBND", decision_date=TODAY, decider="UBND"
    )
    response = client_as("demo-finance").get(f"/handling/{record.pk}/02-TSC-BBGN.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFC", text.decode()).split())
    assert "BIÊN BẢN BÀN GIAO" in text and "77/QĐ-UBND" in text and "Trụ sở UBND xã Thử (cũ)" in text


def test_list_filters_overdue(client_as, record):
    HandlingRecord.objects.filter(pk=record.pk).update(decision_due=TODAY - dt.timedelta(days=2))
    client = client_as("demo-finance")
    page = client.get("/handling/?overdue=true")
    assert [r.pk for r, overdue in page.context["rows"]] == list(
        HandlingRecord.objects.overdue().order_by("-created_at").values_list("pk", flat=True)[:25]
    )
    assert all(overdue for _r, overdue in page.context["rows"])
    assert client.get("/handling/?format=xlsx")["Content-Type"].startswith("application/vnd.openxml")


def test_declarants_and_auditors_cannot_take_steps(client_as, record):
    for username in ("demo-auditor", "demo-commune"):
        response = client_as(username).post(f"/handling/{record.pk}/close/")
        assert response.status_code in (403, 404)
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.PROPOSED
    # Records of another unit cannot be reached by their id.
    assert client_as("demo-commune").get(f"/handling/{record.pk}/").status_code == 404


def test_cancel_through_the_page_needs_a_reason(client_as, record):
    client = client_as("demo-finance")
    assert client.post(f"/handling/{record.pk}/cancel/", {"reason": ""}).status_code == 400
    client.post(f"/handling/{record.pk}/cancel/", {"reason": "Không phù hợp quy hoạch"})
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.CANCELLED


def test_only_reviewers_are_offered_the_steps(client_as, record):
    assert b"approve-form" in client_as("demo-finance").get(f"/handling/{record.pk}/").content
    assert b"approve-form" not in client_as("demo-auditor").get(f"/handling/{record.pk}/").content
    assert client_as("demo-auditor").get(f"/handling/{record.pk}/").status_code == 200


def test_the_premises_page_lists_its_handling_records(client_as, record):
    page = client_as("demo-finance").get(f"/declarations/premises/{record.premises_id}/")
    assert list(page.context["handling"]) == [record]
    assert f"/handling/{record.pk}/".encode() in page.content
