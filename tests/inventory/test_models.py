"""Rules about one record, each with a field-keyed error."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.models import AssetClass
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(build, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        build(**kwargs)
    return excinfo.value.message_dict


def test_floor_area_is_at_most_footprint_times_floors():
    errors = errors_of(factories.premises, footprint_area=Decimal(100), floors=2, floor_area=Decimal(201))
    assert "floor_area" in errors


def test_areas_and_money_are_not_negative():
    assert "land_area" in errors_of(factories.premises, land_area=Decimal(-1))
    assert "original_cost" in errors_of(factories.premises, original_cost=Decimal(-5))


def test_years_are_not_in_the_future():
    next_year = dt.date.today().year + 1
    assert "year_built" in errors_of(factories.premises, year_built=next_year)
    assert "in_use_date" in errors_of(factories.asset, in_use_date=dt.date(next_year, 1, 1))


def test_partly_surplus_needs_its_surplus_area_within_the_floor_area():
    assert "surplus_floor_area" in errors_of(factories.premises, status="partly_surplus", surplus_floor_area=None)
    assert "surplus_floor_area" in errors_of(
        factories.premises, status="partly_surplus", surplus_floor_area=Decimal(601)
    )


def test_land_use_breakdown_fits_the_land_area():
    errors = errors_of(
        factories.premises, land_area=Decimal(1000), land_use_office=Decimal(800), land_use_vacant=Decimal(300)
    )
    assert "land_area" in errors


def test_a_car_needs_a_plate_number():
    car = AssetClass.objects.get(code="OTO")
    assert "plate_number" in errors_of(factories.asset, asset_class=car, plate_number="")
    assert factories.asset(asset_class=car, plate_number="37A-123.45").pk


def test_a_declarant_is_bound_to_a_unit():
    from inventory.choices import Role

    user = factories.user(role=Role.DECLARANT)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "admin_unit" in excinfo.value.message_dict


def test_visible_to_scopes_declarants_to_their_unit():
    from inventory.choices import Role
    from inventory.models import Premises

    vinh = factories.unit()
    other = factories.unit("Xã Mỹ Lý")
    mine, theirs = factories.premises(admin_unit=vinh), factories.premises(admin_unit=other)
    declarant = factories.user(role=Role.DECLARANT, admin_unit=vinh)
    visible = Premises.objects.visible_to(declarant)
    assert visible.filter(pk=mine.pk).exists() and not visible.filter(pk=theirs.pk).exists()
    assert Premises.objects.visible_to(factories.user(role=Role.AUDITOR)).filter(pk=theirs.pk).exists()
    unbound = factories.user(role=Role.DECLARANT)
    assert not Premises.objects.visible_to(unbound).exists()
