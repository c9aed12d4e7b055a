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
    "processing_area": "150",
    "reading_area": "100",
    "technical_area": "100",
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
    # Five zones: stacks (6,000 + 100 × 20) m ÷ 4.5 m/m², processing 150, reading 100, technical 100, offices 400.
    assert results["required_area"] == pytest.approx((6000 + 100 * 20) / 4.5 + 150 + 100 + 100 + 400, abs=0.1)
    assert results["zones"]["stack_rooms"] == 9  # 1,777.8 m² in rooms of at most 200 m²
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


def test_the_choice_is_recorded_as_a_transfer_to_the_archive_center(client_as, study):
    """LEGAL.md: the choice ends in a transfer of the building to the Provincial
    Historical Archive Center, not a change of function under its old holder."""
    from maps.models import StructuralInspection

    client = client_as("demo-finance")
    first = study.results["ranked"][0]
    assert first["floor_load_status"] == "needs_inspection"  # the demo has no inspection
    response = client.post(reverse("maps:siting_choose", args=[study.pk]), {"premises": first["id"]}, follow=True)
    assert "kiểm định" in " ".join(str(m) for m in response.context["messages"])
    assert not HandlingRecord.objects.filter(premises_id=first["id"]).exists()
    StructuralInspection.objects.create(
        premises_id=first["id"],
        floor_load=1800,
        inspected_on="2026-02-01",
        inspector="Kiểm định",
        created_by=study.created_by,
    )
    client.post(reverse("maps:siting_rerun", args=[study.pk]))
    study = SitingStudy.objects.latest("pk")
    chosen = next(r for r in study.results["ranked"] if r["id"] == first["id"])
    assert chosen["floor_load_status"] == "passes"  # 1,800 ≥ 1,700
    response = client.post(reverse("maps:siting_choose", args=[study.pk]), {"premises": first["id"]})
    assert response.status_code == 302
    record = HandlingRecord.objects.get(premises_id=first["id"])
    assert record.form.code == "TRANSFER" and record.status == "proposed"
    assert record.receiving_agency.name == "Trung tâm Lưu trữ lịch sử tỉnh"
    assert record.reason.code == "TRF-REORG"
    assert f"#{study.pk}" in record.basis and record.previous_premises_status in ("surplus", "partly_surplus")
    assert record.premises.status == "under_handling"
    excluded = study.results["excluded"][0]
    client.post(reverse("maps:siting_choose", args=[study.pk]), {"premises": excluded["id"]})
    assert not HandlingRecord.objects.filter(premises_id=excluded["id"]).exists()


def pdf_pages(content, tmp_path) -> list[str]:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(page.split()) for page in text.split("\f")]  # cells wrap: compare without spaces


