"""The weekly return as an .xlsx workbook in the layout officials use: one table with
Vietnamese headings (số thứ tự, chỉ tiêu, tuần này, tuần trước, tăng/giảm), then the
sites counted in each row, so that every figure can be checked site by site."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from inventory import spreadsheets
from inventory.choices import ReturnUse
from inventory.weekly import ROWS, table_rows

TITLE = "BÁO CÁO TÌNH HÌNH SẮP XẾP LẠI, XỬ LÝ NHÀ, ĐẤT DÔI DƯ (Công điện 213/CĐ-TTg)"
HEADINGS = ("STT", "Chỉ tiêu", "Tuần này", "Tuần trước", "Tăng (+) / giảm (−)")
# The official Vietnamese wording of each row, whatever the user's language.
LABELS_VI = {
    "total": "Tổng số cơ sở nhà, đất dôi dư",
    "processed_total": "Số cơ sở đã xử lý (lũy kế)",
    ReturnUse.HEALTH: "— Y tế",
    ReturnUse.EDUCATION: "— Giáo dục, đào tạo",
    ReturnUse.CULTURE_SPORTS: "— Văn hóa, thể thao",
    ReturnUse.COMMUNE_POLICE: "— Công an xã",
    ReturnUse.OFFICE: "— Trụ sở làm việc",
    ReturnUse.OTHER: "— Mục đích khác",
    "partly_surplus": "Số cơ sở dôi dư một phần (chưa xử lý xong)",
    "remaining": "Số cơ sở còn lại chưa xử lý",
    "without_plan": "Trong đó: chưa có phương án được phê duyệt",
}
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _sites(figures, key):
    if key in ReturnUse.values:
        return figures["processed"][key]["sites"]
    value = figures.get(key)
    return value["sites"] if isinstance(value, dict) else []


def weekly_workbook(figures: dict, frozen) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo tuần"
    spreadsheets.append(sheet, [TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    cutoff = figures["cutoff"][:16].replace("T", " ")
    spreadsheets.append(sheet, [f"Tuần {figures['week']} — số liệu tính đến {cutoff}"])
    if frozen is not None:
        who = frozen.issued_by.get_full_name() or frozen.issued_by.username
        state = f"Đã ban hành (số liệu chốt) bởi {who} lúc {frozen.issued_at:%d/%m/%Y %H:%M}"
    else:
        state = "Số liệu tạm tính, chưa ban hành"
    spreadsheets.append(sheet, [state])
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, list(HEADINGS))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for number, key, _label, now, before, change in table_rows(figures):
        spreadsheets.append(sheet, [number, LABELS_VI[key], now, before, change])
        for cell in sheet[sheet.max_row]:
            cell.border = BOX
    for column, width in zip("ABCDE", (8, 55, 12, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width

    detail = workbook.create_sheet("Danh sách cơ sở")
    spreadsheets.append(detail, ["Chỉ tiêu", "Mã cơ sở", "Tên cơ sở"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for _number, key in ROWS:
        if key in ("total", "processed_total"):
            continue
        for site in _sites(figures, key):
            spreadsheets.append(detail, [LABELS_VI[key].lstrip("— "), site["code"], site["name"]])
    detail.column_dimensions["A"].width = 45
    detail.column_dimensions["B"].width = 20
    detail.column_dimensions["C"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
