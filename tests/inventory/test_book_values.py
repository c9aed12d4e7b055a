"""Book values first (giá trị theo sổ kế toán), forms 04b/04c, and the revaluation after
damage (Circular 23/2023 Art. 10.5, 13.1.c, 14.7). Every figure is worked out by hand
in the comments."""

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from inventory.choices import Condition
from inventory.models import AdministrativeUnit, Asset, AssetClass, Revaluation
from inventory.services.exports import FIRST_ROW, HEADER_ROW
from inventory.services.revaluation import apply_revaluation
from inventory.services.wear import book_wear
from tests import factories

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026():
    """As of 29 November 2026: the latest year-end is 2025; 2026 may be booked."""
    with mock.patch("django.utils.timezone.localdate", return_value=D(2026, 11, 29)):
        yield


def cls(code):
    return AssetClass.objects.get(code=code)


def car(cost, in_use, **kwargs):
    """A car: class OTO, 6.67% a year (Circular 23/2023, seeded)."""
    return factories.asset(
        asset_class=cls("OTO"), original_cost=Decimal(cost), in_use_date=in_use, plate_number="37A-123.45", **kwargs
    )


def computer(cost, in_use, **kwargs):
    """Class MMTB-CNTT, 20% a year."""
    return factories.asset(original_cost=Decimal(cost), in_use_date=in_use, **kwargs)


# -- book values and the check -------------------------------------------------------------


def test_book_values_are_kept_beside_the_check_and_flagged_when_they_differ():
    # 100,000,000 at 20% from 2022: 2022–2025 → 80,000,000 worn, check 20,000,000 at 31/12/2025.
    item = computer(100_000_000, D(2022, 3, 1), book_remaining_value=Decimal(25_000_000))
    item.refresh_from_db()
    assert item.book_remaining_value == 25_000_000
    assert item.book_accumulated_wear == 75_000_000  # 100,000,000 − 25,000,000
    assert item.book_date == D(2025, 12, 31)  # the latest year-end, when not given
    assert (item.remaining_value, item.valuation_date) == (20_000_000, D(2025, 12, 31))
    assert item.book_check_difference == 5_000_000 and item.book_differs
    agreeing = computer(100_000_000, D(2022, 3, 1), book_remaining_value=Decimal(20_000_000))
    assert not agreeing.book_differs
    mine = Asset.objects.filter(pk__in=[item.pk, agreeing.pk])
    assert list(mine.book_differs().values_list("pk", flat=True)) == [item.pk]
    assert list(mine.book_differs(False).values_list("pk", flat=True)) == [agreeing.pk]
    with override_settings(BOOK_CHECK_TOLERANCE_VND=5_000_000):  # a difference of exactly the tolerance passes
        assert not mine.book_differs().exists()
        assert not Asset.objects.get(pk=item.pk).book_differs


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"book_remaining_value": 100_000_001}, "book_remaining_value"),  # above the cost
        ({"book_remaining_value": 1, "book_date": D(2026, 12, 1)}, "book_date"),
    ],
)
def test_book_values_that_do_not_add_up_are_refused(values, field):
    item = computer(100_000_000, D(2022, 3, 1))
    for name, value in values.items():
        setattr(item, name, Decimal(value) if isinstance(value, int) else value)
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert field in excinfo.value.message_dict


def test_book_accumulated_wear_follows_a_corrected_cost():
    item = computer(100_000_000, D(2022, 3, 1), book_remaining_value=Decimal(25_000_000))
    item.original_cost = Decimal(90_000_000)
    item.full_clean()
    item.save()
    item.refresh_from_db()
    assert (item.book_accumulated_wear, item.book_remaining_value) == (65_000_000, 25_000_000)  # 90M − 25M


def test_book_values_need_an_original_cost():
    item = computer(100_000_000, D(2022, 3, 1))
    item.original_cost, item.book_remaining_value = None, Decimal(5)
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "original_cost" in excinfo.value.message_dict


