"""Bad input, generated (hypothesis): every answer is an accepted value or a clear
error, never a crash, and a refused input changes nothing. Forms, the Excel importer,
geometry inputs (self-intersecting, NaN, out of range, wrong SRID, empty), Vietnamese
text in NFC and NFD, very long strings."""

import io
import json
import math
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from inventory.forms import PremisesForm
from inventory.models import DeclarationItem, Premises
from inventory.services import declarations as declaration_services
from inventory.services import excel

pytestmark = pytest.mark.django_db
BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ ", min_size=1, max_size=30),
    st.integers(min_value=256, max_value=20_000).map(lambda n: "Trụ sở " * (n // 7)),
)
coordinates = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-400, 400))


def _counts():
    return Premises.all_objects.count(), DeclarationItem.objects.count()


@BOUNDED
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            "name": texts,
            "address": texts,
            "floor_area": numbers,
            "footprint_area": numbers,
            "land_area": numbers,
            "floors": numbers,
            "year_built": numbers,
            "original_cost": numbers,
            "latitude": coordinates,
            "longitude": coordinates,
            "location": st.sampled_from(
                [
                    "POINT(nan nan)",
                    "SRID=3857;POINT(11760000 2110000)",
                    "POINT EMPTY",
                    "LINESTRING(105 18, 106 19)",
                    "not a geometry",
                    '{"type": "Point", "coordinates": [105.6, 18.7]}',
                ]
            ),
        },
    )
)
def test_the_premises_form_refuses_bad_values_cleanly(demo_user, values):
    user = demo_user("demo-commune")
    data = {"agency": user.agency.code, "name": "Trụ sở thử", "status": "in_use_hq", "condition": "good"}
    data.update({k: (str(v) if not isinstance(v, str) else v) for k, v in values.items()})
    before = _counts()
    form = PremisesForm(data, user=user)
    if not form.is_valid():
        assert form.errors  # named errors, no exception
        assert _counts() == before
        return
    try:
        with transaction.atomic():
            declaration_services.propose(user, "premises", form.payload)
    except ValidationError as exc:
        assert exc.messages
        assert _counts() == before


def _cell_value(value):
    """What a spreadsheet cell can hold: no control characters, finite numbers, 32,767
    characters at most (Excel's own limits)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@pytest.fixture(scope="module")
def one_row_template(django_db_blocker):
    """The declarant's template with one row per sheet: made once (it takes a while)."""
    from inventory.models import User

    with django_db_blocker.unblock():
        book = load_workbook(io.BytesIO(excel.template(User.objects.get(username="demo-commune"))))
    for name in book.sheetnames:
        sheet = book[name]
        if sheet.max_row > 2:
            sheet.delete_rows(3, sheet.max_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CELLS = st.lists(
    st.tuples(
        st.sampled_from(["Tên", "Số lượng", "Nguyên giá (đồng)", "Ngày đưa vào sử dụng", "Loại tài sản", "Tình trạng"]),
        st.one_of(texts, numbers, st.dates(), st.none()),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(cells=CELLS)
def test_the_excel_importer_reports_bad_cells_and_writes_nothing(demo_user, one_row_template, cells):
    user = demo_user("demo-commune")
    book = load_workbook(io.BytesIO(one_row_template))
    sheet = book["Tài sản"]
    headings = {cell.value: cell.column for cell in sheet[1]}
    for heading, value in cells:
        sheet.cell(2, headings[heading]).value = _cell_value(value)
    buffer = io.BytesIO()
    book.save(buffer)
    before = _counts()
    with transaction.atomic():
        result = excel.import_workbook(user, SimpleUploadedFile("ke-khai.xlsx", buffer.getvalue()))
        if not result.written:
            assert result.errors and all(str(error) for error in result.errors)
            assert _counts() == before
        transaction.set_rollback(True)


polygon_rings = st.lists(st.tuples(coordinates, coordinates), min_size=0, max_size=6)


@BOUNDED
@given(ring=polygon_rings, close=st.booleans(), kind=st.sampled_from(["Polygon", "MultiPolygon", "Point", "Junk"]))
def test_drawn_areas_and_spatial_filters_get_an_answer_or_a_clear_400(client_as, ring, close, kind):
    points = [list(p) for p in ring] + ([list(ring[0])] if close and ring else [])
    coordinates = {"Polygon": [points], "MultiPolygon": [[points]], "Point": points[0] if points else []}.get(kind, "x")
    geometry = json.dumps({"type": kind, "coordinates": coordinates}, allow_nan=True)
    client = client_as("demo-finance")
    box = ",".join(str(c) for p in ring[:2] for c in p)
    for parameter, response in (
        ("area", client.get("/maps/totals.json", {"area": geometry})),
        ("within", client.get("/api/v1/premises/", {"within": geometry, "page_size": 1})),
        ("bbox", client.get("/maps/data.geojson", {"z": 12, "bbox": box})),
        ("bbox", client.get("/api/v1/premises/", {"bbox": box, "page_size": 1})),
        ("near", client.get("/api/v1/premises/", {"near": box[:60], "page_size": 1})),
    ):
        assert response.status_code in (200, 400), response.content[:300]
        if response.status_code == 400:  # the answer names the parameter at fault
            body = response.json()
            assert parameter in body.get("errors", body), (parameter, body)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(index=st.integers(min_value=0, max_value=10_000), form=st.sampled_from(["NFC", "NFD"]), words=st.integers(1, 3))
def test_search_finds_vietnamese_names_in_either_unicode_form(client_as, index, form, words):
    names = list(Premises.objects.order_by("pk").values_list("pk", "name")[:200])
    pk, name = names[index % len(names)]
    query = " ".join(name.split()[-words - 1 : -1]) or name
    assume(query.strip("() "))
    query = unicodedata.normalize(form, query)
    page = client_as("demo-auditor").get("/declarations/premises/", {"q": query})
    assert page.status_code == 200
    assert pk in set(page.context["page"].paginator.object_list.values_list("pk", flat=True))


def test_very_long_strings_are_refused_with_the_limit_named(demo_user):
    user = demo_user("demo-commune")
    form = PremisesForm({"agency": user.agency.code, "name": "Trụ sở " * 5000, "status": "in_use_hq"}, user=user)
    assert not form.is_valid() and "255" in " ".join(form.errors["name"])
