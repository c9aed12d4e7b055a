"""The GIS password: HTTP Basic for GIS clients on /ogc/ only, made and revoked by the user
on the account page, kept as a hash; the public register's collection needs no login."""

import base64

import pytest
from django.test import Client

from inventory.models import GisPassword
from inventory.services import tokens

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/premises/items"


def basic(username, password):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def commune(demo_user):
    return demo_user("demo-commune")


def test_the_account_page_makes_shows_once_and_revokes_a_gis_password(client_as, commune):
    client = client_as("demo-commune")
    assert 'data-testid="gis-password"' in client.get("/account/").content.decode()
    made = client.post("/account/gis-password/")
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    secret = made.content.decode().split('data-testid="gis-password-value">')[1].split("<")[0]
    assert len(secret) >= 30
    row = GisPassword.objects.get(user=commune, revoked_at=None)
    assert secret not in row.digest and len(row.digest) == 64  # only a keyed hash is kept
    assert secret not in client.get("/account/").content.decode()  # shown once
    anonymous = Client()
    assert anonymous.get(ITEMS, **basic("demo-commune", secret)).status_code == 200
    client.post("/account/gis-password/revoke/")
    assert anonymous.get(ITEMS, **basic("demo-commune", secret)).status_code == 401


def test_a_new_gis_password_revokes_the_old_one(commune):
    old = tokens.issue_gis_password(commune)
    new = tokens.issue_gis_password(commune)
    client = Client()
    assert client.get(ITEMS, **basic("demo-commune", old)).status_code == 401
    assert client.get(ITEMS, **basic("demo-commune", new)).status_code == 200


def test_the_gis_password_sees_what_the_user_sees(commune):
    from inventory.models import Premises

    secret = tokens.issue_gis_password(commune)
    data = Client().get(ITEMS, {"limit": 1000}, **basic("demo-commune", secret)).json()
    assert data["numberMatched"] == Premises.objects.filter(agency__admin_unit=commune.admin_unit).count()
    assert all(Premises.objects.get(pk=f["id"]).agency.admin_unit_id == commune.admin_unit_id for f in data["features"])


def test_the_login_password_is_not_a_gis_password():
    client = Client()
    response = client.get(ITEMS, **basic("demo-commune", "nghean2025"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")


def test_another_users_name_with_ones_gis_password_is_refused(commune):
    secret = tokens.issue_gis_password(commune)
    assert Client().get(ITEMS, **basic("demo-auditor", secret)).status_code == 401


def test_the_gis_password_opens_nothing_but_ogc(commune):
    secret = tokens.issue_gis_password(commune)
    client = Client()
    assert client.get("/api/v1/premises/", **basic("demo-commune", secret)).status_code == 401
    assert client.get("/account/", **basic("demo-commune", secret)).status_code == 302  # to the login page


def test_the_gis_password_is_refused_over_http_when_https_only(commune, settings):
    settings.GIS_PASSWORD_HTTPS_ONLY = True
    secret = tokens.issue_gis_password(commune)
    assert Client().get(ITEMS, **basic("demo-commune", secret)).status_code == 401
    assert Client().get(ITEMS, secure=True, **basic("demo-commune", secret)).status_code == 200


def test_an_inactive_user_cannot_use_a_gis_password(commune):
    secret = tokens.issue_gis_password(commune)
    commune.is_active = False
    commune.save()
    assert Client().get(ITEMS, **basic("demo-commune", secret)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Basic", "Basic !!!", "Basic " + base64.b64encode(b"\xff\xfe").decode(), "Basic a b"]
)
def test_a_malformed_basic_header_is_a_401(header):
    assert Client().get(ITEMS, HTTP_AUTHORIZATION=header).status_code == 401


def test_an_anonymous_caller_sees_only_the_public_collection():
    client = Client()
    assert [c["id"] for c in client.get("/ogc/collections").json()["collections"]] == ["public-sites"]
    assert client.get("/ogc/collections/public-sites/items").status_code == 200
    for key in ("premises", "houses", "assets", "handling-records", "site-plans", "units", "assets-by-premises"):
        assert client.get(f"/ogc/collections/{key}/items").status_code == 401, key
        assert client.get(f"/ogc/collections/{key}").status_code == 401, key
