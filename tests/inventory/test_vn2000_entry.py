"""A premises entered by VN-2000 X/Y as a surveyor reads them off a land certificate (issue 17
item 1): X is the northing, Y the easting; ranges are checked before any geometry is built;
the stored point is PROJ's own inverse of the typed metres (pyproj), to a centimetre."""

import pytest
from django.urls import reverse
from django.utils import translation
from pyproj import Transformer

from inventory.models import DeclarationItem
from tests.inventory.test_declarations import premises_data

pytestmark = pytest.mark.django_db

# A point in Phường Thành Vinh, as surveyed (metres), in each zone.
VINH = (105.6813, 18.6734)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def certificate_xy(srid):
    east, north = Transformer.from_crs(4326, srid, always_xy=True).transform(*VINH)
    return round(north, 2), round(east, 2)  # X, Y as printed on the certificate


def post(client, user, **fields):
    data = premises_data(user, location="", **fields)
    return client.post(reverse("inventory:premises_create"), data)


def declared_location(user):
    item = DeclarationItem.objects.filter(declaration__agency=user.agency).latest("pk")
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(item.payload["location"])


@pytest.mark.parametrize("srid", [9208, 3405])
def test_x_northing_and_y_easting_place_the_premises_where_proj_says(client_as, demo_user, srid):
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    x, y = certificate_xy(srid)
    before = DeclarationItem.objects.count()
    response = post(client, user, vn2000_system=str(srid), vn2000_x=str(x), vn2000_y=str(y))
    assert response.status_code == 302, response.context["form"].errors
    assert DeclarationItem.objects.count() == before + 1
    point = declared_location(user)
    lon, lat = Transformer.from_crs(srid, 4326, always_xy=True).transform(y, x)
    # 1e-7° ≈ 1 cm
    assert point.x == pytest.approx(lon, abs=1e-7) and point.y == pytest.approx(lat, abs=1e-7)
    assert point.x == pytest.approx(VINH[0], abs=1e-6) and point.y == pytest.approx(VINH[1], abs=1e-6)


def test_the_same_numbers_in_the_other_zone_are_another_place(client_as, demo_user):
    """The system matters: TM-3 104°45′ metres read as UTM 48N land about 27 km away."""
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    x, y = certificate_xy(9208)
    response = post(client, user, vn2000_system="3405", vn2000_x=str(x), vn2000_y=str(y), confirm_location="on")
    if response.status_code == 302:
        point = declared_location(user)
        assert abs(point.x - VINH[0]) > 0.2
    else:  # or the commune check asks: either way it is not silently Vinh
        assert "location" in response.context["form"].errors


def test_swapped_x_and_y_are_explained(client_as, demo_user):
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    x, y = certificate_xy(9208)
    before = DeclarationItem.objects.count()
    response = post(client, user, vn2000_system="9208", vn2000_x=str(y), vn2000_y=str(x))
    assert response.status_code == 200
    assert "Hãy đổi chỗ hai giá trị" in str(response.context["form"].errors)  # the UI is Vietnamese
    assert DeclarationItem.objects.count() == before


@pytest.mark.parametrize(
    ("x", "y", "field"),
    [
        ("1e300", "571000", "vn2000_x"),
        ("2067000", "1e300", "vn2000_y"),
        ("NaN", "571000", "vn2000_x"),
        ("Infinity", "571000", "vn2000_x"),
        ("-2067000", "571000", "vn2000_x"),
        ("9999999", "571000", "vn2000_x"),
        ("2067000", "-5", "vn2000_y"),
        ("=1+1", "571000", "vn2000_x"),
        ("<b>2067000</b>", "571000", "vn2000_x"),
        ("2067000", "", "vn2000_y"),
    ],
)
def test_hostile_or_out_of_range_x_y_are_refused_and_nothing_is_declared(client_as, demo_user, x, y, field):
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    before = DeclarationItem.objects.count()
    response = post(client, user, vn2000_system="9208", vn2000_x=x, vn2000_y=y)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert DeclarationItem.objects.count() == before


def test_a_system_other_than_vn2000_is_refused(client_as, demo_user):
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    x, y = certificate_xy(9208)
    response = post(client, user, vn2000_system="3857", vn2000_x=str(x), vn2000_y=str(y))
    assert response.status_code == 200
    assert "vn2000_system" in response.context["form"].errors


def test_x_y_outside_the_province_are_caught_by_the_province_check(client_as, demo_user):
    """Hồ Chí Minh City in the provincial zone's metres: in Viet Nam, but not in Nghệ An."""
    user, client = demo_user("demo-commune"), client_as("demo-commune")
    east, north = Transformer.from_crs(4326, 3405, always_xy=True).transform(106.70, 10.78)
    response = post(client, user, vn2000_system="3405", vn2000_x=f"{north:.2f}", vn2000_y=f"{east:.2f}")
    assert response.status_code == 200
    assert "Nghệ An" in str(response.context["form"].errors["location"])


def test_the_form_shows_a_saved_location_in_vn2000(client_as, demo_user):
    from inventory.models import Premises

    client = client_as("demo-commune")
    premises = Premises.objects.visible_to(demo_user("demo-commune")).first()
    east, north = Transformer.from_crs(4326, 9208, always_xy=True).transform(premises.location.x, premises.location.y)
    page = client.get(reverse("inventory:premises_edit", args=[premises.pk])).content.decode()
    assert f"X = {north:.2f} m, Y = {east:.2f} m" in page
    assert 'name="vn2000_x"' in page and 'name="vn2000_y"' in page
