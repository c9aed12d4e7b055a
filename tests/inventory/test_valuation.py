"""Remaining value from original cost, date put into use and wear rate (Circular 23/2023)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import valuation
from inventory.models import AssetClass
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
def test_changing_a_class_rate_revalues_its_records():
    it = AssetClass.objects.get(code="MMTB-CNTT")
    item = factories.asset(asset_class=it, original_cost=Decimal(100_000_000), in_use_date=D(2022, 1, 1))
    before = item.remaining_value
    it.wear_rate = Decimal("16.00")  # within ±20% of the statutory 20%
    it.full_clean()
    it.save()
    assert revalue_class(it) >= 1
    item.refresh_from_db()
    assert item.remaining_value > before
    assert item.remaining_value == valuation.remaining_value(100_000_000, "16", D(2022, 1, 1), item.valuation_date)


@pytest.mark.django_db
def test_provincial_rate_may_move_at_most_twenty_percent():
    it = AssetClass.objects.get(code="MMTB-CNTT")
    it.wear_rate = Decimal("25.00")
    with pytest.raises(ValidationError) as excinfo:
        it.full_clean()
    assert "wear_rate" in excinfo.value.message_dict


@pytest.mark.django_db
def test_declared_value_is_kept_beside_the_computed_one():
    item = factories.asset(
        original_cost=Decimal(100_000_000), in_use_date=D(2022, 1, 1), declared_remaining_value=Decimal(55_000_000)
    )
    item.refresh_from_db()
    assert item.declared_remaining_value == 55_000_000
    assert item.remaining_value != item.declared_remaining_value


@pytest.mark.django_db
def test_value_as_of_any_date():
    premises = factories.premises(original_cost=Decimal(2_000_000_000), in_use_date=D(2010, 1, 1))
    assert premises.value_as_of(D(2024, 12, 31)) == 800_000_000
    assert premises.value_as_of(D(2040, 12, 31)) == 0
