"""QGIS 3.22 (Debian's python3-qgis) as a tested client of /ogc/: every collection loads
through its OAPIF provider with the user's GIS password (HTTP Basic from QGIS's auth
manager), one CQL2 filter and one VN-2000 box given in the connection URL, and the feature
counts and ids equal what the REST API (or the public register) gives the same user."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from pyproj import Transformer

from inventory.models import GisPassword, User
from inventory.services import tokens

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("qgis_client.py")
TM3 = "http://www.opengis.net/def/crs/EPSG/0/9208"
BOX = (590_000, 2_060_000, 610_000, 2_075_000)  # VN-2000 / TM-3 104°45′ metres, around Vinh


def qgis_available() -> bool:
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def gis_passwords(django_db_setup, django_db_blocker):
    """Committed GIS passwords (the live server reads its own database session)."""
    with django_db_blocker.unblock():
        users = {name: User.objects.get(username=name) for name in ("demo-commune", "demo-auditor")}
        secrets = {name: tokens.issue_gis_password(user) for name, user in users.items()}
        yield secrets
        GisPassword.objects.filter(user__in=users.values()).delete()


def run_qgis(base, username, password, layers):
    spec = {"base": base, "username": username, "password": password, "layers": layers}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "QT_QPA_PLATFORM": "offscreen", "QGIS_AUTH_DB_DIR_PATH": home}
        env.pop("PYTHONPATH", None)
        done = subprocess.run(
            [SYSTEM_PYTHON, str(SCRIPT), json.dumps(spec)], capture_output=True, text=True, timeout=600, env=env
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def rest_rows(client, url, **params):
    rows, response = [], client.get(url, {"page_size": 1000, **params})
    while True:
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        rows += data["results"]
        if not data["next"]:
            return rows
        response = client.get(data["next"])


def box_as_lonlat_polygon():
    """The VN-2000 box as a WGS 84 polygon, each side cut in 8 (as the server reads a box)."""
    x1, y1, x2, y2 = BOX
    to_wgs84 = Transformer.from_crs("EPSG:9208", "EPSG:4326", always_xy=True)
    ring = [(x1 + (x2 - x1) * i / 8, y1) for i in range(8)]
    ring += [(x2, y1 + (y2 - y1) * i / 8) for i in range(8)]
    ring += [(x2 - (x2 - x1) * i / 8, y2) for i in range(8)]
    ring += [(x1, y2 - (y2 - y1) * i / 8) for i in range(8)]
    ring.append(ring[0])
    points = ", ".join("{:.9f} {:.9f}".format(*to_wgs84.transform(x, y)) for x, y in ring)
    return f"POLYGON(({points}))"


def test_qgis_loads_every_collection_with_the_gis_password(live_url, gis_passwords, client, settings):
    if not qgis_available():
        pytest.fail("QGIS's python3-qgis is missing: `make test` installs it (scripts/qgis-packages.sh)")
    settings.GIS_PASSWORD_HTTPS_ONLY = False  # the live test server speaks plain HTTP
    commune = User.objects.get(username="demo-commune")
    client.force_login(commune)
    premises = rest_rows(client, "/api/v1/premises/")
    expected = {
        "premises": sorted(r["id"] for r in premises),
        "houses": sorted(h["id"] for r in premises for h in r["houses"]),
        "assets": sorted(r["id"] for r in rest_rows(client, "/api/v1/assets/")),
        "handling-records": sorted(r["id"] for r in rest_rows(client, "/api/v1/handling-records/")),
        "site-plans": sorted(r["id"] for r in rest_rows(client, "/api/v1/site-plans/")),
        "units": sorted(r["id"] for r in rest_rows(client, "/api/v1/admin-units/", level="commune")),
        "assets-by-premises": sorted(r["id"] for r in premises),
    }
    public = json.loads(client.get("/cong-khai/danh-sach.geojson").content)
    expected["public-sites"] = sorted(f["properties"]["code"] for f in public["features"])
    assert expected["premises"] and expected["assets"] and expected["units"]
    layers = [{"name": key, "typename": key, "key": "code" if key == "public-sites" else "id"} for key in expected]
    result = run_qgis(live_url, "demo-commune", gis_passwords["demo-commune"], layers)
    assert result["auth_stored"]
    for key, ids in expected.items():
        got = result["layers"][key]
        assert got["valid"], (key, got.get("error"))
        assert got["count"] == len(ids), key
        assert sorted(got["keys"]) == ids, key
        assert got["geometries"] == len(ids) or key in ("assets", "handling-records"), key


def test_qgis_sends_a_cql2_filter_and_a_vn2000_box(live_url, gis_passwords, client, settings):
    if not qgis_available():
        pytest.fail("QGIS's python3-qgis is missing: `make test` installs it (scripts/qgis-packages.sh)")
    settings.GIS_PASSWORD_HTTPS_ONLY = False
    from urllib.parse import urlencode

    client.force_login(User.objects.get(username="demo-auditor"))
    surplus_poor = sorted(r["id"] for r in rest_rows(client, "/api/v1/premises/", status="surplus", condition="fair"))
    in_box = sorted(r["id"] for r in rest_rows(client, "/api/v1/premises/", within=box_as_lonlat_polygon()))
    assert surplus_poor and in_box  # the demo data has both
    layers = [
        {"name": "cql2", "typename": "premises",
         "query": urlencode({"filter": "status = 'surplus' AND condition = 'fair'"})},
        {"name": "vn2000-box", "typename": "premises",
         "query": urlencode({"bbox": ",".join(map(str, BOX)), "bbox-crs": TM3})},
    ]
    result = run_qgis(live_url, "demo-auditor", gis_passwords["demo-auditor"], layers)
    assert result["layers"]["cql2"]["count"] == len(surplus_poor)
    assert sorted(result["layers"]["cql2"]["keys"]) == surplus_poor
    assert result["layers"]["vn2000-box"]["count"] == len(in_box)
    assert sorted(result["layers"]["vn2000-box"]["keys"]) == in_box


def test_qgis_with_a_wrong_password_loads_nothing(live_url, gis_passwords, settings):
    if not qgis_available():
        pytest.fail("QGIS's python3-qgis is missing: `make test` installs it (scripts/qgis-packages.sh)")
    settings.GIS_PASSWORD_HTTPS_ONLY = False
    result = run_qgis(live_url, "demo-commune", "not-the-password", [{"name": "p", "typename": "premises"}])
    assert not result["layers"]["p"]["valid"]
