"""Structural inspections (issue 14 item 4): recorded by a reviewer with a PDF report,
refused with a translated error for hostile input, the report served only to those who
may see the premises; a study run after an inspection takes it into account."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.choices import Role
from inventory.models import AdministrativeUnit, Premises
from maps.models import StructuralInspection
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(premises, **overrides):
    data = {
        "premises_code": premises.code,
        "house": "",
        "floor_load": "2500",
        "inspected_on": "2026-03-01",
        "inspector": "Trung tâm Kiểm định chất lượng xây dựng Nghệ An",
        "reference": "KĐ-12/2026",
        "notes": "",
        "document": SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def surplus():
    return Premises.objects.filter(status="surplus").order_by("pk").first()


def test_a_reviewer_records_an_inspection_with_its_report(client_as, surplus):
    client = client_as("demo-finance")
    response = client.post(reverse("maps:inspection_list"), form(surplus))
    assert response.status_code == 302
    inspection = StructuralInspection.objects.get(premises=surplus)
    assert inspection.floor_load == 2500 and inspection.inspected_on == dt.date(2026, 3, 1)
    assert inspection.created_by.username == "demo-finance"
    page = client.get(reverse("maps:inspection_list"))
    assert surplus.code in page.content.decode()
    download = client.get(reverse("maps:inspection_document", args=[inspection.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"floor_load": "1e400"}, "floor_load"),
        ({"floor_load": "nan"}, "floor_load"),
        ({"floor_load": "-1700"}, "floor_load"),
        ({"floor_load": "0"}, "floor_load"),
        ({"floor_load": "99999999999"}, "floor_load"),
        ({"floor_load": "=1700+1"}, "floor_load"),
        ({"inspected_on": "2999-01-01"}, "inspected_on"),
        ({"premises_code": "KHONG-CO"}, "premises_code"),
        ({"document": SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>")}, "document"),
    ],
)
def test_hostile_input_is_refused_and_nothing_is_stored(client_as, surplus, overrides, field):
    response = client_as("demo-finance").post(reverse("maps:inspection_list"), form(surplus, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not StructuralInspection.objects.exists()


def test_a_house_of_another_premises_is_refused(client_as, surplus):
    other_house = factories.premises().houses.first()
    if other_house is None:
        pytest.skip("the factory's premises has no house")
    response = client_as("demo-finance").post(reverse("maps:inspection_list"), form(surplus, house=str(other_house.pk)))
    assert response.status_code == 400 and response.context["form"].errors["house"]
    assert not StructuralInspection.objects.exists()


def test_auditors_read_but_do_not_record_and_commune_users_stay_out(client_as, surplus):
    assert client_as("demo-auditor").get(reverse("maps:inspection_list")).status_code == 200
    assert client_as("demo-auditor").post(reverse("maps:inspection_list"), form(surplus)).status_code == 403
    assert client_as("demo-commune").get(reverse("maps:inspection_list")).status_code == 403
    assert not StructuralInspection.objects.exists()


def test_the_report_is_served_only_to_those_who_see_the_premises(client, surplus):
    finance = factories.user(role=Role.FINANCE)
    inspection = StructuralInspection(
        premises=surplus,
        floor_load=2000,
        inspected_on=dt.date(2026, 1, 5),
        inspector="Kiểm định",
        created_by=finance,
    )
    inspection.document.save("bien-ban.pdf", SimpleUploadedFile("bien-ban.pdf", PDF), save=False)
    inspection.save()
    url = reverse("maps:inspection_document", args=[inspection.pk])
    own = factories.user(role=Role.DECLARANT, admin_unit=surplus.admin_unit)
    other_unit = AdministrativeUnit.objects.filter(level="commune").exclude(pk=surplus.admin_unit_id).first()
    stranger = factories.user(role=Role.DECLARANT, admin_unit=other_unit)
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(stranger)
    assert client.get(url).status_code == 404  # another commune's building: as if it did not exist
    client.force_login(own)
    assert client.get(url).status_code == 200
    client.force_login(finance)
    assert client.get(url).status_code == 200


def test_a_study_run_after_an_inspection_uses_it(client_as):
    from tests.maps.test_siting_pages import STUDY

    client = client_as("demo-finance")
    client.post(reverse("maps:siting_create"), STUDY)
    from maps.models import SitingStudy

    study = SitingStudy.objects.latest("pk")
    first = study.results["ranked"][0]
    assert first["floor_load_status"] == "needs_inspection"  # the demo has no inspections
    weak = Premises.objects.get(pk=first["id"])
    assert client.post(reverse("maps:inspection_list"), form(weak, floor_load="1500")).status_code == 302
    client.post(reverse("maps:siting_rerun", args=[study.pk]))
    newer = SitingStudy.objects.latest("pk")
    excluded = {r["code"]: r for r in newer.results["excluded"]}
    assert [e["code"] for e in excluded[weak.code]["excluded_by"]] == ["FLOOR_LOAD_FIXED"]
    assert weak.code not in {r["code"] for r in newer.results["ranked"]}
