"""Remaining value from original cost, date put into use and wear rate (Circular 23/2023)."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from inventory import valuation
from inventory.models import AssetClass, WearRate
from inventory.services import revalue_class
from tests import factories

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2010, 12, 30), 2_000_000_000),  # before the first year-end: no wear yet
        (D(2010, 12, 31), 1_920_000_000),  # first whole year
        (D(2024, 12, 31), 800_000_000),  # the worked example: 15 whole years of 80,000,000
        (D(2025, 6, 30), 800_000_000),  # mid-year: wear is recognised at the year-end only
        (D(2034, 12, 31), 0),  # 25 years × 4% = fully worn
        (D(2040, 12, 31), 0),  # never negative
    ],
)
def test_grade_iii_building_worked_example(as_of, expected):
    value = valuation.remaining_value(Decimal(2_000_000_000), Decimal("4.00"), D(2010, 1, 1), as_of)
    assert value == expected


def test_put_into_use_mid_year_counts_that_year_whole():
    # Put into use on 1 October 2020: the 2020 year-end computes a whole year's wear.
    assert valuation.wear_years(D(2020, 10, 1), D(2020, 12, 31)) == 1
    assert valuation.remaining_value(100_000_000, "20", D(2020, 10, 1), D(2020, 12, 31)) == 80_000_000
    assert valuation.wear_years(D(2020, 10, 1), D(2020, 9, 30)) == 0


def test_last_year_takes_what_is_left():
    # 6.67% a year over 15 years is 100.05%: the 15th year takes only what is left.
    cost = Decimal(1_000_000_000)
    assert valuation.remaining_value(cost, "6.67", D(2010, 1, 1), D(2023, 12, 31)) == cost - 14 * 66_700_000
    assert valuation.remaining_value(cost, "6.67", D(2010, 1, 1), D(2024, 12, 31)) == 0


def test_money_is_whole_dong_rounded_up():
    # Circular 23/2023 Art. 5.1: 1,000,005 × 6.67% = 66,700.3335 → 66,701 (half-up gave 66,700).
    assert valuation.annual_wear(1_000_005, "6.67") == 66_701
    assert valuation.round_up(Decimal("66700.0001")) == 66_701
    assert valuation.round_up(Decimal("66700")) == 66_700
    # Each year's wear is rounded up before it is added: 14 years leave 1,000,005 − 14 × 66,701.
    assert valuation.remaining_value(1_000_005, "6.67", D(2012, 1, 1), D(2025, 12, 31)) == 66_191


def test_each_year_uses_its_own_rate():
    def rates(year):
        return Decimal(20) if year <= 2025 else Decimal(16)

    # 2022–2025 at 20% of 100,000,000, then 2026 at 16%: 100,000,000 − 96,000,000.
    assert valuation.remaining_value(100_000_000, rates, D(2022, 3, 1), D(2026, 12, 31)) == 4_000_000
    assert valuation.remaining_value(100_000_000, rates, D(2022, 3, 1), D(2025, 12, 31)) == 20_000_000


def test_booked_years_are_taken_from_the_books():
    # Books say 50,000,000 accumulated at the end of 2024; 2025 adds 20,000,000 at 20%.
    booked = valuation.Booked(2024, Decimal(50_000_000))
    assert valuation.remaining_value(100_000_000, "20", D(2022, 3, 1), D(2025, 12, 31), booked) == 30_000_000


def test_no_rate_means_no_wear_and_unknown_cost_stays_unknown():
    assert valuation.remaining_value(500, None, D(2000, 1, 1), D(2024, 12, 31)) == 500
    assert valuation.remaining_value(None, "4", D(2000, 1, 1), D(2024, 12, 31)) is None


@pytest.mark.django_db
def test_stored_value_follows_its_inputs():
    premises = factories.premises(original_cost=Decimal(2_000_000_000), in_use_date=D(2010, 1, 1))
    as_of = premises.valuation_date
    assert premises.building_class.code == "NHA-III"
    assert premises.remaining_value == valuation.remaining_value(2_000_000_000, "4", D(2010, 1, 1), as_of)

    premises.original_cost = Decimal(3_000_000_000)
    premises.save()
    premises.refresh_from_db()
    assert premises.remaining_value == valuation.remaining_value(3_000_000_000, "4", D(2010, 1, 1), as_of)

    premises.building_grade = "II"  # 2% a year
    premises.save()
    premises.refresh_from_db()
    assert premises.building_class.code == "NHA-II"
    assert premises.remaining_value == valuation.remaining_value(3_000_000_000, "2", D(2010, 1, 1), as_of)


@pytest.mark.django_db
@mock.patch("django.utils.timezone.localdate", return_value=D(2026, 6, 1))  # latest year-end: 2025
def test_changing_a_class_rate_revalues_its_records(_today):
    it = AssetClass.objects.get(code="MMTB-CNTT")
    # In use since 2022: 20% of 100,000,000 for 2022–2025 leaves 20,000,000 at the end of 2025.
    item = factories.asset(asset_class=it, original_cost=Decimal(100_000_000), in_use_date=D(2022, 1, 1))
    assert (item.valuation_date, item.remaining_value) == (D(2025, 12, 31), 20_000_000)
    rate = WearRate.objects.get(asset_class=it, effective_to=2025)
    rate.applied_rate = Decimal("16.00")  # within ±20% of the statutory 20%, by decision
    rate.provincial_decision, rate.provincial_decision_date = "QĐ 5/2022/QĐ-UBND", D(2022, 1, 10)
    rate.full_clean()
    rate.save()
    assert revalue_class(AssetClass.objects.get(pk=it.pk)) >= 1
    item.refresh_from_db()
    # 4 years at 16%: 64,000,000 of wear, 36,000,000 left.
    assert item.remaining_value == 36_000_000


@pytest.mark.django_db
def test_provincial_rate_may_move_at_most_twenty_percent():
    rate = WearRate.objects.get(asset_class__code="MMTB-CNTT", effective_to=2025)
    rate.applied_rate = Decimal("25.00")
    rate.provincial_decision, rate.provincial_decision_date = "QĐ 5/2022/QĐ-UBND", D(2022, 1, 10)
    with pytest.raises(ValidationError) as excinfo:
        rate.full_clean()
    assert "applied_rate" in excinfo.value.message_dict


@pytest.mark.django_db
def test_book_value_is_kept_beside_the_computed_one():
    item = factories.asset(
        original_cost=Decimal(100_000_000), in_use_date=D(2022, 1, 1), book_remaining_value=Decimal(55_000_000)
    )
    item.refresh_from_db()
    assert item.book_remaining_value == 55_000_000
    assert item.remaining_value != item.book_remaining_value


@pytest.mark.django_db
def test_value_as_of_any_date():
    premises = factories.premises(original_cost=Decimal(2_000_000_000), in_use_date=D(2010, 1, 1))
    assert premises.value_as_of(D(2024, 12, 31)) == 800_000_000
    assert premises.value_as_of(D(2040, 12, 31)) == 0
