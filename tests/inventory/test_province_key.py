"""Every large table carries the province key and every unique constraint or unique index
on it includes the key (issue 15 item 2: the schema could be distributed by province with
Citus). Read from PostgreSQL's catalogue, not from the models, so a unique index made by
hand in a migration counts too. Primary keys are the exception (docs/scaling.md)."""

import pytest
from django.db import connection

from inventory.models import AdministrativeUnit, Agency, Asset, Premises
from tests import factories

pytestmark = pytest.mark.django_db

# The large tables, named here (not taken from the code under test).
LARGE_TABLES = (
    "inventory_agency",
    "inventory_premises",
    "inventory_house",
    "inventory_asset",
    "inventory_need",
    "inventory_declaration",
    "inventory_declarationitem",
    "inventory_handlingrequest",
    "inventory_decision",
    "inventory_handlingrecord",
    "inventory_siteplan",
    "inventory_attachment",
    "inventory_bookedwear",
    "inventory_revaluation",
    "inventory_premisesrollup",
    "inventory_unitrollup",
    "inventory_weeklyreturn",
    "inventory_publiclisting",
    "inventory_interestregistration",
)


def _unique_indexes():
    """(table, index name, columns, is primary key) of every unique index on the large
    tables; unique constraints are backed by one (pg_constraint.conindid)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, x.indisprimary,
                   ARRAY(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a
                         ON a.attrelid = t.oid AND a.attnum = k),
                   EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.contype = 'u')
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indisunique AND t.relname = ANY(%s)
            """,
            [list(LARGE_TABLES)],
        )
        return cursor.fetchall()


def test_every_unique_constraint_and_index_includes_the_province():
    rows = _unique_indexes()
    assert {table for table, *_rest in rows} >= {"inventory_premises", "inventory_weeklyreturn"}
    without = [
        (table, name, columns)
        for table, name, primary, columns, _constraint in rows
        if not primary and "province_id" not in columns
    ]
    assert without == []


def test_the_catalogue_query_sees_unique_constraints_and_indexes():
    """The test above could pass by seeing nothing: it sees the named ones."""
    names = {(table, name): constraint for table, name, _p, _c, constraint in _unique_indexes()}
    assert names[("inventory_premises", "premises_code_per_province")] is True
    assert names[("inventory_declaration", "one_open_declaration_per_agency")] is False  # partial unique index
    assert names[("inventory_unitrollup", "unit_rollup_key")] is True


def test_every_large_table_has_a_not_null_province_column():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attname = 'province_id' AND NOT a.attisdropped AND c.relname = ANY(%s)
            """,
            [list(LARGE_TABLES)],
        )
        columns = dict(cursor.fetchall())
    assert columns == dict.fromkeys(LARGE_TABLES, True)


def test_the_database_sets_the_province_and_the_object_reads_it_back():
    """Created through the ORM without a province: PostgreSQL sets it from the parents,
    and the saved object knows it (INSERT … RETURNING)."""
    nghe_an = AdministrativeUnit.objects.get(level="province", code="40")
    site = factories.premises()
    assert site.province_id == nghe_an.pk
    assert site.agency.province_id == nghe_an.pk
    # bulk_create too, and a raw insert of a house knows its premises' province
    agency = Agency.objects.get(pk=site.agency_id)
    made = Asset.objects.bulk_create(
        [Asset(code="T-BULK-1", name="x", asset_class_id=factories.asset().asset_class_id, agency=agency, quantity=1)]
    )
    assert made[0].province_id == nghe_an.pk
    assert Premises.objects.filter(province_id=nghe_an.pk, pk=site.pk).exists()


def test_codes_are_unique_per_province_not_nationally():
    from django.contrib.gis.geos import Point
    from django.db import IntegrityError, transaction

    other = AdministrativeUnit.objects.create(
        level="province", code="99", name="Tỉnh Thử", short_name="Thử", type_name="Tỉnh", centroid=Point(106, 20)
    )
    commune = AdministrativeUnit.objects.create(
        level="commune",
        code="99001",
        name="Xã Thử",
        short_name="Thử",
        type_name="Xã",
        centroid=Point(106, 20),
        parent=other,
        province=other,
    )
    first = factories.premises(code="T-SAME-1")
    second = factories.premises(code="T-SAME-1", admin_unit=commune, location=Point(106, 20, srid=4326))
    assert (first.province_id, second.province_id) == (
        AdministrativeUnit.objects.get(code="40", level="province").pk,
        other.pk,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Premises.objects.create(
            code="T-SAME-1",
            name="x",
            location=Point(106, 20, srid=4326),
            admin_unit=commune,
            agency=second.agency,
        )
