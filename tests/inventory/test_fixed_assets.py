"""Fixed assets one by one (issue 12, item 1): a fixed asset is one record, a row of
twelve computers becomes twelve records, approval is judged per unit, and the migration
splits existing lines keeping totals and history."""

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import translation
from openpyxl import load_workbook

from inventory.choices import AssetStatus, DeclarationStatus, ItemStatus, NeedKind, NeedStatus
from inventory.forms import FORMS
from inventory.models import Asset, AssetClass, DeclarationItem, FixedAssetCriteria, HandlingRecord, Need, Premises
from inventory.services import declarations as services
from inventory.services import excel
from maps.reallocation import asset_candidates
from tests import factories

pytestmark = pytest.mark.django_db

split_migration = importlib.import_module("inventory.migrations.0014_fixed_assets_one_by_one")


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def _column(sheet, heading: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == heading)


def _upload_rows(declarant, rows: list[dict]):
    """Add rows to the asset sheet of the user's template, upload it and submit."""
    book = load_workbook(io.BytesIO(excel.template(declarant)))
    sheet = book["Tài sản"]
    premises_code = Premises.objects.visible_to(declarant).order_by("code").first().code
    for values in rows:
        row = sheet.max_row + 1
        values = {
            "Cơ sở nhà, đất": premises_code,
            "Đơn vị tính": "chiếc",
            "Ngày đưa vào sử dụng": dt.date(2025, 3, 1),
            "Tình trạng": "Tốt",
            "Trạng thái": "Đang sử dụng",
            **values,
        }
        for heading, value in values.items():
            sheet.cell(row, _column(sheet, heading)).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    result = excel.import_workbook(declarant, SimpleUploadedFile("ke-khai.xlsx", buffer.getvalue()))
    assert result.errors == [], [str(e) for e in result.errors]
    return services.submit(declarant, DeclarationItem.objects.get(pk=_last_item_pk()).declaration)


def _last_item_pk():
    return DeclarationItem.objects.order_by("-pk").values_list("pk", flat=True).first()


def test_criteria_are_seeded_as_dated_data_marked_verify():
    row = FixedAssetCriteria.objects.get(effective_from=2023)
    assert row.min_useful_life_years == 1
    assert row.min_unit_cost == Decimal(10_000_000)
    assert set(row.categories_any_value) == {"building", "structure"}
    assert "QSDD" in row.classes_any_value
    assert "23/2023" in row.legal_basis and row.verify


def test_twelve_computers_in_one_excel_row_become_twelve_assets_without_approval(declarant):
    # 12 computers of 15,000,000 each: the row's original cost is the whole row's, 180,000,000.
    declaration = _upload_rows(
        declarant,
        [
            {
                "Mã": "T-MT-12",
                "Tên": "Máy vi tính để bàn",
                "Loại tài sản": "MMTB-CNTT",
                "Số lượng": 12,
                "Nguyên giá (đồng)": 180_000_000,
            }
        ],
    )
    assert declaration.status == DeclarationStatus.APPROVED  # nothing waited for approval
    item = declaration.items.get(code="T-MT-12")
    assert item.requires_approval is False and item.status == ItemStatus.APPLIED
    group = Asset.objects.filter(group_code="T-MT-12").order_by("code")
    expected_codes = ["T-MT-12"] + [f"T-MT-12-{n:02d}" for n in range(2, 13)]
    assert list(group.values_list("code", flat=True)) == expected_codes
    assert set(group.values_list("quantity", flat=True)) == {1}
    assert set(group.values_list("original_cost", flat=True)) == {Decimal(15_000_000)}
    assert all(group.values_list("is_fixed_asset", flat=True))
    assert item.asset.code == "T-MT-12"


def test_a_row_whose_cost_does_not_divide_puts_the_remainder_on_the_last(declarant):
    _upload_rows(
        declarant,
        [
            {
                "Mã": "T-MAY-3",
                "Tên": "Máy phát điện",
                "Loại tài sản": "MMTB-CD",
                "Số lượng": 3,
                "Nguyên giá (đồng)": 100_000_001,
            }
        ],
    )
    costs = list(Asset.objects.filter(group_code="T-MAY-3").order_by("code").values_list("original_cost", flat=True))
    assert costs == [Decimal(33_333_333), Decimal(33_333_333), Decimal(33_333_335)]