def test_the_pdf_opens_with_the_map_then_the_summary_and_ends_with_the_annex(client_as, study, tmp_path):
    response = client_as("demo-auditor").get(reverse("maps:siting_report_pdf", args=[study.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = [p for p in pdf_pages(response.content, tmp_path) if p]
    first, summary, annex = pages[0], pages[1], pages[-1]
    assert "Kholưutrữ" in first and "Huyện" not in first  # the map page: title, map, legend
    assert "Kholưutrữ" in "".join(pages)
    for ranked in study.results["ranked"][:3]:  # the summary names the first ranks
        assert "".join(ranked["name"].split()) in summary, ranked["name"]
        assert ranked["code"] in summary
    assert "1.700kg/m²" in summary  # the floor-load rule, by inspection
    assert "×1,4" in summary or "×1.4" in summary  # access: an estimate, with its factor
    last_excluded = study.results["excluded"][-1]
    assert last_excluded["code"] in annex  # the excluded list ends the report
    assert not any(r["code"] in summary for r in study.results["excluded"])


def test_the_map_is_drawn_from_the_database(study):
    from maps.staticmap import candidates_svg

    svg = candidates_svg(study)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    ranked, excluded = study.results["ranked"], study.results["excluded"]
    # Each candidate once (its code as a tooltip), the 20 former district centres, the demo flood area.
    for r in ranked + excluded:
        assert f"<title>{r['code']}</title>" in svg
    assert svg.count('<path d="M') >= 20
    assert 'fill="#9ecae1"' in svg  # the demo flood layer
    numbers = [f">{r['rank']}</text>" for r in ranked[:10]]
    assert all(n in svg for n in numbers)
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched


def formset_data(formset, prefix, fields, change=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, form in enumerate(formset.forms):
        data[f"{prefix}-{i}-id"] = form.instance.pk
        for name in fields:
            value = getattr(form.instance, name)
            if isinstance(value, bool):
                value = "on" if value else ""
            data[f"{prefix}-{i}-{name}"] = "" if value is None else str(value)
        if change:
            change(form.instance, i, data)
    return data


CRITERION_FIELDS = ["parameter", "weight", "is_active", "source", "legal_basis", "effective_from", "verify"]
SOURCE_FIELDS = ["units", "metres_per_unit", "basis", "verify", "is_active"]


def criteria_post(client, change=None, source_change=None):
    page = client.get(reverse("maps:criteria_edit"))
    data = formset_data(page.context["formset"], "form", CRITERION_FIELDS, change)
    data |= formset_data(page.context["sources"], "sources", SOURCE_FIELDS, source_change)
    return data


def test_criteria_are_edited_by_reviewers_and_change_the_next_run(client_as, study):
    from maps.models import SitingCriterion

    client = client_as("demo-finance")

    def denser(criterion, i, data):
        if criterion.code == "SHELF_DENSITY_FIXED":
            data[f"form-{i}-parameter"] = "100"  # absurdly dense shelving: the stacks shrink

    data = criteria_post(client, denser)
    assert client.post(reverse("maps:criteria_edit"), data).status_code == 302
    assert SitingCriterion.objects.get(code="SHELF_DENSITY_FIXED").parameter == 100
    client.post(reverse("maps:siting_rerun", args=[study.pk]))
    newer = SitingStudy.objects.latest("pk")
    assert newer.results["required_area"] == pytest.approx(8000 / 100 + 750, abs=0.1)
    assert client_as("demo-auditor").post(reverse("maps:criteria_edit"), data).status_code == 403


@pytest.mark.parametrize("bad", ["1e400", "nan", "-5", "12345678901234", "=1+1", "<b>1</b>"])
def test_hostile_parameters_are_refused_and_change_nothing(client_as, bad):
    from maps.models import SitingCriterion

    client = client_as("demo-finance")

    def hostile(criterion, i, data):
        if criterion.code == "FLOOR_LOAD_FIXED":
            data[f"form-{i}-parameter"] = bad

    response = client.post(reverse("maps:criteria_edit"), criteria_post(client, hostile))
    assert response.status_code == 200 and response.context["formset"].errors
    assert SitingCriterion.objects.get(code="FLOOR_LOAD_FIXED").parameter == 1700


def test_the_shelving_need_is_the_sum_of_the_record_sources(client_as):
    """Left empty, the shelving is summed from the sources: 20 former districts at 200 m
    each, and their former communes at 10 m each (the seeded estimates); one edited."""
    from inventory.models import AdministrativeUnit
    from maps.models import ArchiveRecordSource

    client = client_as("demo-finance")
    communes = AdministrativeUnit.objects.filter(level="legacy_commune", parent__level="legacy_district").count()
    client.get(reverse("maps:criteria_edit"))  # the sources are made on first use
    assert ArchiveRecordSource.objects.count() == 40

    def more(source, i, data):
        if source.kind == "district" and source.unit.name == "Huyện Kỳ Sơn":
            data[f"sources-{i}-metres_per_unit"] = "500"

    assert client.post(reverse("maps:criteria_edit"), criteria_post(client, source_change=more)).status_code == 302
    response = client.post(reverse("maps:siting_create"), {**STUDY, "shelf_metres": ""})
    assert response.status_code == 302
    study = SitingStudy.objects.latest("pk")
    expected = 19 * 200 + 500 + communes * 10
    assert float(study.shelf_metres) == pytest.approx(expected)
    assert len(study.results["record_sources"]) == 40
    assert study.results["required_area"] == pytest.approx((expected + 2000) / 4.5 + 750, abs=0.1)


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