def test_year_end_run_adds_the_year_to_the_books_and_keeps_their_difference():
    stated = computer(100_000_000, D(2022, 3, 1), book_remaining_value=Decimal(25_000_000))
    unstated = computer(100_000_000, D(2024, 6, 1))
    book_wear(2025, today=D(2025, 12, 20))
    stated.refresh_from_db()
    unstated.refresh_from_db()
    # Books stated as at 31/12/2025 already stand at that year-end: the 2025 run leaves them.
    assert (stated.book_remaining_value, stated.book_date) == (25_000_000, D(2025, 12, 31))
    # No books stated: the run's figures become the books. 2024 and 2025 at 20%: 60,000,000 left.
    assert (unstated.book_accumulated_wear, unstated.book_remaining_value) == (40_000_000, 60_000_000)
    assert unstated.book_date == D(2025, 12, 31) and not unstated.book_differs

    book_wear(2026)
    stated.refresh_from_db()
    # 2026: 20,000,000 (20% of 100,000,000), the last of the check's 100,000,000; the books go
    # from 25,000,000 to 5,000,000, the check to 0: still 5,000,000 apart, still flagged.
    assert stated.remaining_value == 0
    assert (stated.book_accumulated_wear, stated.book_remaining_value) == (95_000_000, 5_000_000)
    assert stated.book_date == D(2026, 12, 31) and stated.book_differs


# -- revaluation after damage -------------------------------------------------------------


def storm_damaged_car(**kwargs):
    """1,000,000,000 in use in 2020, damaged by the July 2025 storm, booked for 2025."""
    item = car(1_000_000_000, D(2020, 1, 1), condition=Condition.DAMAGED, **kwargs)
    book_wear(2025, today=D(2025, 12, 20))
    item.refresh_from_db()
    return item


def test_revaluation_after_storm_damage_gives_the_new_value_and_life():
    item = storm_damaged_car()
    # 2020–2024 at 6.67%: 5 × 66,700,000 = 333,500,000; 2025 damaged beyond use: no wear.
    assert item.booked_wear.get(year=2025).amount == 0
    assert (item.book_accumulated_wear, item.book_remaining_value) == (333_500_000, 666_500_000)

    revaluation = apply_revaluation(
        item,
        date=D(2026, 1, 15),
        appraisal_reference="Chứng thư thẩm định 12/2026/TĐG",
        new_original_cost=Decimal(900_000_000),
        new_remaining_value=Decimal(400_000_000),
        remaining_life_years=7,
    )
    # 400,000,000 / 7 = 57,142,857.14… → 57,142,858 a year, rounded up.
    assert revaluation.annual_wear == 57_142_858
    assert (revaluation.original_cost_before, revaluation.remaining_value_before) == (1_000_000_000, 666_500_000)
    item.refresh_from_db()
    assert item.original_cost == 900_000_000
    assert (item.book_accumulated_wear, item.book_remaining_value) == (500_000_000, 400_000_000)
    assert item.book_date == D(2026, 1, 15)
    assert item.remaining_value == 400_000_000 and not item.book_differs  # the check follows the appraisal

    item.condition = Condition.GOOD  # repaired
    item.save()
    book_wear(2026)
    item.refresh_from_db()
    entry = item.booked_wear.get(year=2026)
    # 2026 books 57,142,858: 400,000,000 − 57,142,858 = 342,857,142 left.
    assert (entry.amount, entry.remaining_value) == (57_142_858, 342_857_142)
    assert (item.book_accumulated_wear, item.book_remaining_value) == (557_142_858, 342_857_142)
    assert item.remaining_value == 342_857_142
    item = Asset.objects.get(pk=item.pk)
    # Later years wear 57,142,858 too: after 2031 (6 years) 400,000,000 − 342,857,148 =
    # 57,142,852 is left, which 2032, the 7th year of the new life, takes whole.
    assert item.value_as_of(D(2027, 12, 31)) == 285_714_284
    assert item.value_as_of(D(2031, 12, 31)) == 57_142_852
    assert item.value_as_of(D(2032, 12, 31)) == 0


