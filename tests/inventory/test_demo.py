"""The demo data set: deterministic, plainly marked, and shaped like the real situation."""

import pytest
from django.db import connection

from inventory import demo
from inventory.choices import AssetCategory, PremisesStatus, UnitLevel
from inventory.models import AdministrativeUnit, Agency, Asset, Need, Premises, User

pytestmark = pytest.mark.django_db

FINGERPRINT_SQL = {
    "premises": """SELECT md5(string_agg(concat_ws('|', p.code, p.name, ST_AsText(p.location), p.status,
                        p.floor_area, p.original_cost, p.remaining_value, u.code, a.code), ',' ORDER BY p.code))
                   FROM inventory_premises p JOIN inventory_administrativeunit u ON u.id = p.admin_unit_id
                   JOIN inventory_agency a ON a.id = p.agency_id WHERE p.is_demo""",
    "assets": """SELECT md5(string_agg(concat_ws('|', s.code, s.name, c.code, s.quantity, s.original_cost,
                      s.in_use_date, s.remaining_value, s.status, s.plate_number, p.code), ',' ORDER BY s.code))
                 FROM inventory_asset s JOIN inventory_assetclass c ON c.id = s.asset_class_id
                 LEFT JOIN inventory_premises p ON p.id = s.premises_id WHERE s.is_demo""",
    "agencies": "SELECT md5(string_agg(concat_ws('|', code, name, kind), ',' ORDER BY code)) FROM inventory_agency "
    "WHERE is_demo",
    "needs": "SELECT md5(string_agg(concat_ws('|', code, purpose, floor_area, quantity), ',' ORDER BY code)) "
    "FROM inventory_need WHERE is_demo",
}


def fingerprint():
    with connection.cursor() as cursor:
        result = {}
        for name, sql in FINGERPRINT_SQL.items():
            cursor.execute(sql)
            result[name] = cursor.fetchone()[0]
        return result


def test_same_seed_gives_the_same_data_and_another_seed_differs():
    first = fingerprint()
    assert all(first.values())
    demo.clear_demo()
    assert not Premises.objects.filter(is_demo=True).exists()
    demo.generate(seed=1)
    assert fingerprint() == first
    demo.clear_demo()
    demo.generate(seed=2)
    other = fingerprint()
    assert other["premises"] != first["premises"] and other["assets"] != first["assets"]


def test_demo_data_is_plainly_marked():
    for model in (Agency, Premises, Asset, Need):
        rows = model.objects.filter(code__startswith=demo.DEMO_PREFIX)
        assert rows.exists()
        assert not rows.filter(is_demo=False).exists()
    assert not Premises.objects.filter(is_demo=True).exclude(notes__icontains="demo").exists()


def test_demo_users_exist_only_with_demo_data():
    assert set(User.objects.filter(username__startswith="demo-").values_list("username", flat=True)) == set(
        demo.DEMO_USERNAMES
    )
    commune = User.objects.get(username="demo-commune")
    assert commune.admin_unit.name == "Phường Thành Vinh"
    assert commune.check_password("nghean2025")
    demo.clear_demo()
    assert not User.objects.filter(username__in=demo.DEMO_USERNAMES).exists()


def test_clearing_the_demo_keeps_a_study_a_demo_user_made_and_shuts_that_user_out():
    """A reviewer tried the siting study as demo-finance: clearing the demo keeps the study,
    with its author deactivated (no login); the other demo users go; demo data made again
    brings the user back."""
    from django.contrib.gis.geos import Point
    from rest_framework.authtoken.models import Token

    from inventory.services import tokens
    from maps.models import SitingStudy

    finance = User.objects.get(username="demo-finance")
    study = SitingStudy.objects.create(
        name="Thử nghiệm",
        shelf_metres=9000,
        office_area=300,
        processing_area=100,
        centre=Point(105.68, 18.67, srid=4326),
        seed=1,
        random_sets=5,
        created_by=finance,
    )
    tokens.issue_token(finance)
    tokens.issue_gis_password(finance)
    demo.clear_demo()
    assert SitingStudy.objects.filter(pk=study.pk, created_by=finance).exists()
    assert not Token.objects.filter(user=finance).exists() and tokens.gis_password_of(finance) is None
    assert list(User.objects.filter(username__in=demo.DEMO_USERNAMES).values_list("username", "is_active")) == [
        ("demo-finance", False)
    ]
    assert not User.objects.get(username="demo-finance").check_password("nghean2025")
    assert not Premises.objects.filter(is_demo=True).exists()
    demo.generate(seed=1)
    again = User.objects.get(username="demo-finance")
    assert again.pk == finance.pk and again.is_active and again.check_password("nghean2025")
    assert User.objects.filter(username__in=demo.DEMO_USERNAMES, is_active=True).count() == len(demo.DEMO_USERNAMES)


