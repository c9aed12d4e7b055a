"""PostgreSQL keeps the register whatever writes to it: no TRUNCATE of any table of
the register or its history, no hard DELETE of a real need, handling record or
attachment, and no turning a real row into demo data to get round that."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from inventory.dbguards import DERIVED_TABLES
from inventory.models import HandlingRecord, Need, Premises
from inventory.services.attachments import attach
from tests import factories

pytestmark = pytest.mark.django_db


def register_tables() -> list[str]:
    """Every table of the two apps (records, lists, history), written out by the test."""
    tables = [
        model._meta.db_table
        for app in ("inventory", "maps")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy and model._meta.managed
    ]
    return sorted({*tables, "pghistory_context"} - DERIVED_TABLES)


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def test_the_list_covers_the_register():
    tables = register_tables()
    for table in (
        "inventory_premises",
        "inventory_asset",
        "inventory_need",
        "inventory_handlingrecord",
        "inventory_attachment",
        "inventory_premisesevent",
        "maps_hazardfeature",
    ):
        assert table in tables
    assert {"inventory_premisesrollup", "inventory_unitrollup"} == DERIVED_TABLES


@pytest.mark.parametrize("table", register_tables())
def test_truncate_is_refused(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        before = cursor.fetchone()[0]
    assert refused(f"TRUNCATE {table} CASCADE")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == before


def test_a_real_need_cannot_be_deleted():
    need = factories.need()
    assert refused("DELETE FROM inventory_need WHERE id = %s", [need.pk])
    assert Need.objects.filter(pk=need.pk).exists()


def test_a_real_handling_record_cannot_be_deleted(demo_user):
    from inventory.models import HandlingForm, HandlingRequest

    premises = factories.premises()
    finance = demo_user("demo-finance")
    request = HandlingRequest.objects.create(agency=premises.agency, filed_by=finance)
    record = HandlingRecord.objects.create(
        request=request, premises=premises, form=HandlingForm.objects.first(), created_by=finance
    )
    assert refused("DELETE FROM inventory_handlingrecord WHERE id = %s", [record.pk])
    assert HandlingRecord.objects.filter(pk=record.pk).exists()


def test_a_real_attachment_cannot_be_deleted(settings, tmp_path, demo_user):
    settings.MEDIA_ROOT = tmp_path
    user = demo_user("demo-commune")
    premises = factories.premises(agency=user.agency)
    attachment = attach(user, premises, SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert refused("DELETE FROM inventory_attachment WHERE id = %s", [attachment.pk])
    assert premises.attachments.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("table", ["inventory_premises", "inventory_asset", "inventory_need"])
def test_a_real_row_cannot_be_made_demo_data_to_delete_it(table):
    {"inventory_premises": factories.premises, "inventory_asset": factories.asset, "inventory_need": factories.need}[
        table
    ]()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table} WHERE NOT is_demo")
        pk = cursor.fetchone()[0]
    assert refused(f"UPDATE {table} SET is_demo = true WHERE id = %s", [pk])
    assert refused(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_demo_rows_can_still_be_cleared():
    """The demo data set is removed whole by `generate_demo --clear` (its rows only)."""
    premises = Premises.objects.filter(is_demo=True).first()
    assert not refused(
        "DELETE FROM inventory_handlingrecord WHERE premises_id IN (SELECT id FROM inventory_premises WHERE is_demo)"
    )
    assert premises is not None


def _copy_assets(cursor, rows: int, suffix: str) -> float:
    """Seconds to insert `rows` copies of demo asset lines in one statement."""
    import time

    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'inventory_asset' "
        "AND column_name NOT IN ('id', 'code', 'province_id') ORDER BY ordinal_position"
    )
    columns = ", ".join(row[0] for row in cursor.fetchall())
    started = time.perf_counter()
    cursor.execute(
        f"INSERT INTO inventory_asset (code, {columns}) SELECT code || %s, {columns} FROM inventory_asset "
        "WHERE is_demo ORDER BY id LIMIT %s",
        [suffix, rows],
    )
    return time.perf_counter() - started


def test_rows_written_late_in_a_long_transaction_cost_what_the_first_ones_did():
    """Every asset insert runs the province trigger, which asks pgtrigger whether to step
    aside. pgtrigger's own check opened a subtransaction per row, and each one's end
    walked every foreign-key check queued so far in the transaction. 2,000 rows after
    20,000 took 0.51 s instead of 0.05 s here, and the national generator's first province
    never finished. Now 2,000 rows cost about the same at the start and after 20,000."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = '_pgtrigger_should_ignore'")
        (source,) = cursor.fetchone()
        assert "EXCEPTION" not in source.upper()
        first = min(_copy_assets(cursor, 2000, f"-a{n}") for n in range(2))
        _copy_assets(cursor, 20000, "-b")
        late = min(_copy_assets(cursor, 2000, f"-c{n}") for n in range(2))
    assert late < 3 * first, (first, late)


def test_pgtrigger_ignore_still_sets_a_trigger_aside():
    """The check without a subtransaction answers as pgtrigger's did: unset or empty
    ignores nothing; a named trigger is ignored."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT _pgtrigger_should_ignore('x')")
        assert cursor.fetchone()[0] is False
        with transaction.atomic():
            cursor.execute("SET LOCAL pgtrigger.ignore = ''")
            cursor.execute("SELECT _pgtrigger_should_ignore('x')")
            assert cursor.fetchone()[0] is False
            cursor.execute("SET LOCAL pgtrigger.ignore = '{a,x}'")
            cursor.execute("SELECT _pgtrigger_should_ignore('x'), _pgtrigger_should_ignore('y')")
            assert cursor.fetchone() == (True, False)
