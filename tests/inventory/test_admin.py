"""Every admin list, add and change page loads, with its search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from inventory.admin import RollupAdmin

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "inventory"]


def test_every_inventory_model_is_in_the_admin():
    from django.apps import apps

    names = {m.__name__ for m in apps.get_app_config("inventory").get_models() if not m.__name__.endswith("Event")}
    assert names <= {m.__name__ for m in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_list_add_and_change_pages_load(client_as, model, django_assert_max_num_queries):
    client = client_as("demo-admin")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with django_assert_max_num_queries(25):  # list pages do not grow with the rows shown
        assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Vinh"}).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
    # Rollups are written by the database only, site plans by their service (the pages and
    # the API, which check the site and the roles), registrations of interest by the public
    # form (/cong-khai/), answered writes by the declare API: no add page.
    no_add = issubclass(type(admin.site._registry[model]), RollupAdmin) or model.__name__ in (
        "SitePlan",
        "InterestRegistration",
        "IdempotentRequest",
        "Job",  # background jobs are started by the services
        "JobStep",
        "GisPassword",  # made on the user's account page, shown once
    )
    assert add == (403 if no_add else 200)
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200


def test_list_filters_apply(client_as):
    client = client_as("demo-admin")
    url = reverse("admin:inventory_premises_changelist")
    response = client.get(url, {"status__exact": "surplus", "storm_damaged__exact": "1"})
    assert response.status_code == 200
    shown = response.context["cl"].result_list
    assert shown and all(p.status == "surplus" and p.storm_damaged for p in shown)


def test_geometry_is_edited_on_a_leaflet_map(client_as):
    from inventory.models import Premises

    client = client_as("demo-admin")
    premises = Premises.objects.first()
    page = client.get(reverse("admin:inventory_premises_change", args=[premises.pk])).content.decode()
    assert "leaflet" in page.lower()
    assert 'id="id_location"' in page


def test_admin_is_closed_to_other_roles(client_as):
    client = client_as("demo-finance")
    response = client.get(reverse("admin:inventory_premises_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
