"""Nothing lost: two people editing the same record (web form, admin, handling step,
API), soft deletion and restoring, history that the application cannot change."""

import io

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from inventory.choices import HandlingStatus, PremisesStatus, Role
from inventory.models import Asset, DeclarationItem, HandlingRecord, Premises
from inventory.services import deletion
from inventory.services import handling as handling_services
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(client_factory, user):
    client = client_factory()
    client.force_login(user)
    return client


@pytest.fixture
def two_declarants(demo_user):
    first = demo_user("demo-commune")
    second = factories.user(Role.DECLARANT, admin_unit=first.admin_unit, agency=first.agency)
    return first, second


def _form_data(response):
    """What a browser would post back from a rendered form (and the admin's inline
    forms), unchanged."""
    form = response.context["adminform"].form if "adminform" in response.context else response.context["form"]
    forms = [form]
    for inline in response.context.get("inline_admin_formsets") or []:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for one in forms:
        for name in one.fields:
            value = one[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, GEOSGeometry):
                value = value.ewkt
            data[one.add_prefix(name) if one is not form else name] = "on" if value is True else value
    return data


# -- two people, one record ---------------------------------------------------------------
def test_two_declarants_edit_the_same_premises_the_second_gets_the_conflict(client, two_declarants):
    from django.test import Client

    premises = Premises.objects.filter(agency=two_declarants[0].agency).order_by("pk").first()
    url = f"/declarations/premises/{premises.pk}/edit/"
    first, second = (_client(Client, u) for u in two_declarants)
    form_first, form_second = first.get(url), second.get(url)  # both open the form
    data_first = {**_form_data(form_first), "version": premises.version, "item_version": 0}
    data_second = {**_form_data(form_second), "version": premises.version, "item_version": 0}
    data_first["name"] = "Trụ sở — sửa bởi người thứ nhất"
    data_second["name"] = "Trụ sở — sửa bởi người thứ hai"
    assert first.post(url, data_first).status_code == 302
    conflict = second.post(url, data_second)
    assert conflict.status_code == 409 and b'data-testid="conflict"' in conflict.content
    assert "sửa bởi người thứ hai" in conflict.content.decode()  # yours, shown, not saved
    item = DeclarationItem.objects.get(premises=premises, status="draft")
    assert item.payload["name"] == "Trụ sở — sửa bởi người thứ nhất"  # the first change survives


def test_two_administrators_edit_the_same_premises_in_the_admin(demo_user):
    from django.test import Client

    premises = Premises.objects.order_by("pk").first()
    other_admin = factories.user(Role.ADMIN, is_staff=True, is_superuser=True)
    a, b = _client(Client, demo_user("demo-admin")), _client(Client, other_admin)
    url = f"/admin/inventory/premises/{premises.pk}/change/"
    data_a, data_b = _form_data(a.get(url)), _form_data(b.get(url))
    data_a["name"], data_b["name"] = "Tên do quản trị A sửa", "Tên do quản trị B sửa"
    assert a.post(url, data_a).status_code == 302
    response = b.post(url, data_b)
    assert response.status_code == 409
    premises.refresh_from_db()
    assert premises.name == "Tên do quản trị A sửa" and premises.version == data_a["opened_version"] + 1


def test_a_stale_handling_decision_is_refused(client_as, demo_user):
    record = handling_services.propose_handling(
        demo_user("demo-finance"), factories.premises(), "RECOVER", intended_use=""
    )
    record = factories.ready_for_decision(record)
    opened = record.version
    handling_services.cancel(demo_user("demo-finance"), record, reason="Rút đề nghị", expected_version=opened)
    response = client_as("demo-finance").post(
        f"/handling/{record.pk}/approve/",
        {"decision_number": "1/QĐ", "decision_date": TODAY.isoformat(), "decider": "UBND tỉnh", "version": opened},
    )
    assert response.status_code == 409
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.CANCELLED


