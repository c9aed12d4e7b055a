"""One declared field list per model (issue 16): every declared field of a premises and
of an asset (`PUBLIC_FIELDS`) appears in the API, its CSV and XLSX exports, the OGC
properties (premises), the premises page and the admin, with the value entered."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inventory.models import Asset, Premises
from tests import factories

pytestmark = pytest.mark.django_db

# Written here: what a form or a workbook row can enter must come out again (the fields
# the issue found missing among them).
MUST_PREMISES = {
    "code", "name", "address", "agency", "status", "condition", "land_area", "land_value", "floor_area",
    "land_use_office", "land_use_public_service", "land_use_housing", "land_use_leased", "land_use_vacant",
    "land_use_encroached", "land_use_other", "land_certificate", "floor_load", "notes", "year_built",
    "book_remaining_value", "is_flooded", "has_landslide", "storm_damaged",
}  # fmt: skip
MUST_ASSET = {"code", "name", "asset_class", "agency", "premises", "quantity", "plate_number", "status", "notes"}


@pytest.fixture
def site():
    return factories.premises(
        code="T-FIELDS-1",
        status="in_use_hq",
        land_use_office=Decimal("1200.5"),
        land_use_public_service=Decimal(300),
        land_use_housing=Decimal(0),
        land_use_leased=Decimal(100),
        land_use_vacant=Decimal(200),
        land_use_encroached=Decimal(50),
        land_use_other=Decimal("149.5"),
        land_certificate="CS 01234 / BB 567890",
        floor_load=500,
        notes="Mái tôn dột, cần sửa",
        year_built=2008,
        address="Số 1 Lê Lợi",
        book_date=dt.date(2025, 12, 31),
    )


def test_the_lists_hold_what_can_be_entered():
    assert set(Premises.PUBLIC_FIELDS) >= MUST_PREMISES
    assert set(Asset.PUBLIC_FIELDS) >= MUST_ASSET


def _csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _xlsx(response):
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_every_premises_field_in_the_api_exports_ogc_and_page(client_as, site):
    client = client_as("demo-auditor")
    fields = list(Premises.PUBLIC_FIELDS)
    api = client.get(f"/api/v1/premises/{site.pk}/").json()
    assert set(fields) <= set(api)
    assert api["land_certificate"] == "CS 01234 / BB 567890" and api["floor_load"] == 500
    assert Decimal(api["land_use_office"]) == Decimal("1200.5") and api["notes"] == "Mái tôn dột, cần sửa"
    (row,) = _csv(client.get("/api/v1/premises/", {"code": site.code, "format": "csv"}))
    assert set(fields) <= set(row) and row["land_certificate"] == "CS 01234 / BB 567890"
    (row,) = _xlsx(client.get("/api/v1/premises/", {"code": site.code, "format": "xlsx"}))
    assert set(fields) <= set(row) and row["floor_load"] == 500
    ogc = client.get(f"/ogc/collections/premises/items/{site.pk}").json()["properties"]
    assert set(fields) - {"id"} <= set(ogc) and ogc["notes"] == "Mái tôn dột, cần sửa"
    page = client.get(f"/declarations/premises/{site.pk}/").content.decode()
    facts = [name for name in fields if name not in ("id", "is_demo", "updated_at")]
    assert [name for name in facts if f'data-field="{name}"' not in page] == []
    for shown in ("CS 01234 / BB 567890", "Mái tôn dột, cần sửa", "1.200,5", "2008"):
        assert shown in page, shown


def test_every_asset_field_in_the_api_and_exports(client_as, site):
    client = client_as("demo-auditor")
    asset = factories.asset(code="T-FIELDS-A", premises=site, agency=site.agency, notes="Hỏng màn hình")
    fields = list(Asset.PUBLIC_FIELDS)
    api = client.get(f"/api/v1/assets/{asset.pk}/").json()
    assert set(fields) <= set(api) and api["notes"] == "Hỏng màn hình"
    (row,) = _csv(client.get("/api/v1/assets/", {"code": asset.code, "format": "csv"}))
    assert set(fields) <= set(row) and row["notes"] == "Hỏng màn hình"
    (row,) = _xlsx(client.get("/api/v1/assets/", {"code": asset.code, "format": "xlsx"}))
    assert set(fields) <= set(row) and row["notes"] == "Hỏng màn hình"


def test_the_admin_form_holds_every_declared_field(client_as, site):
    """The admin's change pages of a premises and an asset have a row for every declared
    field (their fieldsets are derived from the list), with the value entered."""
    client = client_as("demo-admin")
    asset = factories.asset(code="T-FIELDS-A", premises=site, agency=site.agency, notes="Hỏng màn hình")
    for record, url, shown in (
        (site, f"/admin/inventory/premises/{site.pk}/change/", ("CS 01234 / BB 567890", "Mái tôn dột, cần sửa")),
        (asset, f"/admin/inventory/asset/{asset.pk}/change/", ("T-FIELDS-A", "Hỏng màn hình")),
    ):
        page = client.get(url).content.decode()
        fields = [name for name in type(record).PUBLIC_FIELDS if name != "id"]
        assert [name for name in fields if f"field-{name}" not in page] == []
        for value in shown:
            assert value in page, value


def test_a_field_added_to_the_list_lands_in_the_first_admin_section():
    """`declared_fieldsets`: the grouped fields where the sections put them, any other
    declared field (a new one) in the first section in the list's order, never the key."""
    from inventory.admin import declared_fieldsets

    class Record:
        PUBLIC_FIELDS = ("id", "code", "land_area", "brand_new", "notes")

    assert declared_fieldsets(Record, (("Đất", ("land_area", "parcel")), (None, ("notes", "updated_at")))) == (
        (None, {"fields": ("code", "brand_new")}),
        ("Đất", {"fields": ("land_area", "parcel")}),
        (None, {"fields": ("notes", "updated_at")}),
    )
