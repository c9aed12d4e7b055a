"""Rules named once (issue 16): the status groups and the surplus floor area of a
premises, whose Python, ORM and SQL forms must agree (expectations written here)."""

from decimal import Decimal

import pytest
from django.db import connection

from inventory.choices import (
    HANDLING_DONE,
    HANDLING_OPEN,
    SURPLUS_POOL_STATUSES,
    SURPLUS_PREMISES_STATUSES,
    StatusGroup,
)
from inventory.models import HandlingRecord, Premises
from inventory.querysets import surplus_floor_area, surplus_floor_area_expression, surplus_floor_area_sql
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_groups_hold_what_the_procedure_says():
    assert set(SURPLUS_PREMISES_STATUSES) == {"surplus", "partly_surplus"}
    assert set(SURPLUS_POOL_STATUSES) == {"surplus", "partly_surplus", "under_handling", "handled"}
    assert set(HANDLING_OPEN) == {"proposed", "approved"}
    assert set(HANDLING_DONE) == {"carried_out", "closed"}
    assert StatusGroup("a", "b").sql == "('a', 'b')"
    assert "proposed" in str(HandlingRecord.objects.filter(status__in=HANDLING_OPEN).query)  # usable in __in
    assert "surplus" in SURPLUS_PREMISES_STATUSES and "handled" not in SURPLUS_PREMISES_STATUSES


# status, floor area, declared surplus part → the surplus floor area
CASES = [
    ("surplus", Decimal("300.00"), None, Decimal("300.00")),
    ("partly_surplus", Decimal("300.00"), Decimal("120.00"), Decimal("120.00")),
    ("in_use_hq", Decimal("300.00"), None, None),
    ("under_handling", Decimal("300.00"), None, None),
    ("handled", Decimal("250.00"), None, None),
]


def test_surplus_floor_area_in_python_the_orm_and_sql_agree():
    made = {}
    for status, floor, part, expected in CASES:
        site = factories.premises(status=status, floor_area=floor, surplus_floor_area=part)
        made[site.pk] = expected
        assert surplus_floor_area(status, floor, part) == expected, status
    rows = Premises.objects.filter(pk__in=made).annotate(spare=surplus_floor_area_expression())
    assert {p.pk: p.spare for p in rows} == made
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, {surplus_floor_area_sql('p.')} FROM inventory_premises p WHERE p.id = ANY(%s)",
            [list(made)],
        )
        assert dict(cursor.fetchall()) == made
