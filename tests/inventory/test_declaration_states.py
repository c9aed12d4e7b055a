"""States users create around a declaration that the happy path never builds: a draft
started while another declaration is under review, two communes choosing the same
code for a new record, a code of a deleted record, a code of another commune's record
named in a row, a change to a record whose earlier change was already approved."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from inventory.choices import DeclarationStatus, ItemAction, ItemStatus, ItemTarget, Role
from inventory.forms import AssetForm, PremisesForm
from inventory.models import Asset, Declaration, DeclarationItem, Premises
from inventory.services import declarations as services
from inventory.services import declared_values, deletion, excel
from tests import factories
from tests.inventory.test_declarations import asset_data, declare, premises_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


@pytest.fixture
def reviewer(demo_user):
    return demo_user("demo-finance")


@pytest.fixture
def other_declarant():
    """The declarant of another commune, with an agency of its own."""
    unit = factories.unit("Xã Nghi Lộc")
    agency = factories.agency(unit)
    user = factories.user(role=Role.DECLARANT, admin_unit=unit, agency=agency)
    return user


# -- a draft beside a declaration under review ---------------------------------------------


def submitted_with_a_draft_beside(declarant):
    """Declaration A submitted (a new premises waiting), then draft B started."""
    first = declare(declarant, PremisesForm, premises_data(declarant, name="Trụ sở chờ duyệt"))
    submitted = services.submit(declarant, first.declaration)
    assert submitted.status == DeclarationStatus.SUBMITTED
    premises = Premises.objects.visible_to(declarant).first()
    drafted = declare(declarant, AssetForm, asset_data(declarant, premises=premises.code, name="Máy in mới"))
    assert drafted.declaration_id != submitted.pk
    return submitted, first, drafted


def test_finance_returns_a_declaration_while_the_agency_has_a_draft(declarant, reviewer):
    submitted, first, drafted = submitted_with_a_draft_beside(declarant)
    draft_pk = drafted.declaration_id

    services.review_declaration(reviewer, submitted, approve=False, comment="Thiếu giấy chứng nhận")

    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.RETURNED
    # One open declaration: the returned one, holding the draft's item as it was.
    drafted.refresh_from_db()
    assert drafted.declaration_id == submitted.pk
    assert drafted.status == ItemStatus.DRAFT and drafted.payload["name"] == "Máy in mới"
    assert not Declaration.objects.filter(pk=draft_pk).exists()
    open_ones = Declaration.objects.filter(agency=submitted.agency, status__in=["draft", "returned"])
    assert list(open_ones) == [submitted]
    first.refresh_from_db()
    assert first.status == ItemStatus.RETURNED
    # The declarant is told, corrects, resubmits: both items go for review / take effect.
    assert declarant.notifications.filter(message__contains=f"no. {draft_pk}").exists()
    services.propose(declarant, ItemTarget.PREMISES, {**first.payload, "land_area": "1300"})
    services.submit(declarant, submitted)
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert Asset.objects.filter(code=drafted.code).exists()  # small asset: in effect on submission


def test_the_return_page_works_while_the_agency_has_a_draft(client_as, declarant):
    submitted, _first, _drafted = submitted_with_a_draft_beside(declarant)
    client = client_as("demo-finance")
    response = client.post(
        f"/declarations/{submitted.pk}/review/",
        {"decision": "return", "comment": "Bổ sung hồ sơ", "version": submitted.version},
    )
    assert response.status_code in (200, 302)
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.RETURNED


def test_finance_approves_while_the_agency_has_a_draft(declarant, reviewer):
    submitted, first, drafted = submitted_with_a_draft_beside(declarant)
    services.review_declaration(reviewer, submitted, approve=True)
    submitted.refresh_from_db()
    drafted.refresh_from_db()
    assert submitted.status == DeclarationStatus.APPROVED
    assert Premises.objects.filter(code=first.code).exists()
    assert drafted.declaration.status == DeclarationStatus.DRAFT  # untouched


def test_a_record_changed_and_approved_can_be_changed_again_in_the_returned_declaration(declarant, reviewer):
    """A returned declaration holding an approved change to a record takes a new change
    to the same record (the approved item stays as it was)."""
    premises = Premises.objects.visible_to(declarant).filter(is_demo=True).first()

    changed = services.propose(
        declarant,
        ItemTarget.PREMISES,
        {**declared_values.to_payload(premises, "premises"), "notes": "Sửa mái"},
        record=premises,
    )
    new = declare(declarant, PremisesForm, premises_data(declarant, name="Trụ sở trả lại"))
    declaration = services.submit(declarant, changed.declaration)
    services.review_item(reviewer, changed, approve=True)
    services.review_item(reviewer, new, approve=False, comment="Sai vị trí")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED
    premises.refresh_from_db()
    again = services.propose(
        declarant,
        ItemTarget.PREMISES,
        {**declared_values.to_payload(premises, "premises"), "notes": "Sửa cửa"},
        record=premises,
    )
    assert again.declaration_id == declaration.pk and again.pk != changed.pk
    changed.refresh_from_db()
    assert changed.status == ItemStatus.APPROVED and changed.payload["notes"] == "Sửa mái"
    assert premises.notes == "Sửa mái"


# -- one code, one new record ------------------------------------------------------------------


def test_two_communes_cannot_both_declare_the_same_new_code(declarant, other_declarant, reviewer):
    first = declare(declarant, PremisesForm, premises_data(declarant, code="TS-CHUNG-01"))
    form = PremisesForm(
        premises_data(
            other_declarant,
            code="TS-CHUNG-01",
            location="SRID=4326;POINT(105.70 18.80)",
            confirm_location="on",
        ),
        user=other_declarant,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError, match="already being declared"):
        services.propose(other_declarant, ItemTarget.PREMISES, form.payload)
    assert DeclarationItem.objects.filter(code="TS-CHUNG-01").count() == 1
    # The first one goes through review to the end.
    services.submit(declarant, first.declaration)
    services.review_declaration(reviewer, first.declaration, approve=True)
    assert Premises.objects.filter(code="TS-CHUNG-01").count() == 1


def test_the_database_holds_one_undecided_new_record_per_code(declarant, other_declarant):
    first = declare(declarant, PremisesForm, premises_data(declarant, code="TS-CHUNG-02"))
    other_declaration = services.open_declaration(other_declarant, other_declarant.agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclarationItem.objects.create(
            declaration=other_declaration,
            target=ItemTarget.PREMISES,
            action=ItemAction.CREATE,
            code=first.code,
            payload=first.payload,
        )


def test_the_code_of_a_deleted_record_is_not_given_again(declarant, reviewer):
    premises = factories.premises(agency=declarant.agency, code="TS-DA-XOA")
    deletion.soft_delete(reviewer, premises, "Nhập trùng")
    with pytest.raises(ValidationError, match="exists already"):
        declare(declarant, PremisesForm, premises_data(declarant, code="TS-DA-XOA"))


def test_an_approval_onto_a_code_taken_meanwhile_is_a_clear_error_and_can_be_returned(declarant, reviewer):
    item = declare(declarant, PremisesForm, premises_data(declarant, code="TS-TRUNG-03"))
    declaration = services.submit(declarant, item.declaration)
    # A record with that code appears by another path (an administrator, an import).
    factories.premises(code="TS-TRUNG-03")
    with pytest.raises(ValidationError, match="Return the item"):
        services.review_declaration(reviewer, declaration, approve=True)
    services.review_declaration(reviewer, declaration, approve=False, comment="Đổi mã")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED


# -- codes of other units' records --------------------------------------------------------------


def workbook_with_asset_row(user, **values) -> bytes:
    book = load_workbook(io.BytesIO(excel.template(user)))
    sheet = book["Tài sản"]
    headings = {c.value: c.column for c in sheet[1]}
    row = sheet.max_row + 1
    for heading, value in values.items():
        sheet.cell(row, headings[excel.header(ItemTarget.ASSET, heading)]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_asset_row_cannot_put_an_asset_into_another_communes_premises(declarant):
    foreign = Premises.objects.exclude(agency__admin_unit=declarant.admin_unit).first()
    content = workbook_with_asset_row(
        declarant,
        name="Máy tính xách tay",
        asset_class="MMTB-CNTT",
        premises=foreign.code,
        quantity=1,
        original_cost=15_000_000,  # under the approval threshold: it would take effect at once
        in_use_date="01/01/2024",
        condition="Tốt",
        status="Đang sử dụng",
    )
    assets = foreign.assets.count()
    items = DeclarationItem.objects.count()
    result = excel.import_workbook(declarant, SimpleUploadedFile("k.xlsx", content), keep_valid_rows=True)
    assert any("Unknown code" in e.message and foreign.code in e.message for e in result.errors)
    assert DeclarationItem.objects.count() == items
    assert foreign.assets.count() == assets


def test_a_declared_change_cannot_name_another_communes_premises(declarant):
    foreign = Premises.objects.exclude(agency__admin_unit=declarant.admin_unit).first()
    payload = {
        "name": "Máy chiếu",
        "asset_class": "MMTB-CNTT",
        "agency": declarant.agency.code,
        "premises": foreign.code,
        "quantity": 1,
        "original_cost": "12000000",
        "in_use_date": "2024-01-01",
        "code": "TSAN-THU-NGOAI",
    }
    with pytest.raises(ValidationError, match="Unknown code"):
        services.propose(declarant, ItemTarget.ASSET, payload)
    form = AssetForm(asset_data(declarant, premises=foreign.code), user=declarant)
    assert not form.is_valid() and "premises" in form.errors
