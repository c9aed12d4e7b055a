"""Reference data of the 2025 reorganisation, loaded from the pinned packages."""

import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.db.models import Count
from vietnam_provinces import ProvinceCode, Ward

from inventory.choices import UnitLevel
from inventory.models import AdministrativeUnit, UnitLineage
from inventory.reference_data import load_province

pytestmark = pytest.mark.django_db

SUMMARY = "reference data: province=1 new_units=130 legacy_districts=20 legacy_communes=412 lineage_links=412"


def nghe_an():
    return AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="40")


def test_counts_of_nghe_an():
    units = AdministrativeUnit.objects.filter(province=nghe_an())
    assert units.filter(level=UnitLevel.COMMUNE).count() == 130
    assert units.filter(level=UnitLevel.LEGACY_COMMUNE).count() == 412
    assert units.filter(level=UnitLevel.LEGACY_DISTRICT).count() == 20
    communes = units.filter(level=UnitLevel.COMMUNE)
    assert communes.filter(type_name="Phường").count() == 11
    assert communes.filter(type_name="Xã").count() == 119


def test_codes_are_official_and_units_have_centroids_and_areas():
    official = {f"{int(w.code):05d}": w.name for w in Ward.iter_by_province(ProvinceCode(40))}
    communes = AdministrativeUnit.objects.filter(province=nghe_an(), level=UnitLevel.COMMUNE)
    assert {u.code: u.name for u in communes} == official
    vinh = communes.get(name="Phường Thành Vinh")
    assert vinh.code == "16681"
    assert vinh.centroid.srid == 4326
    assert 105.5 < vinh.centroid.x < 105.8 and 18.6 < vinh.centroid.y < 18.8
    assert not communes.filter(area_km2__isnull=True).exists()


def test_legacy_units_are_valid_until_the_merger_with_bounding_boxes():
    legacy = AdministrativeUnit.objects.filter(
        province=nghe_an(), level__in=[UnitLevel.LEGACY_COMMUNE, UnitLevel.LEGACY_DISTRICT]
    )
    assert legacy.count() == 432
    assert set(legacy.values_list("valid_to", flat=True)) == {dt.date(2025, 6, 30)}
    assert not legacy.filter(bbox__isnull=True).exists()
    # A legacy commune's centroid lies in (or on the edge of) its own bounding box.
    for unit in legacy.filter(level=UnitLevel.LEGACY_COMMUNE)[:50]:
        assert unit.bbox.buffer(1e-6).contains(unit.centroid), unit.name


def test_every_legacy_commune_has_a_successor_and_every_new_unit_a_predecessor():
    province = nghe_an()
    without_successor = AdministrativeUnit.objects.filter(
        province=province, level=UnitLevel.LEGACY_COMMUNE, successor_links__isnull=True
    )
    without_predecessor = AdministrativeUnit.objects.filter(
        province=province, level=UnitLevel.COMMUNE, predecessor_links__isnull=True
    )
    assert list(without_successor) == []
    assert list(without_predecessor) == []
    # Lineage carries its legal basis and date.
    link = UnitLineage.objects.filter(successor__province=province).first()
    assert link.legal_basis.startswith("Nghị quyết 1678/NQ-UBTVQH15")
    assert str(link.effective_date) == "2025-07-01"


def test_the_nine_units_that_kept_their_area_have_one_predecessor_of_the_same_name():
    kept = [
        "Keng Đu",
        "Mỹ Lý",
        "Bắc Lý",
        "Huồi Tụ",
        "Mường Lống",
        "Bình Chuẩn",
        "Hữu Khuông",
        "Lượng Minh",
        "Châu Bình",
    ]
    rows = AdministrativeUnit.objects.filter(province=nghe_an(), level=UnitLevel.COMMUNE, short_name__in=kept).annotate(
        n=Count("predecessor_links")
    )
    assert len(rows) == 9
    for unit in rows:
        assert unit.n == 1, unit.name
        assert unit.predecessor_links.get().predecessor.short_name == unit.short_name


def test_command_prints_the_summary_line_and_a_second_run_changes_nothing(call):
    from inventory.models import AdministrativeUnit as Unit

    events_before = Unit.pgh_event_model.objects.count()
    updated_before = max(Unit.objects.values_list("updated_at", flat=True))
    out = call("load_reference_data")
    assert out.strip().splitlines()[-1] == SUMMARY
    assert "nothing changed" in out
    assert Unit.pgh_event_model.objects.count() == events_before
    assert max(Unit.objects.values_list("updated_at", flat=True)) == updated_before


def test_a_changed_unit_is_put_back_and_counted():
    unit = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="16681")
    unit.name = "Tên sai"
    unit.save()
    result = load_province("40")
    assert result.updated == 1 and result.created == 0
    unit.refresh_from_db()
    assert unit.name == "Phường Thành Vinh"


def test_another_province_loads_too():
    result = load_province("42")  # Hà Tĩnh
    province = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="42")
    assert province.name == "Tỉnh Hà Tĩnh"
    assert result.counts["new_units"] == len(list(Ward.iter_by_province(ProvinceCode(42))))
    assert result.counts["legacy_communes"] > result.counts["new_units"]
    assert not AdministrativeUnit.objects.filter(
        province=province, level=UnitLevel.LEGACY_COMMUNE, successor_links__isnull=True
    ).exists()


def test_unknown_province_is_refused_and_writes_nothing(call):
    before = AdministrativeUnit.objects.count()
    with pytest.raises(CommandError, match="99"):
        call("load_reference_data", "--province", "99")
    assert AdministrativeUnit.objects.count() == before


def test_unknown_province_message_is_translated(call):
    with pytest.raises(CommandError, match="Mã tỉnh “99” không tồn tại"):
        call("load_reference_data", "--province", "99", language="vi")
