"""Sites with houses (issue 12, item 4): a premises is the site (land) with zero or more
houses; its building columns are the totals of its live houses, kept by PostgreSQL; the
migration gives every premises its one house; form 04a has a row per house under its
site. Figures are worked out by hand in each test."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inventory.models import BookedWear, House, Premises, WearRun
from inventory.models.houses import houses_from_premises
from inventory.services import deletion
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def house(premises, **kwargs) -> House:
    values = {
        "name": "Nhà B",
        "building_grade": "IV",
        "floors": 1,
        "footprint_area": D(150),
        "floor_area": D(150),
        "original_cost": D(500_000_000),
        "in_use_date": dt.date(2020, 1, 1),
        "year_built": 2019,
        **kwargs,
    }
    obj = House(premises=premises, **values)
    obj.full_clean()
    obj.save()
    return obj


def test_a_premises_row_declares_its_one_house():
    site = factories.premises()  # grade III, 2 floors, 300 m² footprint, 600 m², 2,000,000,000 VND
    (only,) = site.houses.all()
    assert (only.building_grade, only.floors, only.footprint_area, only.floor_area, only.original_cost) == (
        "III",
        2,
        300,
        600,
        2_000_000_000,
    )
    assert site.remaining_value == only.remaining_value and site.version == 1

    site.floor_area = D(550)
    site.original_cost = D(2_100_000_000)
    site.save()
    only.refresh_from_db()
    assert (only.floor_area, only.original_cost) == (550, 2_100_000_000)
    assert site.houses.count() == 1


def test_a_site_with_two_houses_holds_their_totals():
    site = factories.premises()
    first = site.houses.get()
    rollup_before = unit_floor_area(site)
    second = house(site, floor_area=D(700), footprint_area=D(350), floors=2)
    site.refresh_from_db()
    # 600 + 700 m²; 300 + 350 m² footprint; the highest house has 2 floors;
    # 2,000,000,000 + 500,000,000 VND.
    assert (site.floor_area, site.footprint_area, site.floors, site.original_cost) == (
        1300,
        650,
        2,
        2_500_000_000,
    )
    assert site.remaining_value == first.remaining_value + second.remaining_value
    # The main house (the larger floor area, 700 m²) gives the grade and year.
    assert (site.building_grade, site.year_built, site.in_use_date) == ("IV", 2019, dt.date(2020, 1, 1))
    # The unit rollup follows the premises: 700 m² more.
    assert unit_floor_area(site) == rollup_before + 700


def unit_floor_area(site) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(floor_area) FROM inventory_unitrollup WHERE admin_unit_id = %s", [site.admin_unit_id]
        )
        return cursor.fetchone()[0]


def test_deleting_a_house_leaves_the_others_totals_and_history(demo_user):
    site = factories.premises()
    extra = house(site)
    version = Premises.objects.get(pk=site.pk).version
    deletion.soft_delete(demo_user("demo-finance"), extra, "Nhà tạm, đã tháo dỡ")
    site.refresh_from_db()
    assert (site.floor_area, site.original_cost) == (600, 2_000_000_000)
    assert site.version == version + 1  # the totals changed: a new version of the site
    events = Premises.events.rel.related_model.objects.filter(pgh_obj_id=site.pk).order_by("pgh_id")
    assert [e.floor_area for e in events] == [600, 750, 600]  # history keeps each total


def test_a_site_with_several_houses_refuses_a_change_to_a_total():
    site = factories.premises()
    house(site)
    site.refresh_from_db()
    site.floor_area = D(999)
    with pytest.raises(ValidationError) as excinfo:
        site.save()
    assert "floor_area" in excinfo.value.message_dict
    site.refresh_from_db()
    assert site.floor_area == 750 and site.houses.count() == 2


def test_a_site_without_houses_is_land_only():
    site = factories.premises(
        building_grade="",
        floors=None,
        footprint_area=None,
        floor_area=None,
        original_cost=None,
        in_use_date=None,
        land_value=D(3_000_000_000),
    )
    assert not site.houses.exists()
    site.refresh_from_db()
    assert (site.floor_area, site.original_cost, site.remaining_value, site.land_value) == (
        None,
        None,
        None,
        3_000_000_000,
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"floors": 1, "footprint_area": D(100), "floor_area": D(101)}, "floor_area"),  # > 100 × 1
        ({"year_built": 2021, "in_use_date": dt.date(2020, 6, 1)}, "in_use_date"),
        ({"year_built": dt.date.today().year + 1}, "year_built"),
        ({"floor_use_office": D(100), "floor_use_other": D(51)}, "floor_use_office"),  # 151 > 150
        ({"cost_state_budget": D(400_000_000), "cost_other_sources": D(99_999_999)}, "cost_state_budget"),
    ],
)
def test_a_house_with_wrong_figures_is_refused(values, field):
    site = factories.premises()
    with pytest.raises(ValidationError) as excinfo:
        house(site, **values)
    assert field in excinfo.value.message_dict
    assert site.houses.count() == 1


def test_a_house_with_its_cost_split_and_floor_use_is_kept():
    site = factories.premises()
    b = house(
        site,
        cost_state_budget=D(400_000_000),
        cost_other_sources=D(100_000_000),
        floor_use_office=D(100),
        floor_use_public_service=D(50),
    )
    assert (b.cost_state_budget + b.cost_other_sources, b.floor_use_office) == (500_000_000, 100)


def test_a_real_house_cannot_be_deleted_outright():
    site = factories.premises()
    only = site.houses.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_house WHERE id = %s", [only.pk])
    assert House.objects.filter(pk=only.pk).exists()


def test_the_migration_gives_each_premises_one_house_with_the_same_totals():
    """Premises rows as they were before houses (written without the model's save),
    then the migration's function."""
    agency = factories.agency()
    rows = [
        Premises(
            code=f"MIG-{n}",
            name=f"Trụ sở cũ {n}",
            location=Point(105.66, 18.675, srid=4326),
            admin_unit=agency.admin_unit,
            agency=agency,
            building_grade="III",
            floors=floors,
            footprint_area=D(footprint),
            floor_area=D(floor),
            original_cost=D(cost),
            remaining_value=D(remaining),
            valuation_date=dt.date(2025, 12, 31),
            in_use_date=dt.date(2015, 1, 1),
            year_built=2014,
        )
        for n, floors, footprint, floor, cost, remaining in (
            (1, 2, 200, 400, 1_000_000_000, 560_000_000),
            (2, 3, 100, 250, 700_000_000, 392_000_000),
        )
    ]
    land = Premises(
        code="MIG-3", name="Đất trống", location=rows[0].location, admin_unit=agency.admin_unit, agency=agency
    )
    Premises.objects.bulk_create([*rows, land])
    run = WearRun.objects.create(year=2025)
    BookedWear.objects.create(
        premises=rows[0],
        year=2025,
        original_cost=1_000_000_000,
        rate=4,
        amount=40_000_000,
        accumulated_wear=440_000_000,
        remaining_value=560_000_000,
        run=run,
    )
    ids = [p.pk for p in (*rows, land)]
    events_before = Premises.events.rel.related_model.objects.filter(pgh_obj_id__in=ids).count()

    assert houses_from_premises(premises_ids=ids) == 2  # the land-only row gets none

    after = {p.code: p for p in Premises.objects.filter(pk__in=ids)}
    # 1,000,000,000 + 700,000,000 VND and 400 + 250 m², as before.
    assert sum(p.original_cost for p in after.values() if p.original_cost) == 1_700_000_000
    assert sum(p.floor_area for p in after.values() if p.floor_area) == 650
    assert sum(p.remaining_value for p in after.values() if p.remaining_value) == 952_000_000
    first = after["MIG-1"].houses.get()
    assert (first.floors, first.footprint_area, first.floor_area, first.original_cost, first.year_built) == (
        2,
        200,
        400,
        1_000_000_000,
        2014,
    )
    assert list(first.booked_wear.values_list("year", "remaining_value")) == [(2025, 560_000_000)]
    assert not after["MIG-3"].houses.exists()
    # The premises rows did not change (same totals): their history is as it was.
    assert Premises.events.rel.related_model.objects.filter(pgh_obj_id__in=ids).count() == events_before
    assert all(p.version == 1 for p in after.values())
    assert houses_from_premises(premises_ids=ids) == 0  # a second run makes nothing


def test_the_year_end_run_books_houses_not_those_of_handled_sites(call):
    site = factories.premises(original_cost=D(2_000_000_000), in_use_date=dt.date(2010, 1, 1))
    b = house(site, building_grade="III", original_cost=D(500_000_000), in_use_date=dt.date(2025, 3, 1))
    handled = factories.premises(status="handled")
    call("book_wear", "--year", "2025")
    # Grade III wears 4% a year: 2,000,000,000 × 4% = 80,000,000; 500,000,000 × 4% = 20,000,000.
    assert list(site.houses.get(pk=b.pk).booked_wear.values_list("amount", "remaining_value")) == [
        (20_000_000, 480_000_000)
    ]
    first = site.houses.exclude(pk=b.pk).get()
    assert list(first.booked_wear.values_list("amount", "remaining_value")) == [(80_000_000, 720_000_000)]
    assert not BookedWear.objects.filter(house__premises=handled).exists()
    site.refresh_from_db()
    assert (site.remaining_value, site.valuation_date) == (1_200_000_000, dt.date(2025, 12, 31))


def _sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(min_row=6, values_only=True))


