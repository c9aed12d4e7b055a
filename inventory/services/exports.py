"""Declaration lists in the layout of the declaration forms of Circular 144/2017
(as amended by Circular 48/2023): 04a-ĐK/TSC for houses and land, 04b-ĐK/TSC for cars,
04c-ĐK/TSC for other fixed assets. The column layout follows LEGAL.md; check it against
the official annex (verify).

Every form prints **book values** (nguyên giá, giá trị còn lại theo sổ kế toán), never the
value the system recomputes (LEGAL.md, corrections). Forms 04a–04c state their amounts in
thousand đồng (verify against the annex); the handling request (01/TSC-XLTS) in đồng.
"""

import io
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from inventory import spreadsheets
from inventory.choices import AssetCategory, UnitLevel
from inventory.models import AdministrativeUnit, Asset, House, Premises

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 10  # forms 04: the column headings; the unit's header fields above them
FIRST_ROW = HEADER_ROW + 1
LIST_HEADER_ROW = 5  # the handling request list (01/TSC-XLTS): scope and date only
THOUSAND = Decimal(1000)
THOUSANDS_FORMAT = "#,##0.###"


def thousands(amount):
    """An amount in đồng as thousand đồng (the unit of forms 04a–04c; verify), exact."""
    return None if amount is None else Decimal(amount) / THOUSAND


def _scope(user) -> str:
    return user.admin_unit.name if getattr(user, "admin_unit_id", None) and not user.sees_everything else "Toàn tỉnh"


def _header_fields(user, agency) -> list[str]:
    """The header of forms 04 (verify the labels against the annex): province, superior
    body, the declaring unit with its ĐKTS unit code and unit type. Without one agency
    (a list over several units) the unit's fields stay empty and the scope is named."""
    province = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=settings.PROVINCE_CODE).first()
    scope = _scope(user)
    return [
        f"Tỉnh: {province.name if province else ''}",
        f"Cơ quan quản lý cấp trên: {agency.superior.name if agency and agency.superior_id else ''}",
        f"Cơ quan, tổ chức, đơn vị sử dụng tài sản: {agency.name if agency else f'nhiều đơn vị ({scope})'}",
        f"Mã đơn vị (ĐKTS): {agency.dkts_code if agency else ''}",
        f"Loại hình đơn vị: {agency.get_kind_display() if agency else ''}",
        f"Lập ngày {timezone.localdate():%d/%m/%Y} — đơn vị tính giá trị: nghìn đồng; diện tích: m²",
    ]