def test_a_600_million_machine_needs_approval(declarant):
    declaration = _upload_rows(
        declarant,
        [
            {
                "Mã": "T-MAY-600",
                "Tên": "Máy chuyên dùng",
                "Loại tài sản": "MMTB-CD",
                "Số lượng": 1,
                "Nguyên giá (đồng)": 600_000_000,
            }
        ],
    )
    item = declaration.items.get(code="T-MAY-600")
    assert item.requires_approval is True and item.status == ItemStatus.PENDING
    assert not Asset.objects.filter(code="T-MAY-600").exists()


def test_two_machines_of_300_million_in_one_row_need_no_approval(declarant):
    # 600,000,000 for the row is 300,000,000 per unit: below the threshold.
    declaration = _upload_rows(
        declarant,
        [
            {
                "Mã": "T-MAY-2X300",
                "Tên": "Máy chuyên dùng",
                "Loại tài sản": "MMTB-CD",
                "Số lượng": 2,
                "Nguyên giá (đồng)": 600_000_000,
            }
        ],
    )
    assert declaration.items.get(code="T-MAY-2X300").requires_approval is False
    assert Asset.objects.filter(group_code="T-MAY-2X300").count() == 2


def test_a_structure_of_100_million_needs_no_approval(declarant):
    declaration = _upload_rows(
        declarant,
        [
            {
                "Mã": "T-TUONG",
                "Tên": "Tường rào",
                "Loại tài sản": "VKT-TUONG",
                "Số lượng": 1,
                "Nguyên giá (đồng)": 100_000_000,
            }
        ],
    )
    item = declaration.items.get(code="T-TUONG")
    assert item.requires_approval is False and item.status == ItemStatus.APPLIED
    assert Asset.objects.get(code="T-TUONG").is_fixed_asset  # a structure whatever its value


def test_tools_stay_one_line_with_their_quantity(declarant):
    # 30 chairs for 60,000,000: 2,000,000 each, under 10,000,000: not fixed assets.
    _upload_rows(
        declarant,
        [
            {
                "Mã": "T-GHE-30",
                "Tên": "Ghế hội trường",
                "Loại tài sản": "MMTB-NT",
                "Số lượng": 30,
                "Nguyên giá (đồng)": 60_000_000,
                "Đơn vị tính": "chiếc",
            }
        ],
    )
    line = Asset.objects.get(code="T-GHE-30")
    assert line.quantity == 30 and not line.is_fixed_asset and line.group_code == ""
    assert not Asset.objects.filter(code__startswith="T-GHE-30-").exists()


def test_quantity_over_one_on_a_fixed_asset_is_refused_with_the_message():
    computer = factories.asset(original_cost=Decimal(20_000_000), quantity=1)
    computer.quantity = 2
    computer.original_cost = Decimal(40_000_000)
    with pytest.raises(ValidationError) as refused:
        computer.full_clean()
    assert refused.value.message_dict["quantity"] == [
        "A fixed asset is one record (Circular 23/2023 Art. 5.2.a): its quantity must be 1. Several identical "
        "fixed assets declared as one new row become one record each; only tools and instruments that are not "
        "fixed assets stay a line with a quantity."
    ]
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused_vi:
            computer.full_clean()
        assert refused_vi.value.message_dict["quantity"][0].startswith(
            "Mỗi tài sản cố định là một bản ghi (Thông tư 23/2023, Điều 5.2.a): số lượng phải là 1."
        )
    # PostgreSQL refuses it too, whatever writes it; nothing changed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=computer.pk).update(quantity=2)
    computer.refresh_from_db()
    assert computer.quantity == 1 and computer.original_cost == Decimal(20_000_000)


def test_changing_an_existing_fixed_asset_to_a_quantity_is_refused(declarant):
    computer = factories.asset(agency=declarant.agency, code="T-MT-ONE")
    form = FORMS["asset"](
        factories.record_form_data(computer, "asset", quantity=5, original_cost=100_000_000),
        user=declarant,
        record=computer,
    )
    assert not form.is_valid()
    assert form.errors["quantity"][0].startswith("A fixed asset is one record")
    assert not DeclarationItem.objects.filter(code="T-MT-ONE").exists()