def test_revaluation_counts_from_its_year_end_when_made_before_the_run():
    # A computer 100,000,000 from 2022 (check 20,000,000 at 31/12/2025), appraised on
    # 10/06/2026 at 60,000,000 of a new cost of 90,000,000 over 4 years: the values stand at
    # 31/12/2025, so the 2026 run books 60,000,000 / 4 = 15,000,000, leaving 45,000,000.
    item = computer(100_000_000, D(2022, 3, 1))
    book_wear(2025, today=D(2025, 12, 20))
    apply_revaluation(
        item,
        date=D(2026, 6, 10),
        appraisal_reference="TĐG 3/2026",
        new_original_cost=Decimal(90_000_000),
        new_remaining_value=Decimal(60_000_000),
        remaining_life_years=4,
    )
    book_wear(2026)
    item.refresh_from_db()
    assert item.booked_wear.get(year=2026).amount == 15_000_000
    assert (item.book_remaining_value, item.remaining_value) == (45_000_000, 45_000_000)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": D(2025, 10, 1)}, "date"),  # 2025 is already booked for this car
        ({"date": D(2026, 12, 1)}, "date"),  # in the future (today is 29/11/2026)
        ({"new_remaining_value": Decimal(950_000_000)}, "new_remaining_value"),  # above the new cost
        ({"remaining_life_years": 0}, "remaining_life_years"),
    ],
)
def test_revaluation_refusals_change_nothing(changes, field):
    item = storm_damaged_car()
    values = {
        "date": D(2026, 1, 15),
        "appraisal_reference": "TĐG",
        "new_original_cost": Decimal(900_000_000),
        "new_remaining_value": Decimal(400_000_000),
        "remaining_life_years": 7,
        **changes,
    }
    with pytest.raises(ValidationError) as excinfo:
        apply_revaluation(item, **values)
    assert field in excinfo.value.message_dict
    item.refresh_from_db()
    assert not Revaluation.objects.filter(asset=item).exists()
    assert (item.original_cost, item.book_remaining_value) == (1_000_000_000, 666_500_000)


def test_revaluation_is_refused_in_vietnamese_by_default():
    item = storm_damaged_car()
    with pytest.raises(ValidationError) as excinfo:
        apply_revaluation(
            item,
            date=D(2025, 10, 1),
            appraisal_reference="TĐG",
            new_original_cost=Decimal(900_000_000),
            new_remaining_value=Decimal(400_000_000),
            remaining_life_years=7,
        )
    assert "đã" in excinfo.value.message_dict["date"][0]  # "…đã ghi sổ…"


# -- forms 04b and 04c --------------------------------------------------------------------


def sheet_rows(response):
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[HEADER_ROW]]
    header_text = [sheet.cell(row=r, column=1).value for r in range(3, HEADER_ROW)]
    rows = [dict(zip(headers, row, strict=False)) for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)]
    return header_text, rows


BOOK_VALUE = "Giá trị còn lại theo sổ kế toán (nghìn đồng)"
COST = "Nguyên giá theo sổ kế toán (nghìn đồng)"


@pytest.fixture
def declaring_unit():
    superior = factories.agency()
    agency = factories.agency(dkts_code="1234567", superior=superior)
    a = {
        # a car of 800,000,000 from 2020 (check 800,000,000 − 6 × 53,360,000 = 479,840,000);
        # the accounts state 700,000,000 left
        "car": car(800_000_000, D(2020, 1, 1), agency=agency, book_remaining_value=Decimal(700_000_000)),
        "cheap_car": car(300_000_000, D(2024, 1, 1), agency=agency),
        "land_right": factories.asset(
            asset_class=cls("QSDD"), original_cost=Decimal(2_000_000_000), in_use_date=D(2015, 1, 1), agency=agency
        ),
        # a machine of 600,000,000 from 2021 (10%: check 600,000,000 − 5 × 60,000,000 = 300,000,000);
        # the accounts state 310,000,000
        "machine": factories.asset(
            asset_class=cls("MMTB-CD"),
            original_cost=Decimal(600_000_000),
            in_use_date=D(2021, 1, 1),
            agency=agency,
            book_remaining_value=Decimal(310_000_000),
        ),
        # a fixed asset is one record: one machine at the threshold, one under it
        "at_500m": factories.asset(asset_class=cls("MMTB-CD"), original_cost=Decimal(500_000_000), agency=agency),
        "at_400m": factories.asset(asset_class=cls("MMTB-CD"), original_cost=Decimal(400_000_000), agency=agency),
        "computer": computer(15_000_000, D(2024, 1, 1), agency=agency),
    }
    return agency, superior, a


