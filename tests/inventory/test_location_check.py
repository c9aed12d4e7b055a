"""The premises form's live location check (/declarations/premises/location-check/): the
warning a declarant sees beside the map while placing the pin, hostile input refused
with a clear error, and only for the declarant's own agencies."""

import pytest
from django.urls import reverse

from inventory.models import Agency, DeclarationItem, Premises

pytestmark = pytest.mark.django_db
URL = reverse("inventory:location_check")
# Phường Thành Vinh's centroid in the reference data is about (105.66, 18.675); Con Cuông
# is some 90 km away, still in Nghệ An.
NEAR = {"lat": "18.676", "lon": "105.661"}
FAR = {"lat": "19.05", "lon": "104.88"}


def own_agency(user):
    return Agency.objects.filter(admin_unit=user.admin_unit, is_active=True).order_by("pk").first()


def test_a_place_in_the_commune_needs_no_confirmation_and_a_far_one_does(client_as, demo_user):
    client = client_as("demo-commune")
    agency = own_agency(demo_user("demo-commune"))
    near = client.get(URL, {**NEAR, "agency": agency.code})
    assert near.status_code == 200 and near.json() == {"warning": None}
    far = client.get(URL, {**FAR, "agency": agency.code}, HTTP_ACCEPT_LANGUAGE="vi")
    assert far.status_code == 200
    assert "Phường Thành Vinh" in far.json()["warning"]
    assert "5 km" in far.json()["warning"]


@pytest.mark.parametrize(
    "lat, lon",
    [
        ("1e999", "105.6"),
        ("NaN", "105.6"),
        ("Infinity", "105.6"),
        ("18.6", "-inf"),
        ("91", "105.6"),
        ("18.6", "180.0000001"),
        ("<b>18</b>", "105.6"),
        ("=1+1", "105.6"),
        ("", ""),
    ],
)
def test_what_is_no_place_is_refused_with_a_message(client_as, demo_user, lat, lon):
    client = client_as("demo-commune")
    counts = (Premises.all_objects.count(), DeclarationItem.objects.count())
    response = client.get(
        URL, {"lat": lat, "lon": lon, "agency": own_agency(demo_user("demo-commune")).code}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 400
    assert "Vĩ độ phải từ -90 đến 90" in response.json()["error"]
    assert (Premises.all_objects.count(), DeclarationItem.objects.count()) == counts


def test_another_units_agency_is_refused(client_as, demo_user):
    declarant = demo_user("demo-commune")
    other = Agency.objects.exclude(admin_unit=declarant.admin_unit).filter(is_active=True).order_by("pk").first()
    response = client_as("demo-commune").get(URL, {**FAR, "agency": other.code})
    assert response.status_code == 400 and "error" in response.json()
    assert "warning" not in response.json()


@pytest.mark.parametrize("username, status", [("demo-finance", 403), ("demo-auditor", 403)])
def test_only_declarants_ask(client_as, username, status):
    assert client_as(username).get(URL, NEAR).status_code == status


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL, NEAR)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
