"""Coordinates from outside are checked before any geometry is built from them, on
every path (web form, typed coordinates, Excel rows, layer and boundary files, map
parameters, the admin), and PostgreSQL refuses to store one out of range.

GEOS 3.11.1 aborts the whole process when it writes a coordinate like 1e300 as WKT, so
on the code before this rule the first of these tests took the test run down with it:
that a test here returns at all is part of what it shows."""

import http.server
import io
import json
import threading
import zipfile

import pytest
from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from inventory.boundaries import import_boundaries
from inventory.geodata import GeodataError
from inventory.models import DeclarationItem, Premises
from inventory.services import excel
from maps.models import HazardFeature, HazardLayer
from tests.inventory.test_declarations import premises_data

pytestmark = pytest.mark.django_db

# Each is a location a hostile or careless client can send; none may be stored.
BAD_LOCATIONS = [
    "SRID=4326;POINT(1e300 1e300)",
    "POINT(1e300 1e300)",
    "SRID=4326;POINT(-1e300 18)",
    '{"type": "Point", "coordinates": [1e300, 1e300]}',
    "SRID=4326;POINT(NaN NaN)",
    "SRID=4326;POINT(105.6 NaN)",
    "SRID=4326;POINT(200 18)",
    "SRID=3857;POINT(1e300 1e300)",
    "SRID=3405;POINT(1e20 1e20)",
]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def form_errors(response) -> dict:
    return response.context["form"].errors


@pytest.mark.parametrize("location", BAD_LOCATIONS)
def test_the_premises_form_refuses_a_location_out_of_range(client_as, demo_user, location):
    user = demo_user("demo-commune")
    client = client_as("demo-commune")
    before = DeclarationItem.objects.count()
    response = client.post(reverse("inventory:premises_create"), premises_data(user, location=location))
    assert response.status_code == 200  # the form again, with the error; the server is alive
    assert "location" in form_errors(response)
    assert DeclarationItem.objects.count() == before


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("1e300", "1e300"), ("18.67", "1e300"), ("NaN", "105.6"), ("Infinity", "105.6")]
)
def test_typed_coordinates_out_of_range_are_refused(client_as, demo_user, latitude, longitude):
    user = demo_user("demo-commune")
    client = client_as("demo-commune")
    before = DeclarationItem.objects.count()
    response = client.post(
        reverse("inventory:premises_create"), premises_data(user, latitude=latitude, longitude=longitude)
    )
    assert response.status_code == 200
    assert form_errors(response)
    assert DeclarationItem.objects.count() == before


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(1e300, 1e300), (18.67, -1e300), ("1e300", "105.6"), ("nan", "105.6")]
)
def test_an_excel_row_with_coordinates_out_of_range_is_refused(demo_user, latitude, longitude):
    user = demo_user("demo-commune")
    book = load_workbook(io.BytesIO(excel.template(user)))
    sheet = book["Cơ sở nhà, đất"]
    headings = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    values = {
        "Tên": "Trụ sở mới",
        "Vĩ độ (latitude)": latitude,
        "Kinh độ (longitude)": longitude,
    }
    for heading, value in values.items():
        matches = [i for i, h in enumerate(headings, start=1) if h and h.startswith(heading.split(" (")[0])]
        sheet.cell(row, matches[0]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    before = DeclarationItem.objects.count()
    result = excel.import_workbook(user, SimpleUploadedFile("k.xlsx", buffer.getvalue()))
    assert not result.written
    located = [e for e in result.errors if e.row == row and ("Vĩ độ" in e.column or "Kinh độ" in e.column)]
    assert located, [str(e) for e in result.errors]
    assert DeclarationItem.objects.count() == before


def geojson_file(path, coordinates, kind="Point"):
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"ma": "1"},
                        "geometry": {"type": kind, "coordinates": coordinates},
                    }
                ],
            }
        )
    )
    return path


