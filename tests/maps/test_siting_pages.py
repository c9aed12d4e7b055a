"""Siting pages: who may do what, a study run on the demo data, the choice recorded as a
handling proposal, the report as a page and as a PDF with the ranked names."""

import io
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import HandlingRecord
from maps.models import HazardLayer, SitingStudy

pytestmark = pytest.mark.django_db

STUDY = {
    "name": "Kho lưu trữ",
    "shelf_metres": "6000",
    "growth_metres_per_year": "100",
    "growth_years": "20",
    "shelving": "fixed",
    "office_area": "400",
    "seed": "1",
    "random_sets": "30",
    "extra_candidates": "",
}


@pytest.fixture
def study(client_as):
    response = client_as("demo-finance").post(reverse("maps:siting_create"), STUDY)
    assert response.status_code == 302
    return SitingStudy.objects.latest("pk")


def test_a_study_on_the_demo_data(study):
    results = study.results
    assert results["required_area"] == pytest.approx((6000 + 100 * 20) / 4.5 + 400, abs=0.1)
    assert results["ranked"] and results["excluded"]
    assert [r["rank"] for r in results["ranked"]] == list(range(1, len(results["ranked"]) + 1))
    totals = [r["total"] for r in results["ranked"]]
    assert totals == sorted(totals, reverse=True)
    flooded = [r for r in results["excluded"] if any(e["code"] == "FLOOD" for e in r["excluded_by"])]
    assert flooded  # the demo flood layer excludes some candidates
    assert study.candidates.filter(status__in=["surplus", "partly_surplus"]).count() == study.candidates.count()