def _sheet(title: str, form_code: str, heading: str, user, headers: list[str], agency=None, *, unit_header=True):
    """A form's sheet: its code, heading, header lines and column headings (on
    `HEADER_ROW` with the unit header of forms 04, on `LIST_HEADER_ROW` without it)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    width = len(headers)
    spreadsheets.write(sheet, 1, width, f"Mẫu số {form_code}").font = Font(italic=True)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    spreadsheets.write(sheet, 2, 1, heading).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1).alignment = Alignment(horizontal="center")
    if unit_header:
        header_row = HEADER_ROW
        for row, text in enumerate(_header_fields(user, agency), start=3):
            spreadsheets.write(sheet, row, 1, text)
    else:
        header_row = LIST_HEADER_ROW
        spreadsheets.write(sheet, 3, 1, f"Phạm vi: {_scope(user)} — lập ngày {timezone.localdate():%d/%m/%Y}")
    for col, text in enumerate(headers, start=1):
        cell = spreadsheets.write(sheet, header_row, col, text)
        cell.font, cell.border = Font(bold=True), BOX
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = 14
    sheet.column_dimensions["B"].width = 40
    sheet.row_dimensions[header_row].height = 60
    return workbook, sheet


def _money_columns(sheet, headers: list[str]) -> None:
    """Thousand-đồng columns shown with their decimals (whole đồng kept exact)."""
    for col, text in enumerate(headers, start=1):
        if "nghìn đồng" in text:
            for (cell,) in sheet.iter_rows(min_row=FIRST_ROW, min_col=col, max_col=col):
                cell.number_format = THOUSANDS_FORMAT


def _of_agency(queryset, agency):
    return queryset if agency is None else queryset.filter(agency=agency)


def _finish(workbook, sheet, first_row: int = FIRST_ROW) -> bytes:
    for row in sheet.iter_rows(min_row=first_row, max_row=sheet.max_row):
        for cell in row:
            cell.border = BOX
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_04a(user, agency=None) -> bytes:
    """Houses and land (trụ sở làm việc, cơ sở hoạt động sự nghiệp)."""
    headers = [
        "STT",
        "Tên cơ sở nhà, đất / địa chỉ",
        "Mã",
        "Đơn vị quản lý, sử dụng",
        "Diện tích đất (m²)",
        "Làm trụ sở (m²)",
        "HĐ sự nghiệp (m²)",
        "Làm nhà ở (m²)",
        "Cho thuê (m²)",
        "Bỏ trống (m²)",
        "Bị lấn chiếm (m²)",
        "Khác (m²)",
        "GCN QSDĐ",
        "Cấp hạng nhà",
        "Năm xây dựng",
        "Ngày đưa vào sử dụng",
        "Số tầng",
        "DT xây dựng (m²)",
        "Tổng DT sàn (m²)",
        "Nguyên giá theo sổ kế toán (nghìn đồng)",
        "Giá trị còn lại theo sổ kế toán (nghìn đồng)",
        "Hiện trạng",
        "Ghi chú",
    ]
    workbook, sheet = _sheet(
        "04a-DK-TSC",
        "04a-ĐK/TSC",
        "BÁO CÁO KÊ KHAI TRỤ SỞ LÀM VIỆC, CƠ SỞ HOẠT ĐỘNG SỰ NGHIỆP",
        user,
        headers,
        agency,
    )
    premises = (
        _of_agency(Premises.objects.visible_to(user), agency)
        .select_related("agency")
        .prefetch_related(Prefetch("houses", queryset=House.objects.order_by("id")))
        .order_by("agency__name", "code")
    )
    land_columns = 8  # land area and its use split, then the certificate
    for number, p in enumerate(premises.iterator(chunk_size=2000), start=1):
        # The site: its land (land-use rights are declared here only, never in 04c).
        spreadsheets.append(
            sheet,
            [
                number,
                f"{p.name}\n{p.address}".strip(),
                p.code,
                p.agency.name,
                p.land_area,
                p.land_use_office,
                p.land_use_public_service,
                p.land_use_housing,
                p.land_use_leased,
                p.land_use_vacant,
                p.land_use_encroached,
                p.land_use_other,
                p.land_certificate,
                None,
                None,
                None,
                None,
                None,
                None,
                thousands(p.land_value),
                thousands(p.land_value),  # land is not worn
                p.get_status_display(),
                p.notes[:200],
            ],
        )
        # Its houses, one row each, under it.
        for index, h in enumerate(p.houses.all(), start=1):
            spreadsheets.append(
                sheet,
                [
                    f"{number}.{index}",
                    h.name or f"Nhà {index}",
                    "",
                    "",
                    *([None] * land_columns),
                    "",
                    h.get_building_grade_display(),
                    h.year_built,
                    h.in_use_date,
                    h.floors,
                    h.footprint_area,
                    h.floor_area,
                    thousands(h.original_cost),
                    thousands(h.book_remaining_value),
                    h.get_condition_display(),
                    h.notes[:200],
                ],
            )
    _money_columns(sheet, headers)
    return _finish(workbook, sheet)


def form_04b(user, agency=None) -> bytes:
    """Cars (xe ô tô), whatever their cost; only cars."""
    headers = [
        "STT",
        "Tên tài sản",
        "Mã",
        "Biển kiểm soát",
        "Số chỗ ngồi",
        "Năm đưa vào sử dụng",
        "Nguyên giá theo sổ kế toán (nghìn đồng)",
        "Giá trị còn lại theo sổ kế toán (nghìn đồng)",
        "Đơn vị sử dụng",
        "Tình trạng",
        "Ghi chú",
    ]
    workbook, sheet = _sheet("04b-DK-TSC", "04b-ĐK/TSC", "BÁO CÁO KÊ KHAI XE Ô TÔ", user, headers, agency)
    cars = _of_agency(Asset.objects.visible_to(user).cars(), agency)
    for number, a in enumerate(
        cars.select_related("agency").order_by("agency__name", "code").iterator(chunk_size=2000), start=1
    ):
        spreadsheets.append(
            sheet,
            [
                number,
                a.name,
                a.code,
                a.plate_number,
                a.seats,
                a.in_use_date.year if a.in_use_date else None,
                thousands(a.original_cost),
                thousands(a.book_remaining_value),
                a.agency.name,
                a.get_condition_display(),
                a.notes[:200],
            ],
        )
    _money_columns(sheet, headers)
    return _finish(workbook, sheet)


def form_04c_assets(user, agency=None):
    """What form 04c lists: fixed assets other than houses, cars and land-use rights, of
    original cost (as booked) at or above `FORM_04C_THRESHOLD_VND` per asset unit."""
    assets = (
        Asset.objects.visible_to(user)
        .exclude(asset_class__category=AssetCategory.BUILDING)
        .cars(False)
        .land_use_rights(False)
        .cost_per_unit_at_least(Decimal(settings.FORM_04C_THRESHOLD_VND))
    )
    return _of_agency(assets, agency)


def form_04c(user, agency=None) -> bytes:
    """Other fixed assets over the threshold (not houses, land-use rights or cars)."""
    headers = [
        "STT",
        "Tên tài sản",
        "Mã",
        "Loại tài sản",
        "Đơn vị tính",
        "Số lượng",
        "Năm đưa vào sử dụng",
        "Nguyên giá theo sổ kế toán (nghìn đồng)",
        "Giá trị còn lại theo sổ kế toán (nghìn đồng)",
        "Đơn vị sử dụng",
        "Nơi đặt (cơ sở nhà, đất)",
        "Tình trạng",
        "Ghi chú",
    ]
    workbook, sheet = _sheet("04c-DK-TSC", "04c-ĐK/TSC", "BÁO CÁO KÊ KHAI TÀI SẢN CỐ ĐỊNH KHÁC", user, headers, agency)
    assets = (
        form_04c_assets(user, agency)
        .select_related("asset_class", "agency", "premises")
        .order_by("agency__name", "code")
    )
    for number, a in enumerate(assets.iterator(chunk_size=2000), start=1):
        spreadsheets.append(
            sheet,
            [
                number,
                a.name,
                a.code,
                a.asset_class.name,
                a.unit_of_measure,
                a.quantity,
                a.in_use_date.year if a.in_use_date else None,
                thousands(a.original_cost),
                thousands(a.book_remaining_value),
                a.agency.name,
                a.premises.name if a.premises_id else "",
                a.get_condition_display(),
                a.notes[:200],
            ],
        )
    _money_columns(sheet, headers)
    return _finish(workbook, sheet)


# Form 01's amounts grouped by thousands as officials write them (Excel shows the
# separators of the reader's locale: 1.234.567.890 on a Vietnamese Windows); the year
# column stays a plain number ("2008").
FORM_01_NUMBER_FORMATS = {7: "#,##0", 8: "#,##0", 9: "#,##0.00", 10: "#,##0.00"}
def _book(record) -> tuple:
    """Original cost and book remaining value of a handling line, prorated to its part:
    the same figures on every handling document (`handling_documents.line_values`)."""
    from inventory.services.handling_documents import line_values

    values = line_values(record)
    return values["original_cost"], values["book_value"]


def form_01_xlts(records, user) -> bytes:
    """Request for a decision on handling (đề nghị xử lý tài sản), form 01/TSC-XLTS:
    one row per premises or asset line, with land and floor area for houses and land
    and the current and intended use (for a change of function)."""
    headers = [
        "STT",
        "Tên tài sản",
        "Loại tài sản",
        "Đơn vị tính",
        "Số lượng",
        "Năm đưa vào sử dụng",
        "Nguyên giá theo sổ kế toán (đồng)",
        "Giá trị còn lại theo sổ kế toán (đồng)",
        "Diện tích đất (m²)",
        "Diện tích sàn (m²)",
        "Hình thức xử lý",
        "Lý do",
        "Hiện trạng sử dụng",
        "Mục đích sử dụng sau xử lý",
        "Đơn vị tiếp nhận",
        "Ghi chú",
    ]
    workbook, sheet = _sheet(
        "01-TSC-XLTS", "01/TSC-XLTS", "DANH MỤC TÀI SẢN ĐỀ NGHỊ XỬ LÝ", user, headers, unit_header=False
    )
    row = LIST_HEADER_ROW + 1
    for number, record in enumerate(records, start=1):
        if record.premises_id:
            p = record.premises
            share = (record.floor_area / p.floor_area) if record.floor_area and p.floor_area else None
            values = [
                number,
                f"{p.name} ({p.code}) — {p.address}",
                "Nhà, đất",
                "cơ sở",
                1,
                p.in_use_date.year if p.in_use_date else None,
                *_book(record),
                None if share else p.land_area,
                record.floor_area if share else p.floor_area,
            ]
        else:
            a = record.asset
            share = Decimal(record.quantity) / a.quantity if record.quantity else None
            values = [
                number,
                f"{a.name} ({a.code})",
                a.asset_class.name,
                a.unit_of_measure,
                record.quantity or a.quantity,
                a.in_use_date.year if a.in_use_date else None,
                *_book(record),
                None,
                None,
            ]
        values += [
            record.form.name,
            f"{record.reason.name} ({record.reason.legal_basis})" if record.reason_id else "",
            record.current_use,
            record.intended_use,
            str(record.receiving_agency) if record.receiving_agency_id else "",
            ("Một phần diện tích sàn" if record.floor_area else "") + (f" {record.basis}" if record.basis else ""),
        ]
        for col, value in enumerate(values, start=1):
            cell = spreadsheets.write(sheet, row, col, value)
            if col in FORM_01_NUMBER_FORMATS:
                cell.number_format = FORM_01_NUMBER_FORMATS[col]
        row += 1
    return _finish(workbook, sheet, LIST_HEADER_ROW + 1)