def upload_layer(client, content: bytes, name: str):
    return client.post(
        reverse("maps:layer_list"),
        {"name": "Lớp thử", "kind": "hazard_site", "file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("coordinates", [[1e300, 1e300], [105.6, 1e300], [-1e300, 18.6]])
def test_a_layer_with_a_point_out_of_range_is_refused_and_nothing_is_stored(client_as, tmp_path, coordinates):
    client = client_as("demo-finance")
    layers, features = HazardLayer.objects.count(), HazardFeature.objects.count()
    content = geojson_file(tmp_path / "kho.geojson", coordinates).read_bytes()
    response = upload_layer(client, content, "kho.geojson")
    assert response.status_code == 200
    assert "out of range" in str(form_errors(response)["file"])
    assert (HazardLayer.objects.count(), HazardFeature.objects.count()) == (layers, features)


def test_the_layer_command_refuses_a_point_out_of_range(call, tmp_path):
    from django.core.management.base import CommandError

    path = geojson_file(tmp_path / "kho.geojson", [1e300, 1e300])
    with pytest.raises(CommandError, match="out of range"):
        call("import_layer", str(path), "--kind", "hazard_site", "--name", "Kho")
    assert not HazardLayer.objects.filter(name="Kho").exists()


def test_a_boundary_out_of_range_is_refused(tmp_path):
    ring = [[105.6, 18.6], [1e300, 18.6], [105.7, 18.7], [105.6, 18.6]]
    path = geojson_file(tmp_path / "ranh-gioi.geojson", [ring], kind="Polygon")
    with pytest.raises(GeodataError, match="out of range"):
        import_boundaries(path, "new", "ma")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        body = json.dumps({"type": "FeatureCollection", "features": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.mark.parametrize("name", ["lop.vrt", "lop.geojson", "lop.xml"])
def test_a_vrt_upload_is_refused_and_fetches_nothing(client_as, listener, name):
    url = f"http://127.0.0.1:{listener.server_port}/bi-mat.geojson"
    vrt = (
        '<OGRVRTDataSource><OGRVRTLayer name="x">'
        f"<SrcDataSource>/vsicurl/{url}</SrcDataSource>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )
    layers = HazardLayer.objects.count()
    response = upload_layer(client_as("demo-finance"), vrt.encode(), name)
    assert response.status_code == 200 and "file" in form_errors(response)
    assert HazardLayer.objects.count() == layers
    assert _Recorder.requests == []


def test_a_zip_bomb_layer_is_refused(client_as):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lop.shp", b"\0" * (300 * 1024 * 1024))  # 300 MB of zeros, ~300 KB packed
    assert len(buffer.getvalue()) < 1024 * 1024
    response = upload_layer(client_as("demo-finance"), buffer.getvalue(), "lop.zip")
    assert response.status_code == 200 and "file" in form_errors(response)


@pytest.mark.parametrize(
    "area",
    [
        '{"type":"Polygon","coordinates":[[[105,18],[1e300,18],[105,19],[105,18]]]}',
        '{"type":"Polygon","coordinates":[[[105,18],[106,18],[105,1e300],[105,18]]]}',
        "POLYGON((105 18, 1e300 18, 105 19, 105 18))",
    ],
)
def test_a_drawn_area_out_of_range_is_a_clear_error(client_as, area):
    response = client_as("demo-finance").get(reverse("maps:map_totals"), {"area": area})
    assert response.status_code == 400


def test_every_geometry_column_is_checked_by_postgresql():
    """Every geometry column of the apps has the lonlat CHECK: a new model's too."""
    columns = [
        (model._meta.db_table, field.column)
        for app in ("inventory", "maps")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, GeometryField) and not model._meta.db_table.endswith("event")
    ]
    assert len(columns) >= 7
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c' "
                "AND pg_get_constraintdef(oid) LIKE %s",
                [table, f"%lonlat_ok({column})%"],
            )
            assert cursor.fetchone()[0] == 1, f"{table}.{column} has no coordinate check"


@pytest.mark.parametrize("point", ["POINT(1e300 1e300)", "POINT(105.6 NaN)", "POINT(181 18)"])
def test_postgresql_refuses_to_store_a_point_out_of_range(point):
    premises = Premises.objects.first()
    feature = HazardFeature.objects.first()
    for table, column, pk in (
        ("inventory_premises", "location", premises.pk),
        ("maps_hazardfeature", "geometry", feature.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = ST_GeomFromText(%s, 4326) WHERE id = %s", [point, pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_administrativeunit SET boundary = "
            "ST_Multi(ST_GeomFromText('POLYGON((105 18, 106 18, 105.5 NaN, 105 18))', 4326)) WHERE id = %s",
            [premises.admin_unit_id],
        )


def test_the_admin_shows_a_geometry_stored_before_the_check_without_crashing(client_as):
    """A row stored before the database checked coordinates opens as an empty map."""
    feature = HazardFeature.objects.first()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE maps_hazardfeature DROP CONSTRAINT maps_hazardfeature_geometry_lonlat")
        cursor.execute(
            "UPDATE maps_hazardfeature SET geometry = ST_GeomFromText('POINT(1e300 1e300)', 4326) WHERE id = %s",
            [feature.pk],
        )
    client = client_as("demo-admin")
    response = client.get(reverse("admin:maps_hazardfeature_change", args=[feature.pk]))
    assert response.status_code == 200
    response = client.get(reverse("admin:maps_hazardlayer_change", args=[feature.layer_id]))
    assert response.status_code == 200


def test_the_admin_refuses_a_location_out_of_range(client_as):
    premises = Premises.objects.first()
    client = client_as("demo-admin")
    url = reverse("admin:inventory_premises_change", args=[premises.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "geom_type")}
    data.update({"location": '{"type": "Point", "coordinates": [1e300, 1e300]}', "opened_version": premises.version})
    response = client.post(url, data)
    assert response.status_code == 200
    premises.refresh_from_db()
    assert -180 <= premises.location.x <= 180