def test_form_04a_has_a_row_per_house_under_its_site(client_as, demo_user):
    client = client_as("demo-commune")
    site = factories.premises(
        agency=demo_user("demo-commune").agency,
        code="T-04A",
        land_area=D(2000),
        land_use_office=D(1500),
        land_certificate="CT-0001",
        land_value=D(3_000_000_000),
    )
    site.houses.update(name="Nhà A")
    house(site)
    response = client.get(reverse("inventory:export_form", args=["04a"]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = _sheet_rows(content)
    at = next(i for i, row in enumerate(rows) if row[2] == "T-04A")
    site_row, first, second = rows[at], rows[at + 1], rows[at + 2]
    # The site: land area, use split, certificate, land book value (in thousand đồng, as the
    # form writes amounts); no building figures.
    assert (site_row[4], site_row[5], site_row[12], site_row[19]) == (2000, 1500, "CT-0001", 3_000_000)
    assert site_row[13:19] == (None,) * 6
    number = site_row[0]
    # The houses, one row each, with the figures set above and no land.
    assert (first[0], first[1], first[16], first[17], first[18], first[19]) == (
        f"{number}.1",
        "Nhà A",
        2,
        300,
        600,
        2_000_000,
    )
    assert (second[0], second[1], second[16], second[17], second[18], second[19]) == (
        f"{number}.2",
        "Nhà B",
        1,
        150,
        150,
        500_000,
    )
    assert all(value in (None, "") for value in (*first[2:13], *second[2:13]))
    # The next row is another site (or nothing): two houses only.
    assert len(rows) == at + 3 or "." not in str(rows[at + 3][0])


def test_the_premises_page_and_api_show_the_houses(client_as, demo_user):
    user = demo_user("demo-commune")
    site = factories.premises(agency=user.agency)
    house(site, name="Nhà kho")
    client = client_as("demo-commune")
    page = client.get(reverse("inventory:premises_detail", args=[site.pk]))
    assert page.status_code == 200 and "Nhà kho" in page.content.decode()
    data = client.get(f"/api/v1/premises/{site.pk}/", HTTP_ACCEPT="application/json").json()
    assert [h["name"] for h in data["houses"]] == ["", "Nhà kho"]
    assert [D(str(h["floor_area"])) for h in data["houses"]] == [600, 150]
    assert D(str(data["floor_area"])) == 750


def test_a_declared_change_to_the_totals_of_a_site_with_several_houses_is_refused(demo_user):
    from inventory.choices import ItemTarget
    from inventory.services import declarations, declared_values

    declarant = demo_user("demo-commune")
    site = factories.premises(agency=declarant.agency)
    house(site)
    site.refresh_from_db()
    payload = declared_values.to_payload(site, ItemTarget.PREMISES)
    with pytest.raises(ValidationError) as excinfo:
        declarations.propose(declarant, ItemTarget.PREMISES, {**payload, "floor_area": "900"}, record=site)
    assert "floor_area" in excinfo.value.message_dict
    # Its land is still declared as before.
    item = declarations.propose(declarant, ItemTarget.PREMISES, {**payload, "land_area": "2100"}, record=site)
    assert item.payload["land_area"] == "2100"


def test_the_admin_edits_a_site_s_houses_inline(client_as):
    from tests.inventory.test_safety import _form_data

    site = factories.premises()
    house(site)
    client = client_as("demo-admin")
    url = f"/admin/inventory/premises/{site.pk}/change/"
    data = _form_data(client.get(url))
    assert data["houses-TOTAL_FORMS"] == 2
    data["houses-1-floor_area"] = "120"  # the second house: 150 → 120 m²
    data["houses-1-footprint_area"] = "120"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    site.refresh_from_db()
    assert site.floor_area == 720  # 600 + 120
    data = _form_data(client.get(url))
    data["houses-1-floor_area"] = "500"  # more than 120 m² × 1 floor: refused, nothing changes
    response = client.post(url, data)
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.floor_area == 720


def test_the_api_as_of_a_day_shows_the_houses_as_they_stood(client_as, demo_user):
    site = factories.premises(agency=demo_user("demo-commune").agency)
    extra = house(site, name="Nhà tạm")
    deletion.soft_delete(demo_user("demo-finance"), extra, "Đã tháo dỡ")
    client = client_as("demo-commune")
    today = timezone.localdate().isoformat()  # the house was added and deleted today: gone by the end of it
    data = client.get(f"/api/v1/premises/{site.pk}/?as_of={today}", HTTP_ACCEPT="application/json").json()
    assert [D(str(h["floor_area"])) for h in data["houses"]] == [600]
    live = client.get(f"/api/v1/premises/{site.pk}/", HTTP_ACCEPT="application/json").json()
    assert [h["name"] for h in live["houses"]] == [""]
