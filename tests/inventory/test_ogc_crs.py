"""OGC API – Features Part 2 (coordinate reference systems by reference): the abstract
tests of /conf/crs, one test per requirement, named by its id (/req/crs/…). Expected
coordinates come from PROJ (pyproj), not from the server."""

import pytest
from django.contrib.gis.geos import Point
from pyproj import Transformer

from inventory.models import Premises
from tests import factories

pytestmark = pytest.mark.django_db

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
UTM48N = "http://www.opengis.net/def/crs/EPSG/0/3405"
TM3 = "http://www.opengis.net/def/crs/EPSG/0/9208"
ALL = [CRS84, EPSG4326, UTM48N, TM3]
LON, LAT = 104.987654, 19.345678  # a point in Nghệ An's western districts


@pytest.fixture
def auditor(client_as):
    return client_as("demo-auditor")


@pytest.fixture
def site():
    return factories.premises(location=Point(LON, LAT, srid=4326), name="Điểm kiểm tra hệ tọa độ")


def projected(epsg):
    return Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True).transform(LON, LAT)


def test_req_crs_crs_uri(auditor):
    for uri in auditor.get("/ogc/collections/premises").json()["crs"]:
        assert uri.startswith("http://www.opengis.net/def/crs/")


def test_req_crs_fc_md_crs_list(auditor):
    for collection in auditor.get("/ogc/collections").json()["collections"]:
        assert collection["crs"] == ALL, collection["id"]


def test_req_crs_fc_md_crs_list_global(auditor):
    assert auditor.get("/ogc/collections").json()["crs"] == ALL


def test_req_crs_fc_md_storagecrs(auditor):
    assert auditor.get("/ogc/collections/premises").json()["storageCrs"] == CRS84


def test_req_crs_fc_md_storagecrs_valid_value(auditor):
    for collection in auditor.get("/ogc/collections").json()["collections"]:
        assert collection["storageCrs"] in collection["crs"]


def test_req_crs_fc_crs_definition(auditor, site):
    for uri in ALL:
        assert auditor.get("/ogc/collections/premises/items", {"crs": uri, "limit": 1}).status_code == 200
        assert auditor.get(f"/ogc/collections/premises/items/{site.id}", {"crs": uri}).status_code == 200


def test_req_crs_fc_crs_valid_value(auditor, site):
    for bad in ("EPSG:3857", "http://www.opengis.net/def/crs/EPSG/0/3857", "nope", "%00"):
        assert auditor.get("/ogc/collections/premises/items", {"crs": bad}).status_code == 400
        assert auditor.get(f"/ogc/collections/premises/items/{site.id}", {"crs": bad}).status_code == 400


def test_req_crs_fc_crs_default_value(auditor, site):
    feature = auditor.get(f"/ogc/collections/premises/items/{site.id}").json()
    assert feature["geometry"]["coordinates"] == pytest.approx([LON, LAT], abs=1e-7)


def test_req_crs_fc_crs_action(auditor, site):
    def coordinates(uri):
        return auditor.get(f"/ogc/collections/premises/items/{site.id}", {"crs": uri}).json()["geometry"]["coordinates"]

    assert coordinates(EPSG4326) == pytest.approx([LAT, LON], abs=1e-7)  # EPSG:4326 is latitude first
    assert coordinates(UTM48N) == pytest.approx(projected(3405), abs=0.01)
    assert coordinates(TM3) == pytest.approx(projected(9208), abs=0.01)
    page = auditor.get("/ogc/collections/premises/items", {"crs": TM3, "filter": f"code = '{site.code}'"}).json()
    assert page["features"][0]["geometry"]["coordinates"] == pytest.approx(projected(9208), abs=0.01)
    houses = auditor.get("/ogc/collections/units/items", {"crs": UTM48N, "limit": 1}).json()["features"][0]
    x, y = houses["geometry"]["coordinates"]
    assert 300_000 < x < 800_000 and 2_000_000 < y < 2_250_000  # metres of zone 48N, not degrees


def test_req_crs_fc_bbox_crs_definition(auditor):
    for uri in ALL:
        response = auditor.get("/ogc/collections/premises/items", {"bbox-crs": uri, "limit": 1})
        assert response.status_code == 200


def test_req_crs_fc_bbox_crs_valid_value(auditor):
    assert (
        auditor.get("/ogc/collections/premises/items", {"bbox": "1,2,3,4", "bbox-crs": "EPSG:2000"}).status_code == 400
    )


def test_req_crs_fc_bbox_crs_default_value(auditor, site):
    box = f"{LON - 0.0001},{LAT - 0.0001},{LON + 0.0001},{LAT + 0.0001}"  # lon/lat: CRS84
    ids = [f["id"] for f in auditor.get("/ogc/collections/premises/items", {"bbox": box}).json()["features"]]
    assert ids == [site.id]


def test_req_crs_fc_bbox_crs_action(auditor, site):
    for epsg, uri in ((9208, TM3), (3405, UTM48N)):
        x, y = projected(epsg)
        box = f"{x - 5},{y - 5},{x + 5},{y + 5}"  # 10 m around the site, in metres
        data = auditor.get("/ogc/collections/premises/items", {"bbox": box, "bbox-crs": uri}).json()
        assert [f["id"] for f in data["features"]] == [site.id], uri
        away = f"{x + 50},{y + 50},{x + 60},{y + 60}"
        assert auditor.get("/ogc/collections/premises/items", {"bbox": away, "bbox-crs": uri}).json()["features"] == []
    box = f"{LAT - 0.0001},{LON - 0.0001},{LAT + 0.0001},{LON + 0.0001}"  # EPSG:4326: latitude first
    data = auditor.get("/ogc/collections/premises/items", {"bbox": box, "bbox-crs": EPSG4326}).json()
    assert [f["id"] for f in data["features"]] == [site.id]
    for bad in ("1e300,1,2,3", "nan,1,2,3", "600000,2100000,500000,2200000"):
        assert auditor.get("/ogc/collections/premises/items", {"bbox": bad, "bbox-crs": TM3}).status_code == 400


def test_req_crs_ogc_crs_header(auditor, site):
    assert auditor.get("/ogc/collections/premises/items", {"limit": 1})["Content-Crs"] == f"<{CRS84}>"
    assert auditor.get(f"/ogc/collections/premises/items/{site.id}")["Content-Crs"] == f"<{CRS84}>"


def test_req_crs_ogc_crs_header_value(auditor, site):
    for uri in ALL:
        assert auditor.get("/ogc/collections/premises/items", {"crs": uri, "limit": 1})["Content-Crs"] == f"<{uri}>"
        assert auditor.get(f"/ogc/collections/premises/items/{site.id}", {"crs": uri})["Content-Crs"] == f"<{uri}>"


def test_every_collection_is_written_in_vn2000(auditor, site):
    """Houses, assets, handling records and site plans are drawn at their site."""
    house = site.houses.create(name="Nhà A", floor_area=100, floors=1)
    asset = factories.asset(agency=site.agency, premises=site)
    for key, fid in (
        ("premises", site.id),
        ("houses", house.id),
        ("assets", asset.id),
        ("assets-by-premises", site.id),
    ):
        feature = auditor.get(f"/ogc/collections/{key}/items/{fid}", {"crs": TM3}).json()
        assert feature["geometry"]["coordinates"] == pytest.approx(projected(9208), abs=0.01), key
    assert Premises.objects.filter(pk=site.pk).exists()