def test_form_04b_lists_cars_only_with_book_values_and_the_unit_header(client_as, declaring_unit):
    agency, superior, a = declaring_unit
    header, rows = sheet_rows(
        client_as("demo-finance").get(reverse("inventory:export_form", args=["04b"]), {"agency": agency.code})
    )
    assert {r["Mã"] for r in rows} == {a["car"].code, a["cheap_car"].code}
    car_row = next(r for r in rows if r["Mã"] == a["car"].code)
    # In thousand đồng: 800,000,000 → 800,000; book 700,000,000 → 700,000 (not the check 479,840).
    assert (car_row[COST], car_row[BOOK_VALUE]) == (800_000, 700_000)
    assert car_row["Biển kiểm soát"] == "37A-123.45"
    assert "Mã đơn vị (ĐKTS): 1234567" in header
    assert f"Cơ quan quản lý cấp trên: {superior.name}" in header
    assert any(h and h.startswith("Loại hình đơn vị: ") and len(h) > len("Loại hình đơn vị: ") for h in header)
    assert any(h and h.startswith("Tỉnh: ") and len(h) > len("Tỉnh: ") for h in header)


def test_form_04c_leaves_out_cars_land_use_rights_and_assets_under_the_threshold(client_as, declaring_unit):
    agency, _superior, a = declaring_unit
    _header, rows = sheet_rows(
        client_as("demo-finance").get(reverse("inventory:export_form", args=["04c"]), {"agency": agency.code})
    )
    # 600,000,000, and 500,000,000 (at the threshold).
    # Not: cars (04b), the land-use right (04a), 400,000,000, a 15,000,000 computer.
    assert {r["Mã"] for r in rows} == {a["machine"].code, a["at_500m"].code}
    machine = next(r for r in rows if r["Mã"] == a["machine"].code)
    assert machine[BOOK_VALUE] == 310_000  # the book 310,000,000, not the check 300,000,000
    assert Asset.objects.get(pk=a["machine"].pk).remaining_value == 300_000_000


def test_form_04a_prints_the_book_value_of_the_premises(client_as, declaring_unit):
    agency, _superior, _assets = declaring_unit
    # Grade III (4%) 2,000,000,000 from 2010: check 720,000,000 at 31/12/2025; the books say 750,000,000.
    premises = factories.premises(
        agency=agency, admin_unit=agency.admin_unit, book_remaining_value=Decimal(750_000_000)
    )
    _header, rows = sheet_rows(
        client_as("demo-finance").get(reverse("inventory:export_form", args=["04a"]), {"agency": agency.code})
    )
    # The site's row (its land: no land value given), then its one house with the books.
    assert [(r["STT"], r["Mã"], r[COST], r[BOOK_VALUE]) for r in rows] == [
        (1, premises.code, None, None),
        ("1.1", None, 2_000_000, 750_000),
    ]


def test_forms_of_another_units_agency_are_not_found(client_as, demo_user):
    own_unit = demo_user("demo-commune").admin_unit_id
    other = factories.agency(admin_unit=AdministrativeUnit.objects.communes().exclude(pk=own_unit).first())
    commune = client_as("demo-commune")
    for form in ("04a", "04b", "04c"):
        response = commune.get(reverse("inventory:export_form", args=[form]), {"agency": other.code})
        assert response.status_code == 404


# -- where the book value shows -----------------------------------------------------------


def test_api_shows_book_values_beside_the_check_and_filters_the_flagged(client_as):
    flagged = computer(100_000_000, D(2022, 3, 1), book_remaining_value=Decimal(25_000_000))
    client = client_as("demo-finance")
    row = client.get(f"/api/v1/assets/{flagged.pk}/").json()
    assert (row["book_remaining_value"], row["remaining_value"], row["book_differs"]) in [
        ("25000000", "20000000", True),
        (25_000_000, 20_000_000, True),
    ]
    listed = client.get("/api/v1/assets/", {"book_differs": "true", "code": flagged.code}).json()
    assert [r["id"] for r in listed["results"]] == [flagged.pk]
    assert client.get("/api/v1/assets/", {"book_differs": "false", "code": flagged.code}).json()["results"] == []