def test_an_approval_onto_a_changed_record_is_a_conflict_and_changes_nothing(client_as, demo_user):
    from inventory.services import declarations as declaration_services

    declarant = demo_user("demo-commune")
    premises = Premises.objects.filter(agency=declarant.agency).order_by("pk").first()
    payload = declaration_services.declared_values.to_payload(premises, "premises")
    item = declaration_services.propose(declarant, "premises", {**payload, "name": "Tên kê khai"}, record=premises)
    declaration_services.submit(declarant, item.declaration)
    Premises.objects.filter(pk=premises.pk).update(name="Tên do người khác sửa")  # meanwhile
    response = client_as("demo-finance").post(
        f"/declarations/items/{item.pk}/review/", {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 409 and "Tên kê khai" in response.content.decode()
    assert Premises.objects.get(pk=premises.pk).name == "Tên do người khác sửa"
    assert DeclarationItem.objects.get(pk=item.pk).status == "pending"


def test_the_api_answers_412_to_a_stale_version(client_as, demo_user):
    record = handling_services.propose_handling(
        demo_user("demo-finance"), factories.premises(), "RECOVER", intended_use=""
    )
    record = factories.ready_for_decision(record)
    client = client_as("demo-finance")
    read = client.get(f"/api/v1/handling-records/{record.pk}/")
    etag = read["ETag"]
    assert etag == f'"{record.version}"'
    body = {"decision_number": "7/QĐ", "decision_date": TODAY.isoformat(), "decider": "UBND tỉnh"}
    HandlingRecord.objects.filter(pk=record.pk).update(basis="Sửa bởi người khác")  # someone else, meanwhile
    stale = client.post(
        f"/api/v1/handling-records/{record.pk}/approve/", body, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412 and stale.json()["current_version"] == record.version + 1
    assert HandlingRecord.objects.get(pk=record.pk).status == HandlingStatus.PROPOSED
    fresh = client.post(
        f"/api/v1/handling-records/{record.pk}/approve/",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=client.get(f"/api/v1/handling-records/{record.pk}/")["ETag"],
    )
    assert fresh.status_code == 200 and fresh.json()["status"] == "approved"


# -- soft deletion ------------------------------------------------------------------------
def test_a_soft_deleted_premises_is_hidden_restorable_and_still_in_history(client_as, demo_user):
    premises = factories.premises(status=PremisesStatus.SURPLUS, admin_unit=factories.unit())
    finance, admin = demo_user("demo-finance"), demo_user("demo-admin")
    with pytest.raises(ValidationError):  # a reason is required
        deletion.soft_delete(finance, premises, "  ")
    deletion.soft_delete(finance, premises, "Kê khai trùng với cơ sở khác")
    assert not Premises.objects.filter(pk=premises.pk).exists()
    client = client_as("demo-auditor")
    assert client.get(f"/api/v1/premises/{premises.pk}/").status_code == 404
    assert premises.pk not in {
        r["id"] for r in client.get("/api/v1/premises/", {"code": premises.code}).json()["results"]
    }
    assert client.get("/maps/totals.json", {"q": premises.code}).json()["count"] == 0
    events = client.get("/api/v1/history/", {"model": "premises", "object": premises.pk}).json()["results"]
    assert events[0]["action"] == "update" and events[0]["after"]["delete_reason"] == "Kê khai trùng với cơ sở khác"
    assert events[0]["after"]["deleted_by"] == finance.pk and events[0]["before"]["deleted_at"] is None
    with pytest.raises(PermissionDenied):
        deletion.restore(finance, Premises.all_objects.get(pk=premises.pk))  # administrators only
    deletion.restore(admin, Premises.all_objects.get(pk=premises.pk))
    assert Premises.objects.filter(pk=premises.pk, deleted_at__isnull=True).exists()


def test_the_admin_deletes_with_a_reason_and_restores(client_as):
    premises = factories.premises(status=PremisesStatus.SURPLUS)
    client = client_as("demo-admin")
    url = "/admin/inventory/premises/"
    asked = client.post(url, {"action": "delete_with_reason", "_selected_action": [premises.pk]})
    assert asked.status_code == 200 and b"delete_reason" in asked.content
    client.post(
        url,
        {"action": "delete_with_reason", "_selected_action": [premises.pk], "confirm": "1", "delete_reason": "Trùng"},
    )
    assert Premises.all_objects.get(pk=premises.pk).delete_reason == "Trùng"
    assert premises.pk in [p.pk for p in client.get(url, {"deleted": "yes"}).context["cl"].result_list]
    client.post(url + "?deleted=yes", {"action": "restore_records", "_selected_action": [premises.pk]})
    assert Premises.objects.filter(pk=premises.pk).exists()


def test_a_record_referred_to_by_a_decision_cannot_be_deleted(demo_user):
    finance = demo_user("demo-finance")
    premises = factories.premises(status=PremisesStatus.SURPLUS)
    record = handling_services.propose_handling(finance, premises, "RECOVER", intended_use="")
    record = factories.ready_for_decision(record, finance)
    handling_services.approve(finance, record, decision_number="3/QĐ", decision_date=TODAY, decider="UBND tỉnh")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        deletion.soft_delete(finance, premises, "Xóa thử")
    assert "referred to by a handling decision" in str(caught.value)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_premises WHERE id = %s", [premises.pk])
    assert Premises.objects.filter(pk=premises.pk).exists()


def test_postgresql_refuses_to_remove_a_real_premises_or_asset():
    premises = factories.premises()
    asset = factories.asset()
    for table, pk in (("inventory_asset", asset.pk), ("inventory_premises", premises.pk)):
        with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        assert "Cannot delete rows" in str(caught.value)
    assert Asset.objects.filter(pk=asset.pk).exists()


# -- history ------------------------------------------------------------------------------
@pytest.mark.parametrize("statement", ["UPDATE {t} SET pgh_label = 'x'", "DELETE FROM {t}"])
@pytest.mark.parametrize("table", ["inventory_premisesevent", "inventory_assetevent", "inventory_handlingrecordevent"])
def test_history_cannot_be_changed_by_the_application(statement, table):
    """Whatever role it connects as: the append-only trigger on every event table."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=table))
    assert "Cannot update or delete rows" in str(caught.value)


def test_history_is_insert_only_for_the_application_role():
    """As a non-superuser application role set up by protect_history, PostgreSQL refuses
    changes to history by privilege — even with the triggers told to step aside."""
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS assets_app_test")
        cursor.execute("CREATE ROLE assets_app_test NOLOGIN NOSUPERUSER")
    call_command("protect_history", role="assets_app_test", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE assets_app_test")
        cursor.execute("SELECT count(*) FROM inventory_premisesevent")
        assert cursor.fetchone()[0] > 0  # it reads history
        for statement in (
            "UPDATE inventory_premisesevent SET pgh_label = 'x'",
            "DELETE FROM inventory_premisesevent",
            "TRUNCATE inventory_premisesevent",
        ):
            with pytest.raises(DatabaseError) as caught, transaction.atomic():
                cursor.execute("SET LOCAL pgtrigger.ignore = '{inventory_premisesevent:append_only}'")
                cursor.execute(statement)
            assert "permission denied" in str(caught.value)
        for table in ("inventory_premises", "inventory_asset", "inventory_need", "inventory_handlingrecord",
                      "inventory_attachment"):
            with pytest.raises(DatabaseError) as caught, transaction.atomic():
                cursor.execute(f"SET LOCAL pgtrigger.ignore = '{{{table}:no_hard_delete}}'")
                cursor.execute(f"DELETE FROM {table} WHERE id = (SELECT min(id) FROM {table})")
            assert "permission denied" in str(caught.value)
        cursor.execute(
            "UPDATE inventory_premises SET notes = notes WHERE id = (SELECT min(id) FROM inventory_premises)"
        )
        cursor.execute("RESET ROLE")


def test_records_changed_today_keep_their_versions_in_history():
    premises = factories.premises()
    premises.name = "Tên mới"
    premises.save()
    versions = list(premises.events.order_by("pgh_id").values_list("version", flat=True))
    assert versions == [1, 2] and premises.version == 2