def _legacy_line(code: str, quantity: int, cost: int, agency, declared: int | None = None) -> Asset:
    """A line as the register held it before fixed assets were one by one: created as
    one item, later given its quantity (written past the model, as old data was)."""
    line = factories.asset(code=code, agency=agency, original_cost=Decimal(cost // quantity), quantity=1)
    Asset.objects.filter(pk=line.pk).update(
        quantity=quantity, original_cost=cost, book_remaining_value=declared, is_fixed_asset=False
    )
    return line


def test_the_split_migration_keeps_totals_codes_and_history():
    agency = factories.agency()
    first = _legacy_line("T-LINE-A", 3, 100_000_001, agency, declared=90_000_002)
    second = _legacy_line("T-LINE-B", 2, 50_000_000, agency)
    factories.asset(code="T-LINE-A-02", agency=agency, original_cost=Decimal(12_000_000))  # a code already taken
    before = Asset.objects.filter(agency=agency).aggregate(cost=Sum("original_cost"), items=Sum("quantity"))
    assert before == {"cost": Decimal(100_000_001 + 50_000_000 + 12_000_000), "items": 6}

    split = split_migration.split_fixed_asset_lines(apps, asset_ids=[first.pk, second.pk])

    assert split == 2
    after = Asset.objects.filter(agency=agency).aggregate(cost=Sum("original_cost"), items=Sum("quantity"))
    assert after == before
    group_a = Asset.objects.filter(group_code="T-LINE-A").order_by("pk")
    assert list(group_a.values_list("code", "quantity", "original_cost", "book_remaining_value")) == [
        ("T-LINE-A", 1, Decimal(33_333_333), Decimal(30_000_000)),
        ("T-LINE-A-03", 1, Decimal(33_333_333), Decimal(30_000_000)),
        ("T-LINE-A-04", 1, Decimal(33_333_335), Decimal(30_000_002)),
    ]
    assert group_a.first().pk == first.pk  # the line's row is the first asset
    assert list(Asset.objects.filter(group_code="T-LINE-B").values_list("original_cost", flat=True)) == [
        Decimal(25_000_000),
        Decimal(25_000_000),
    ]
    # The history of the original row still shows its life as a line of three.
    events = first.events.order_by("pgh_id")
    assert [(e.quantity, e.original_cost) for e in events] == [
        (1, Decimal(33_333_333)),
        (3, Decimal(100_000_001)),
        (1, Decimal(33_333_333)),
    ]
    assert events.last().group_code == "T-LINE-A"


def test_the_migration_leaves_tool_lines_and_single_assets_alone():
    chairs = factories.asset(
        code="T-GHE",
        asset_class=AssetClass.objects.get(code="MMTB-NT"),
        quantity=20,
        original_cost=Decimal(40_000_000),
    )
    single = factories.asset(code="T-ONE", original_cost=Decimal(20_000_000))
    assert split_migration.split_fixed_asset_lines(apps, asset_ids=[chairs.pk, single.pk]) == 0
    chairs.refresh_from_db()
    assert chairs.quantity == 20 and not chairs.is_fixed_asset
    assert Asset.objects.filter(code__startswith="T-GHE-").count() == 0


def test_demo_data_holds_fixed_assets_one_by_one_and_some_tool_lines():
    assert not Asset.objects.filter(is_fixed_asset=True, quantity__gt=1).exists()
    assert Asset.objects.filter(is_fixed_asset=False, quantity__gt=1).exists()
    assert Asset.objects.exclude(group_code="").filter(is_fixed_asset=True).exists()


def _surplus_group(code: str, count: int, *, agency, premises, cost=Decimal(15_000_000)) -> list[Asset]:
    return [
        factories.asset(
            code=code if n == 1 else f"{code}-{n:02d}",
            group_code=code,
            agency=agency,
            premises=premises,
            status=AssetStatus.SURPLUS,
            original_cost=cost,
        )
        for n in range(1, count + 1)
    ]


def test_reallocation_offers_a_group_of_fixed_assets_and_proposes_some_of_it(client_as):
    computers = AssetClass.objects.get(code="MMTB-CNTT")
    holder = factories.premises()
    group = _surplus_group("T-GRP", 5, agency=holder.agency, premises=holder)
    need = factories.need(kind=NeedKind.ASSET, floor_area=None, asset_class=computers, quantity=3)

    found = asset_candidates(need, queryset=Asset.objects.filter(code__startswith="T-GRP"))
    assert [(c.record.code, c.available, c.covers) for c in found] == [("T-GRP", Decimal(5), True)]

    client = client_as("demo-finance")
    client.post(
        f"/maps/reallocation/{need.pk}/propose/",
        {"kind": "asset", "supply": group[0].pk, "part": "1", "amount": "3"},
    )
    records = HandlingRecord.objects.filter(need=need).order_by("asset__code")
    assert [r.asset.code for r in records] == ["T-GRP", "T-GRP-02", "T-GRP-03"]
    assert all(r.quantity is None for r in records)  # each record is a whole asset
    statuses = dict(Asset.objects.filter(group_code="T-GRP").values_list("code", "status"))
    assert statuses == {
        "T-GRP": AssetStatus.PENDING_HANDLING,
        "T-GRP-02": AssetStatus.PENDING_HANDLING,
        "T-GRP-03": AssetStatus.PENDING_HANDLING,
        "T-GRP-04": AssetStatus.SURPLUS,
        "T-GRP-05": AssetStatus.SURPLUS,
    }
    assert Need.objects.get(pk=need.pk).status == NeedStatus.RESERVED


def test_reallocation_of_a_group_with_nothing_asked_changes_nothing(client_as):
    holder = factories.premises()
    group = _surplus_group("T-GRP0", 2, agency=holder.agency, premises=holder)
    need = factories.need(
        kind=NeedKind.ASSET, floor_area=None, asset_class=AssetClass.objects.get(code="MMTB-CNTT"), quantity=2
    )
    response = client_as("demo-finance").post(
        f"/maps/reallocation/{need.pk}/propose/",
        {"kind": "asset", "supply": group[0].pk, "part": "1", "amount": "-1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert any("No asset of this group" in str(m) for m in response.context["messages"])
    assert not HandlingRecord.objects.filter(need=need).exists()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_the_api_shows_and_filters_the_group_code(client_as):
    holder = factories.premises(admin_unit=factories.unit())
    _surplus_group("T-APIG", 3, agency=holder.agency, premises=holder)
    rows = client_as("demo-finance").get("/api/v1/assets/", {"group_code": "T-APIG", "format": "json"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert sorted((r["code"], r["group_code"], r["is_fixed_asset"]) for r in rows) == [
        ("T-APIG", "T-APIG", True),
        ("T-APIG-02", "T-APIG", True),
        ("T-APIG-03", "T-APIG", True),
    ]


def test_the_template_says_the_cost_column_is_the_whole_rows(declarant):
    sheet = load_workbook(io.BytesIO(excel.template(declarant)))["Tài sản"]
    cost = sheet.cell(1, _column(sheet, "Nguyên giá (đồng)"))
    assert cost.comment is not None and cost.comment.text.startswith("Nguyên giá của cả dòng")


def test_the_api_filters_fixed_assets_from_tool_lines(client_as):
    holder = factories.premises(admin_unit=factories.unit())
    _surplus_group("T-APIF", 2, agency=holder.agency, premises=holder)
    factories.asset(
        code="T-APIF-GHE",
        agency=holder.agency,
        premises=holder,
        asset_class=AssetClass.objects.get(code="MMTB-NT"),
        quantity=20,
        original_cost=Decimal(40_000_000),
    )
    client = client_as("demo-finance")

    def codes(flag):
        rows = client.get("/api/v1/assets/", {"q": "T-APIF", "is_fixed_asset": flag, "format": "json"}).json()
        return sorted(r["code"] for r in (rows["results"] if isinstance(rows, dict) else rows))

    assert codes("true") == ["T-APIF", "T-APIF-02"]
    assert codes("false") == ["T-APIF-GHE"]
    assert client.get("/api/v1/assets/", {"is_fixed_asset": "maybe"}).status_code == 400


def test_load_reference_data_puts_back_missing_criteria_and_keeps_edited_ones():
    from inventory.reference_data import load_province

    FixedAssetCriteria.objects.filter(effective_from=2023).update(min_unit_cost=30_000_000)
    load_province("40")
    assert FixedAssetCriteria.objects.get(effective_from=2023).min_unit_cost == Decimal(30_000_000)  # kept
    FixedAssetCriteria.objects.all().delete()
    load_province("40")
    assert FixedAssetCriteria.objects.get(effective_from=2023).min_unit_cost == Decimal(10_000_000)


def test_criteria_edited_in_the_admin_apply_to_assets_saved_after(client_as):
    FixedAssetCriteria.objects.filter(effective_from=2023).update(min_unit_cost=30_000_000)
    computer = factories.asset(original_cost=Decimal(20_000_000))
    assert not computer.is_fixed_asset  # 20,000,000 is under the edited 30,000,000
    criteria = FixedAssetCriteria.objects.get()
    page = client_as("demo-admin").get(f"/admin/inventory/fixedassetcriteria/{criteria.pk}/change/")
    assert page.status_code == 200 and "10000000" not in page.content.decode()
    assert "30000000" in page.content.decode()