@pytest.mark.parametrize(
    ("username", "read", "write"),
    [
        ("demo-finance", 200, 302),
        ("demo-admin", 200, 302),
        ("demo-auditor", 200, 403),
        ("demo-commune", 403, 403),
    ],
)
def test_who_may_do_what(client_as, study, username, read, write):
    client = client_as(username)
    for url in (
        reverse("maps:siting_list"),
        reverse("maps:siting_detail", args=[study.pk]),
        reverse("maps:siting_report", args=[study.pk]),
        reverse("maps:criteria_edit"),
        reverse("maps:layer_list"),
    ):
        assert client.get(url).status_code == read, url
    before = SitingStudy.objects.count()
    assert client.post(reverse("maps:siting_rerun", args=[study.pk])).status_code == write
    assert SitingStudy.objects.count() == before + (1 if write == 302 else 0)


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("maps:siting_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_version_keeps_the_previous_for_comparison(client_as, study):
    client = client_as("demo-finance")
    client.post(reverse("maps:siting_rerun", args=[study.pk]))
    newer = SitingStudy.objects.latest("pk")
    assert newer.version == 2 and newer.previous == study
    page = client.get(reverse("maps:siting_detail", args=[newer.pk]))
    assert page.context["comparison"][0]["previous_rank"] == 1


def test_the_choice_is_recorded_as_a_change_of_function(client_as, study):
    client = client_as("demo-finance")
    first = study.results["ranked"][0]
    response = client.post(reverse("maps:siting_choose", args=[study.pk]), {"premises": first["id"]})
    assert response.status_code == 302
    record = HandlingRecord.objects.get(premises_id=first["id"])
    assert record.form.code == "CONVERT_FUNCTION" and record.status == "proposed"
    assert f"#{study.pk}" in record.basis and record.previous_premises_status in ("surplus", "partly_surplus")
    assert record.premises.status == "under_handling"
    excluded = study.results["excluded"][0]
    client.post(reverse("maps:siting_choose", args=[study.pk]), {"premises": excluded["id"]})
    assert not HandlingRecord.objects.filter(premises_id=excluded["id"]).exists()


def test_the_pdf_report_contains_the_ranked_names(client_as, study, tmp_path):
    response = client_as("demo-auditor").get(reverse("maps:siting_report_pdf", args=[study.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())  # table cells wrap: compare without spaces and line breaks
    for ranked in study.results["ranked"][:3]:
        assert "".join(ranked["name"].split()) in compact, ranked["name"]
        assert ranked["code"] in compact
    assert "Kholưutrữ" in compact


def test_criteria_are_edited_by_reviewers_and_change_the_next_run(client_as, study):
    from maps.models import SitingCriterion

    client = client_as("demo-finance")
    page = client.get(reverse("maps:criteria_edit"))
    formset = page.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, form in enumerate(formset.forms):
        c = form.instance
        data |= {
            f"form-{i}-id": c.pk,
            f"form-{i}-parameter": c.parameter or "",
            f"form-{i}-weight": c.weight,
            f"form-{i}-is_active": "on" if c.is_active else "",
            f"form-{i}-source": c.source,
        }
        if c.code == "FLOOR_AREA":
            data[f"form-{i}-parameter"] = "100"  # absurdly dense shelving: every candidate is big enough
    assert client.post(reverse("maps:criteria_edit"), data).status_code == 302
    assert SitingCriterion.objects.get(code="FLOOR_AREA").parameter == 100
    client.post(reverse("maps:siting_rerun", args=[study.pk]))
    newer = SitingStudy.objects.latest("pk")
    assert newer.results["required_area"] < study.results["required_area"]
    assert client_as("demo-auditor").post(reverse("maps:criteria_edit"), data).status_code == 403


def geojson_upload(features, name="lop.geojson"):
    import json

    return SimpleUploadedFile(name, json.dumps({"type": "FeatureCollection", "features": features}).encode())


def test_layer_upload_page_imports_and_refuses_bad_files(client_as):
    client = client_as("demo-finance")
    square = [[105.6, 18.6], [105.61, 18.6], [105.61, 18.61], [105.6, 18.61], [105.6, 18.6]]
    ok = client.post(
        reverse("maps:layer_list"),
        {
            "name": "Sạt lở thử",
            "kind": "landslide",
            "file": geojson_upload(
                [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square]}}]
            ),
        },
    )
    assert ok.status_code == 302 and HazardLayer.objects.get(name="Sạt lở thử").features.count() == 1
    bad = client.post(reverse("maps:layer_list"), {"name": "Rỗng", "kind": "flood", "file": geojson_upload([])})
    assert bad.status_code == 200 and bad.context["form"].errors["file"]
    assert not HazardLayer.objects.filter(name="Rỗng").exists()


def test_a_zipped_shapefile_is_accepted(client_as, tmp_path):
    import json

    source = tmp_path / "src.geojson"
    square = [[105.6, 18.6], [105.61, 18.6], [105.61, 18.61], [105.6, 18.61], [105.6, 18.6]]
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"ten": "a"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    }
                ],
            }
        )
    )
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(tmp_path / "ngap.shp"), str(source)], check=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in tmp_path.glob("ngap.*"):
            archive.write(part, part.name)
    response = client_as("demo-finance").post(
        reverse("maps:layer_list"),
        {"name": "Ngập shp", "kind": "flood", "file": SimpleUploadedFile("ngap.zip", buffer.getvalue())},
    )
    assert response.status_code == 302 and HazardLayer.objects.get(name="Ngập shp").features.count() == 1


def test_other_candidates_by_code_and_unknown_codes(client_as):
    from inventory.models import Premises

    in_use = Premises.objects.filter(status="in_use_hq").first()
    client = client_as("demo-finance")
    bad = client.post(reverse("maps:siting_create"), {**STUDY, "extra_candidates": f"{in_use.code}, KHONG-CO"})
    assert bad.status_code == 400 and "KHONG-CO" in " ".join(bad.context["form"].errors["extra_candidates"])
    good = client.post(reverse("maps:siting_create"), {**STUDY, "extra_candidates": in_use.code})
    assert good.status_code == 302
    assert SitingStudy.objects.latest("pk").candidates.filter(pk=in_use.pk).exists()