def test_premises_detail_shows_the_book_value_and_the_check(client_as):
    # Grade III (4%) 2,000,000,000 from 2010: 16 years to 2025 → 1,280,000,000 worn, check 720,000,000.
    premises = factories.premises(book_remaining_value=Decimal(750_000_000))
    page = client_as("demo-finance").get(reverse("inventory:premises_detail", args=[premises.pk])).content.decode()
    assert "750.000.000" in page or "750,000,000" in page
    assert "720.000.000" in page or "720,000,000" in page


# -- the admin ----------------------------------------------------------------------------


def revaluation_post(asset, **changes):
    return {
        "asset": asset.pk,
        "premises": "",
        "date": "2026-01-15",
        "appraisal_reference": "Chứng thư 12/2026/TĐG",
        "document": SimpleUploadedFile("tham-dinh.pdf", b"%PDF-1.4\n%%EOF\n"),
        "new_original_cost": "900000000",
        "new_remaining_value": "400000000",
        "remaining_life_years": "7",
        **changes,
    }


def test_admin_records_a_revaluation_through_the_service(client_as, demo_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commune = demo_user("demo-commune").admin_unit_id
    elsewhere = AdministrativeUnit.objects.communes().exclude(pk=commune).first()
    item = storm_damaged_car(agency=factories.agency(elsewhere))
    client = client_as("demo-admin")
    response = client.post(reverse("admin:inventory_revaluation_add"), revaluation_post(item))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    revaluation = Revaluation.objects.get(asset=item)
    assert revaluation.annual_wear == 57_142_858 and revaluation.document.name.endswith("tham-dinh.pdf")
    item.refresh_from_db()
    assert (item.original_cost, item.book_remaining_value) == (900_000_000, 400_000_000)
    # the appraisal document, to those who may see the asset only
    assert client.get(reverse("inventory:revaluation_document", args=[revaluation.pk])).status_code == 200
    outsider = client_as("demo-commune")
    assert outsider.get(reverse("inventory:revaluation_document", args=[revaluation.pk])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"date": "2025-10-01"}, "date"), ({"document": None}, "document")],
)
def test_admin_refuses_a_revaluation_in_a_closed_year_or_without_a_pdf(client_as, changes, field):
    if "document" in changes:
        changes = {"document": SimpleUploadedFile("tham-dinh.pdf", b"not a pdf")}
    item = storm_damaged_car()
    response = client_as("demo-admin").post(
        reverse("admin:inventory_revaluation_add"), revaluation_post(item, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Revaluation.objects.filter(asset=item).exists()


# -- the Excel import ---------------------------------------------------------------------

BOOK_HEADING = "Giá trị còn lại theo sổ kế toán (đồng)"


def edited_template(user, value_of):
    """The unit's template with the book value of its first asset line set by `value_of(cost)`."""
    from inventory.services import excel

    book = load_workbook(io.BytesIO(excel.template(user)))
    sheet = book["Tài sản"]
    headings = {cell.value: cell.column for cell in sheet[1]}
    code = sheet.cell(2, 1).value
    cost = Asset.objects.get(code=code).original_cost
    sheet.cell(2, headings[BOOK_HEADING]).value = value_of(cost)
    buffer = io.BytesIO()
    book.save(buffer)
    return code, cost, buffer.getvalue()


def test_book_value_is_imported_from_the_workbook(demo_user):
    from inventory.models import DeclarationItem
    from inventory.services import excel

    user = demo_user("demo-commune")
    code, cost, content = edited_template(user, lambda cost: int(cost) // 2)
    result = excel.import_workbook(user, SimpleUploadedFile("ke-khai.xlsx", content))
    assert result.errors == [] and result.changed == 1, [str(e) for e in result.errors]
    item = DeclarationItem.objects.get(code=code)
    assert Decimal(str(item.payload["book_remaining_value"])) == int(cost) // 2


def test_a_book_value_above_the_cost_is_a_row_error(demo_user):
    from inventory.models import DeclarationItem
    from inventory.services import excel

    user = demo_user("demo-commune")
    code, _cost, content = edited_template(user, lambda cost: int(cost) + 1)
    result = excel.import_workbook(user, SimpleUploadedFile("ke-khai.xlsx", content))
    assert result.errors and not DeclarationItem.objects.filter(code=code).exists()
