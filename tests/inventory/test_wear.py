"""Dated wear rates and the year-end wear run (`manage.py book_wear`), Circular 23/2023
Art. 5.1, 11.3, 12 — every figure below is worked out by hand in the comments."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from inventory.choices import AssetStatus, Condition
from inventory.models import Asset, AssetClass, BookedWear, WearRate, WearRun
from inventory.services.wear import WearRunRefused, book_wear
from tests import factories

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026():
    """These figures are worked out as of 29 November 2026: the latest year-end is 2025
    and 2026 may be booked (in its December run)."""
    with mock.patch("django.utils.timezone.localdate", return_value=D(2026, 11, 29)):
        yield


def computer(cost, in_use, **kwargs):
    """An IT asset: class MMTB-CNTT, 20% a year (Circular 23/2023 rates, seeded)."""
    return factories.asset(original_cost=Decimal(cost), in_use_date=in_use, **kwargs)


def books(record):
    return list(record.booked_wear.order_by("year").values_list("year", "amount", "remaining_value", "note"))


def set_rate_from_2026(code, rate):
    row = WearRate.objects.get(asset_class__code=code, effective_from=2026)
    row.applied_rate = Decimal(rate)
    row.provincial_decision = "Quyết định 99/2026/QĐ-UBND tỉnh Nghệ An (thử)"
    row.provincial_decision_date = D(2026, 3, 1)
    row.full_clean()
    row.save()


def test_seeded_rates_are_dated_with_their_basis():
    rows = list(WearRate.objects.filter(asset_class__code="OTO"))  # the admin's order: earliest first
    # Circular 23/2023 up to FY2025 (and every earlier year), Circular 141/2025 from FY2026.
    assert [(r.effective_from, r.effective_to) for r in rows] == [(None, 2025), (2026, None)]
    assert [r.applied_rate for r in rows] == [Decimal("6.67"), Decimal("6.67")]
    assert "23/2023" in rows[0].legal_basis and not rows[0].verify
    assert "141/2025" in rows[1].legal_basis and rows[1].verify


def test_rate_change_from_2026_keeps_2024_and_2025_and_changes_2026():
    item = computer(100_000_000, D(2022, 3, 1))
    # 20% of 100,000,000 = 20,000,000 a year, for 2022, 2023, 2024, then 2025.
    assert item.value_as_of(D(2024, 12, 31)) == 40_000_000
    assert item.value_as_of(D(2025, 12, 31)) == 20_000_000
    assert item.value_as_of(D(2026, 12, 31)) == 0

    set_rate_from_2026("MMTB-CNTT", "16.00")  # −20%, by a provincial decision
    item = Asset.objects.get(pk=item.pk)
    assert item.value_as_of(D(2024, 12, 31)) == 40_000_000
    assert item.value_as_of(D(2025, 12, 31)) == 20_000_000
    # 2026 at 16%: 16,000,000, leaving 20,000,000 − 16,000,000 = 4,000,000.
    assert item.value_as_of(D(2026, 12, 31)) == 4_000_000


def test_adjusted_rate_needs_the_provincial_decision_and_stays_within_twenty_percent():
    row = WearRate.objects.get(asset_class__code="MMTB-CNTT", effective_from=2026)
    row.applied_rate = Decimal("16.00")
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "provincial_decision" in excinfo.value.message_dict
    row.provincial_decision, row.provincial_decision_date = "QĐ 1/2026/QĐ-UBND", D(2026, 1, 5)
    row.applied_rate = Decimal("24.01")  # 20% + 20% of 20% = 24.00 at most
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "applied_rate" in excinfo.value.message_dict


def test_periods_of_a_class_may_not_overlap():
    it = AssetClass.objects.get(code="MMTB-CNTT")
    row = WearRate(asset_class=it, effective_from=2025, applied_rate=Decimal(20), legal_basis="x")
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "effective_from" in excinfo.value.message_dict


def test_book_wear_books_the_year_once(call):
    item = computer(100_000_000, D(2024, 6, 1))
    building = factories.premises(original_cost=Decimal(2_000_000_000), in_use_date=D(2010, 1, 1))  # grade III, 4%

    out = call("book_wear", "--year", "2025")
    assert "2025" in out and len(out.strip().splitlines()) == 1
    # 2024 (year of receipt, whole) 20,000,000 then 2025 20,000,000: 60,000,000 left.
    assert books(item) == [(2025, 20_000_000, 60_000_000, "")]
    # 2010–2024: 15 × 80,000,000; 2025: 80,000,000 → 2,000,000,000 − 1,280,000,000.
    # The building is the site's one house; the site shows its total.
    assert books(building.houses.get()) == [(2025, 80_000_000, 720_000_000, "")]
    building.refresh_from_db()
    assert (building.remaining_value, building.valuation_date) == (720_000_000, D(2025, 12, 31))
    item.refresh_from_db()
    assert (item.remaining_value, item.valuation_date) == (60_000_000, D(2025, 12, 31))
    runs, entries, version = WearRun.objects.count(), BookedWear.objects.count(), item.version

    out = call("book_wear", "--year", "2025")
    assert "nothing changed" in out
    assert (WearRun.objects.count(), BookedWear.objects.count()) == (runs, entries)
    item.refresh_from_db()
    assert (item.version, item.remaining_value) == (version, 60_000_000)


def test_closed_year_skipped_year_and_future_year_are_refused(call):
    item = computer(100_000_000, D(2024, 6, 1))
    call("book_wear", "--year", "2025")
    call("book_wear", "--year", "2026")
    assert [b[0] for b in books(item)] == [2025, 2026]
    entries = BookedWear.objects.count()
    with pytest.raises(CommandError, match="closed"):
        call("book_wear", "--year", "2025")
    with pytest.raises(CommandError, match="before that year"):
        call("book_wear", "--year", "2027")  # today is before 2027
    with translation.override("en"), pytest.raises(WearRunRefused, match="2027 is not booked"):
        book_wear(2028, today=D(2028, 12, 1))  # in December 2028, 2027 would be skipped
    assert BookedWear.objects.count() == entries


def test_first_run_refuses_a_future_year_in_vietnamese(call):
    with pytest.raises(CommandError) as excinfo:
        call("book_wear", "--year", "2199", language="vi")
    assert "2199" in str(excinfo.value) and "Wear" not in str(excinfo.value)
    assert not WearRun.objects.exists()


def test_damaged_beyond_use_land_and_fully_worn_book_no_wear(call):
    damaged = computer(50_000_000, D(2024, 1, 1), condition=Condition.DAMAGED, status=AssetStatus.DAMAGED)
    land = factories.asset(
        asset_class=AssetClass.objects.get(code="QSDD"), original_cost=Decimal(900_000_000), in_use_date=D(2000, 1, 1)
    )
    worn = computer(10_000_000, D(2015, 1, 1))  # 5 years at 20%: worn out at the end of 2019
    call("book_wear", "--year", "2025")
    # 2024: 10,000,000 of wear; 2025: none (damaged beyond use, Art. 11.3): 40,000,000 stays.
    assert books(damaged) == [(2025, 0, 40_000_000, "damaged")]
    assert books(land) == [] and books(worn) == []
    land.refresh_from_db()
    assert land.remaining_value == 900_000_000


def test_last_year_takes_the_remainder_rounded_up_each_year(call):
    car = factories.asset(
        asset_class=AssetClass.objects.get(code="OTO"),
        plate_number="37A-123.45",
        original_cost=Decimal(1_000_005),
        in_use_date=D(2012, 1, 1),
    )
    # 1,000,005 × 6.67% = 66,700.3335 → 66,701 a year; 2012–2025 is 14 years: 933,814,
    # leaving 66,191, which 2026 takes whole (less than 66,701).
    call("book_wear", "--year", "2026")
    assert books(car) == [(2026, 66_191, 0, "")]


def test_stored_value_after_the_run_is_the_booked_one_and_saving_keeps_it(call):
    item = computer(100_000_000, D(2022, 3, 1))
    call("book_wear", "--year", "2025")
    set_rate_from_2026("MMTB-CNTT", "16.00")
    call("book_wear", "--year", "2026")
    # 2022–2025 at 20%: 80,000,000; 2026 at 16%: 16,000,000 → 4,000,000 left.
    assert books(item) == [(2025, 20_000_000, 20_000_000, ""), (2026, 16_000_000, 4_000_000, "")]
    item = Asset.objects.get(pk=item.pk)
    item.name = "Máy tính đổi tên"
    item.save()  # in November 2026 the latest year-end is 2025, but 2026 is booked
    item.refresh_from_db()
    assert (item.remaining_value, item.valuation_date) == (4_000_000, D(2026, 12, 31))
    assert item.value_as_of(D(2025, 12, 31)) == 20_000_000


def test_the_ledger_cannot_be_rewritten(call):
    item = computer(100_000_000, D(2024, 6, 1))
    call("book_wear", "--year", "2025")
    with pytest.raises(Exception, match="pgtrigger"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_bookedwear SET amount = 1 WHERE asset_id = %s", [item.pk])
    with pytest.raises(Exception, match="pgtrigger"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_bookedwear WHERE asset_id = %s", [item.pk])
    assert books(item) == [(2025, 20_000_000, 60_000_000, "")]


def test_prefetched_books_are_read_without_a_query_per_record(call, django_assert_num_queries):
    item = computer(100_000_000, D(2024, 6, 1))
    call("book_wear", "--year", "2025")
    item = Asset.objects.select_related("asset_class").prefetch_related(*Asset.VALUE_PREFETCH).get(pk=item.pk)
    item.asset_class.rate_schedule()
    with django_assert_num_queries(0):
        item.recompute_value()
    # 2024 and 2025 at 20% of 100,000,000: 60,000,000, as booked.
    assert (item.remaining_value, item.valuation_date) == (60_000_000, D(2025, 12, 31))


def test_the_run_after_a_form_save_in_the_same_session_stays_linear():
    """A worker that saved one asset, then runs the year-end wear over the demo's thousands:
    the history and rollup triggers' plans, first made for that one row, are made again for
    the run's rows. Measured here: 38 s with the one-row plans, 1 s without; the limit
    leaves room for a slow machine and none for the quadratic plan."""
    import time

    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")  # whatever earlier tests left: the save below plans for one row
    one = Asset.objects.filter(is_demo=True).order_by("pk").first()
    one.notes = "sửa một dòng"
    one.save()
    started = time.monotonic()
    result = book_wear(2025, today=D(2025, 12, 20))
    assert result.entries > 5000  # the demo's assets in use before 2026
    assert time.monotonic() - started < 12