def test_a_former_headquarters_near_each_legacy_commune_and_district():
    legacy = AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_COMMUNE)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT max(ST_Distance(p.location::geography, u.centroid::geography))
            FROM inventory_premises p JOIN inventory_administrativeunit u ON u.id = p.legacy_unit_id
            WHERE p.is_demo AND p.name LIKE 'Trụ sở UBND %%'""")
        assert cursor.fetchone()[0] <= 1000
    assert (
        Premises.objects.filter(is_demo=True, name__startswith="Trụ sở UBND").values("legacy_unit").distinct().count()
        == legacy.count()
    )
    assert Premises.objects.filter(is_demo=True, name__startswith="Trụ sở Huyện ủy").count() == 20


def test_each_new_unit_has_one_headquarters_among_its_predecessors_sites():
    for unit in AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE):
        hq = Premises.objects.filter(admin_unit=unit, status=PremisesStatus.IN_USE_HQ, legacy_unit__isnull=False)
        assert hq.count() == 1, unit.name
        site = hq.get()
        predecessors = set(unit.predecessor_links.values_list("predecessor_id", flat=True))
        assert site.legacy_unit_id in predecessors or site.name.startswith("Trụ sở Huyện ủy"), unit.name
    assert Premises.objects.filter(is_demo=True, status=PremisesStatus.SURPLUS).count() > 100
    assert Premises.objects.filter(
        is_demo=True, status=PremisesStatus.PARTLY_SURPLUS, surplus_floor_area__gt=0
    ).exists()


def test_storm_damage_is_in_the_western_communes():
    damaged = Premises.objects.filter(is_demo=True, storm_damaged=True).select_related("legacy_unit")
    assert damaged.count() > 10
    longitudes = sorted(
        AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_COMMUNE).values_list("centroid", flat=True),
        key=lambda p: p.x,
    )
    west_limit = longitudes[len(longitudes) // 4].x
    assert all(p.legacy_unit.centroid.x <= west_limit for p in damaged)
    assert damaged.filter(admin_unit__short_name="Mỹ Lý").exists()


def test_assets_are_plausible():
    cars = Asset.objects.filter(is_demo=True, asset_class__category=AssetCategory.CAR)
    assert cars.exists()
    assert not cars.filter(plate_number="").exists()
    assert not cars.filter(original_cost__lt=500_000_000).exists()
    assert not Asset.objects.filter(is_demo=True, remaining_value__gt=models_f("original_cost")).exists()
    assert not Asset.objects.filter(is_demo=True, remaining_value__lt=0).exists()
    categories = set(Asset.objects.filter(is_demo=True).values_list("asset_class__code", flat=True))
    assert {"OTO", "MMTB-CNTT", "MMTB-NT", "MMTB-CD"} <= categories
    assert Need.objects.filter(is_demo=True).count() >= 5


def models_f(name):
    from django.db.models import F

    return F(name)


def test_scale_multiplies_asset_lines():
    base = Asset.objects.filter(is_demo=True).count()
    demo.clear_demo()
    summary = demo.generate(seed=1, scale=3)
    assert summary.counts["assets"] == Asset.objects.filter(is_demo=True).count()
    assert 2.5 * base < summary.counts["assets"] < 3.5 * base


def test_generate_refuses_when_demo_data_is_present(call):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already present"):
        call("generate_demo", "--seed", "1")
    assert "nothing to do" in call("generate_demo", "--skip-if-present")


def test_history_of_bulk_rows_names_the_command():
    demo.clear_demo()
    demo.generate(seed=1)
    event = Asset.pgh_event_model.objects.filter(pgh_obj__is_demo=True).select_related("pgh_context").first()
    assert event is not None
    assert event.pgh_context.metadata["command"] == "generate_demo"
    assert event.pgh_context.metadata["seed"] == 1
