"""Lists: search with or without diacritics (any Unicode form), filters, pagination."""

import unicodedata

import pytest
from django.urls import reverse

from inventory.models import Premises
from inventory.text import search_key

pytestmark = pytest.mark.django_db


def codes(response):
    return {p.code for p in response.context["page"]}


def all_codes(response):
    return set(response.context["page"].paginator.object_list.values_list("code", flat=True))


def expected_codes(words):
    """Computed in Python, independently of PostgreSQL's unaccent."""
    keys = [search_key(w) for w in words]
    return {
        p.code
        for p in Premises.objects.select_related("agency")
        if all(any(k in search_key(text) for text in (p.code, p.name, p.address, p.agency.name)) for k in keys)
    }


@pytest.mark.parametrize("query", ["Thành Vinh", "thanh vinh", "THÀNH VINH", "Thanh Vinh", "quynh luu"])
def test_search_finds_vietnamese_with_or_without_diacritics(client_as, query):
    response = client_as("demo-finance").get(reverse("inventory:premises_list"), {"q": query})
    expected = expected_codes(query.split())
    assert expected and all_codes(response) == expected


def test_search_in_decomposed_unicode_finds_the_same(client_as):
    client = client_as("demo-finance")
    composed = client.get(reverse("inventory:premises_list"), {"q": "Quỳnh Lưu"})
    decomposed = client.get(reverse("inventory:premises_list"), {"q": unicodedata.normalize("NFD", "Quỳnh Lưu")})
    assert all_codes(composed) and all_codes(composed) == all_codes(decomposed)
    assert all_codes(composed) == expected_codes(["Quỳnh", "Lưu"])


def test_filters_apply(client_as):
    client = client_as("demo-finance")
    response = client.get(reverse("inventory:premises_list"), {"status": ["surplus"], "storm_damaged": "true"})
    shown = list(response.context["page"])
    assert shown and all(p.status == "surplus" and p.storm_damaged for p in shown)
    assets = client.get(reverse("inventory:asset_list"), {"asset_class": "", "status": ["surplus"]})
    assert len(assets.context["page"]) and all(a.status == "surplus" for a in assets.context["page"])


def test_pagination(client_as):
    client = client_as("demo-finance")
    first = client.get(reverse("inventory:premises_list"))
    second = client.get(reverse("inventory:premises_list"), {"page": 2})
    assert first.context["page"].paginator.count == Premises.objects.count()
    assert len(codes(first)) == 25 and codes(first).isdisjoint(codes(second))


def test_declarant_lists_only_its_unit(client_as, demo_user):
    declarant = demo_user("demo-commune")
    response = client_as("demo-commune").get(reverse("inventory:premises_list"), {"q": ""})
    own = set(Premises.objects.filter(agency__admin_unit=declarant.admin_unit_id).values_list("code", flat=True))
    assert own and all_codes(response) == own
    assert all(p.agency.admin_unit_id == declarant.admin_unit_id for p in response.context["page"])
