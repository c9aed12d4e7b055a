"""GDAL reads the OGC API – Features endpoint of a live server: `ogrinfo OAPIF:…/ogc`
lists the layers and reads the features back, authenticated by an API token."""

import shutil
import subprocess

import pytest

from inventory.models import AdministrativeUnit, Premises, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="session")
def token(django_db_setup, django_db_blocker):
    """A committed token (the live server has its own database session): made outside
    any test's transaction."""
    from rest_framework.authtoken.models import Token

    with django_db_blocker.unblock():
        key = Token.objects.create(user=User.objects.get(username="demo-auditor")).key
        yield key
        Token.objects.filter(key=key).delete()


def test_ogrinfo_lists_the_layers_and_reads_the_features(live_url, token, django_db_blocker):
    base = ["ogrinfo", "--config", "GDAL_HTTP_HEADERS", f"Authorization: Token {token}", "-ro"]
    if not shutil.which("ogrinfo"):
        pytest.fail("ogrinfo not found: `make test` installs Debian's gdal-bin")

    def run(*args):
        return subprocess.run([*base, *args], capture_output=True, text=True, timeout=180, check=True).stdout

    listing = run(f"OAPIF:{live_url}/ogc")
    for n, key in enumerate(
        [
            "premises",
            "houses",
            "assets",
            "handling-records",
            "site-plans",
            "units",
            "assets-by-premises",
            "public-sites",
        ],
        start=1,
    ):
        assert f"{n}: {key}" in listing
    with django_db_blocker.unblock():
        communes = AdministrativeUnit.objects.communes().count()
        vinh = Premises.objects.filter(code__startswith="DEMO-TS-").order_by("pk").first()
    units = run("-al", "-q", f"OAPIF:{live_url}/ogc", "units")
    assert units.count("OGRFeature(units)") == communes
    summary = run("-so", f"OAPIF:{live_url}/ogc", "premises")
    with django_db_blocker.unblock():
        assert f"Feature Count: {Premises.objects.count()}" in summary
    one = run("-al", "-q", "-where", f"code = '{vinh.code}'", f"OAPIF:{live_url}/ogc", "premises")
    assert vinh.name in one and "POINT (" in one
