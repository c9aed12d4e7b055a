"""Every change is kept as history with who, when, from where and before/after."""

import pytest
from django.db import connection
from django.urls import reverse
from pghistory.models import Events

from inventory.models import Agency, Premises
from tests import factories

pytestmark = pytest.mark.django_db


def admin_form(agency, **changes):
    data = {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "admin_unit": agency.admin_unit_id,
        "address": agency.address,
        "is_active": "on" if agency.is_active else "",
        "dissolved_on": "",
        "predecessor_links-TOTAL_FORMS": "0",
        "predecessor_links-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_create_update_delete_through_the_web_record_the_actor(client_as):
    client = client_as("demo-admin")
    admin_user = client.session["_auth_user_id"]
    unit = factories.unit()
    add_url = reverse("admin:inventory_agency_add")
    response = client.post(
        add_url,
        {
            "code": "T-HIST-1",
            "name": "Ban thử lịch sử",
            "kind": "public_service_unit",
            "admin_unit": unit.pk,
            "address": "",
            "is_active": "on",
            "dissolved_on": "",
            "predecessor_links-TOTAL_FORMS": "0",
            "predecessor_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    agency = Agency.objects.get(code="T-HIST-1")

    change_url = reverse("admin:inventory_agency_change", args=[agency.pk])
    response = client.post(change_url, admin_form(agency, name="Ban thử lịch sử (đổi tên)"))
    assert response.status_code == 302
    response = client.post(reverse("admin:inventory_agency_delete", args=[agency.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Agency.objects.filter(pk=agency.pk).exists()

    events = list(
        Agency.pgh_event_model.objects.filter(pgh_obj_id=agency.pk).order_by("pgh_id").select_related("pgh_context")
    )
    assert [e.pgh_label for e in events] == ["insert", "update", "delete"]
    for event in events:
        assert str(event.pgh_context.metadata["user"]) == str(admin_user)
        assert event.pgh_context.metadata["url"].startswith("/admin/inventory/agency/")
        assert event.pgh_context.metadata["ip"] == "127.0.0.1"
        assert event.pgh_created_at is not None
    assert events[1].name == "Ban thử lịch sử (đổi tên)"
    assert events[2].name == "Ban thử lịch sử (đổi tên)"  # the deleted row is kept whole


def test_before_and_after_of_each_change():
    premises = factories.premises(name="Trước")
    premises.name = "Sau"
    premises.save()
    update = Events.objects.tracks(premises).filter(pgh_label="update").get()
    assert update.pgh_diff["name"] == ["Trước", "Sau"]


def test_raw_sql_and_bulk_updates_are_caught():
    premises = factories.premises(name="Trụ sở gốc")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_premises SET name = 'Sửa bằng SQL' WHERE id = %s", [premises.pk])
    Premises.objects.filter(pk=premises.pk).update(status="handled")
    labels = list(
        Premises.pgh_event_model.objects.filter(pgh_obj_id=premises.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "name", "status")
    )
    assert labels[-2:] == [("update", "Sửa bằng SQL", "surplus"), ("update", "Sửa bằng SQL", "handled")]


def test_geometry_changes_are_in_history():
    from django.contrib.gis.geos import Point

    premises = factories.premises()
    premises.location = Point(105.7, 18.7, srid=4326)
    premises.save()
    last = Premises.pgh_event_model.objects.filter(pgh_obj_id=premises.pk).latest("pgh_id")
    assert last.location.equals_exact(Point(105.7, 18.7, srid=4326), 1e-9)


def test_saving_without_a_change_writes_no_event():
    premises = factories.premises()
    count = Premises.pgh_event_model.objects.filter(pgh_obj_id=premises.pk).count()
    Premises.objects.filter(pk=premises.pk).update(name=premises.name)
    assert Premises.pgh_event_model.objects.filter(pgh_obj_id=premises.pk).count() == count


def test_password_hashes_are_not_copied_into_history():
    user = factories.user()
    user.set_password("another-Strong-Password-1")
    user.save()
    event_fields = {f.name for f in user.pgh_event_model._meta.fields}
    assert "password" not in event_fields
