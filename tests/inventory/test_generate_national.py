"""generate_demo --provinces N: the national data set, at a tiny scale over two provinces."""

import pytest
from django.core.management.base import CommandError
from django.db import connection

from inventory.choices import UnitLevel
from inventory.models import AdministrativeUnit, Agency, Asset, House, Premises, UnitRollup
from inventory.reference_data import load_province

pytestmark = pytest.mark.django_db

# Two small provinces beside the session's Nghệ An: Cao Bằng and Lai Châu.
CODES = ("04", "12")
SCALE = "0.02"  # 2 premises per former commune (100 at --scale 1)
SITES_PER_FORMER_COMMUNE = 2
ASSETS_PER_PREMISES = 10


@pytest.fixture
def two_provinces(call):
    for code in CODES:
        load_province(code)
    output = call("generate_demo", "--provinces", "2", "--province", "04", "--scale", SCALE)
    return {p.code: p for p in AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=CODES)}, output


def national(model, province):
    return model.objects.filter(code__startswith=f"DEMO-N{province.code}-")


def test_counts_per_province_follow_the_reference_data(two_provinces):
    provinces, output = two_provinces
    assert "provinces=2" in output
    for province in provinces.values():
        communes = AdministrativeUnit.objects.filter(province=province, level=UnitLevel.COMMUNE).count()
        former = AdministrativeUnit.objects.filter(province=province, level=UnitLevel.LEGACY_COMMUNE).count()
        assert communes > 10 and former > communes
        # a People's Committee and a public service centre per commune
        assert national(Agency, province).count() == 2 * communes
        assert national(Premises, province).count() == SITES_PER_FORMER_COMMUNE * former
        assert (
            Asset.objects.filter(premises__code__startswith=f"DEMO-N{province.code}-").count()
            == ASSETS_PER_PREMISES * SITES_PER_FORMER_COMMUNE * former
        )
        # every site has its house, and the rollups count every site
        assert House.objects.filter(premises__code__startswith=f"DEMO-N{province.code}-").count() == (
            SITES_PER_FORMER_COMMUNE * former
        )
        rolled = sum(UnitRollup.objects.filter(admin_unit__province=province).values_list("premises_count", flat=True))
        assert rolled == SITES_PER_FORMER_COMMUNE * former
    # Nghệ An, loaded but not among the two asked for, gets nothing.
    assert not Agency.objects.filter(code__startswith="DEMO-N40-").exists()


def test_every_record_is_in_the_province_of_its_commune(two_provinces):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM inventory_premises p
            JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
            JOIN inventory_administrativeunit l ON l.id = p.legacy_unit_id
            JOIN inventory_agency a ON a.id = p.agency_id
            JOIN inventory_administrativeunit au ON au.id = a.admin_unit_id
            JOIN inventory_administrativeunit pr ON pr.id = u.province_id
            WHERE p.code LIKE 'DEMO-N%%'
              AND (u.province_id <> l.province_id OR u.province_id <> au.province_id
                   OR p.code NOT LIKE 'DEMO-N' || pr.code || '-%%')
            """
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE pu.province_id <> au.province_id)
            FROM inventory_asset s
            JOIN inventory_premises p ON p.id = s.premises_id
            JOIN inventory_administrativeunit pu ON pu.id = p.admin_unit_id
            JOIN inventory_agency a ON a.id = s.agency_id
            JOIN inventory_administrativeunit au ON au.id = a.admin_unit_id
            WHERE p.code LIKE 'DEMO-N%%'
            """
        )
        assets, elsewhere = cursor.fetchone()
        assert assets > 0 and elsewhere == 0
        # the province key of every row is its commune's province
        cursor.execute(
            """
            SELECT count(*) FROM inventory_premises p JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
            WHERE p.code LIKE 'DEMO-N%%' AND p.province_id IS DISTINCT FROM u.province_id
            UNION ALL
            SELECT count(*) FROM inventory_asset s JOIN inventory_premises p ON p.id = s.premises_id
            JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
            WHERE p.code LIKE 'DEMO-N%%' AND s.province_id IS DISTINCT FROM u.province_id
            UNION ALL
            SELECT count(*) FROM inventory_agency a JOIN inventory_administrativeunit u ON u.id = a.admin_unit_id
            WHERE a.code LIKE 'DEMO-N%%' AND a.province_id IS DISTINCT FROM u.province_id
            """
        )
        assert [row[0] for row in cursor.fetchall()] == [0, 0, 0]
        # sites lie within about 3 km of their former commune's centroid
        cursor.execute(
            """
            SELECT max(ST_Distance(p.location::geography, l.centroid::geography))
            FROM inventory_premises p JOIN inventory_administrativeunit l ON l.id = p.legacy_unit_id
            WHERE p.code LIKE 'DEMO-N%%'
            """
        )
        assert cursor.fetchone()[0] < 3100


def test_fixed_assets_are_one_record_each_and_values_add_up(two_provinces):
    rows = Asset.objects.filter(code__startswith="DEMO-N")
    assert not rows.filter(is_fixed_asset=True, quantity__gt=1).exists()
    assert rows.filter(is_fixed_asset=False, quantity__gt=1).exists()
    assert {"in_use", "surplus"} <= set(rows.values_list("status", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM inventory_asset WHERE code LIKE 'DEMO-N%%' AND NOT (
                   remaining_value BETWEEN 0 AND original_cost
                   AND book_remaining_value + book_accumulated_wear = original_cost)"""
        )
        assert cursor.fetchone()[0] == 0
    statuses = set(Premises.objects.filter(code__startswith="DEMO-N").values_list("status", flat=True))
    assert {"in_use_hq", "surplus", "partly_surplus", "other_public_use"} == statuses


def test_a_second_run_with_skip_if_present_adds_nothing(two_provinces, call):
    before = [m.objects.count() for m in (Agency, Premises, Asset, House)]
    output = call("generate_demo", "--provinces", "2", "--province", "04", "--scale", SCALE, "--skip-if-present")
    assert "provinces=0 skipped=2" in output
    assert [m.objects.count() for m in (Agency, Premises, Asset, House)] == before
    with pytest.raises(CommandError, match="already present"):
        call("generate_demo", "--provinces", "2", "--province", "04", "--scale", SCALE)
