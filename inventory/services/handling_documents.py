"""The documents of the handling procedure as .docx (officials edit them in Word): the
request (form 01/TSC-XLTS), the decision and the hand-over record (form 02/TSC-BBGN).
Every document prints **book** values (`handling.book_value`), prorated for a part of
a building or of a line the same way (`handling.prorated`), through `line_values`."""

import io
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from inventory.services.handling import book_value, prorated

# Form numbers of Decree 186/2025's appendix (LEGAL.md, "Corrections found by checking").
REQUEST_FORM = "01/TSC-XLTS"
HANDOVER_FORM = "02/TSC-BBGN"
LINE_HEADERS = [
    "STT",
    "Tên tài sản",
    "Đơn vị tính",
    "Số lượng / diện tích",
    "Nguyên giá (đồng)",
    "Giá trị còn lại theo sổ kế toán (đồng)",
    "Hình thức xử lý",
    "Lý do",
    "Đơn vị tiếp nhận",
]


def line_values(record) -> dict:
    """What every document prints for a line: its name, unit and amount, and its book
    values (original cost and remaining value) prorated to the part handled."""
    subject = record.subject
    if record.premises_id:
        name = f"{subject.name} ({subject.code})" + (f" — {subject.address}" if subject.address else "")
        unit = "m² sàn"
        amount = record.floor_area if record.floor_area is not None else subject.floor_area
    else:
        name = f"{subject.name} ({subject.code})"
        unit = subject.unit_of_measure or "chiếc"
        amount = record.quantity or subject.quantity
    return {
        "name": name,
        "unit": unit,
        "amount": amount,
        "partial": record.is_partial,
        "original_cost": prorated(subject.original_cost, record),
        "book_value": prorated(book_value(record), record),
        "condition": subject.get_condition_display() if getattr(subject, "condition", "") else "",
        "documents": [line.strip() for line in record.handover_documents.splitlines() if line.strip()],
    }


def _money(value) -> str:
    return "" if value is None else f"{int(value):,}".replace(",", ".")


def _amount(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") if value % 1 else f"{int(value)}"


def _document(form_number: str, holder: str, title: str):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    if form_number:
        right = doc.add_paragraph(f"Mẫu số {form_number}")
        right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head = doc.add_table(rows=1, cols=2)
    head.cell(0, 0).text = holder.upper()
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    return doc


def _lines_table(doc, lines) -> None:
    table = doc.add_table(rows=1, cols=len(LINE_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, LINE_HEADERS, strict=True):
        cell.text = text
    for number, line in enumerate(lines, start=1):
        values = line_values(line)
        row = table.add_row().cells
        texts = [
            str(number),
            values["name"],
            values["unit"],
            _amount(values["amount"]) + (" (một phần)" if values["partial"] else ""),
            _money(values["original_cost"]),
            _money(values["book_value"]),
            line.form.name,
            f"{line.reason.name} ({line.reason.legal_basis})" if line.reason_id else "",
            str(line.receiving_agency) if line.receiving_agency_id else "",
        ]
        for cell, text in zip(row, texts, strict=True):
            cell.text = text


def _bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _signatures(doc, left: str, right: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = f"{left}\n(Ký, ghi rõ họ tên, đóng dấu)"
    table.cell(0, 1).text = f"{right}\n(Ký, ghi rõ họ tên, đóng dấu)"


def request_docx(request) -> bytes:
    """The request (văn bản đề nghị xử lý tài sản công, form 01/TSC-XLTS) with its lines
    and the documents of its file."""
    doc = _document(REQUEST_FORM, str(request.agency), "VĂN BẢN ĐỀ NGHỊ XỬ LÝ TÀI SẢN CÔNG")
    if request.superior_letter:
        doc.add_paragraph(f"Căn cứ: {request.superior_letter}")
    doc.add_paragraph(f"{request.agency} đề nghị xử lý các tài sản sau: {request.purpose}")
    lines = request.lines.exclude(status="cancelled").select_related(
        "premises", "asset", "form", "reason", "receiving_agency"
    )
    _lines_table(doc, lines.order_by("pk"))
    doc.add_paragraph("Hồ sơ kèm theo:")
    for document in request.documents.select_related("document"):
        note = f" ({document.reference})" if document.reference else ""
        doc.add_paragraph(f"- {document.document.name}{note}")
    _signatures(doc, "", f"THỦ TRƯỞNG {str(request.agency).upper()}")
    return _bytes(doc)


def decision_docx(decision) -> bytes:
    """The decision (quyết định xử lý tài sản công) with every line it covers."""
    request = decision.request
    doc = _document("", decision.authority.name, f"QUYẾT ĐỊNH\nSố: {decision.number}")
    doc.add_paragraph(f"Về việc xử lý tài sản công của {request.agency}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"Căn cứ {decision.authority.legal_basis};")
    doc.add_paragraph(f"Xét đề nghị của {request.agency} và ý kiến của Sở Tài chính: {request.review_opinion}")
    doc.add_paragraph("QUYẾT ĐỊNH:").runs[0].bold = True
    doc.add_paragraph(f"Điều 1. Xử lý các tài sản công của {request.agency} như sau:")
    _lines_table(doc, decision.lines.select_related("premises", "asset", "form", "reason", "receiving_agency"))
    if decision.seller:
        doc.add_paragraph(f"Đơn vị tổ chức bán: {decision.seller}.")
    if decision.valid_until:
        doc.add_paragraph(f"Quyết định bán tài sản có hiệu lực đến ngày {decision.valid_until:%d/%m/%Y}.")
    doc.add_paragraph("Điều 2. Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này.")
    doc.add_paragraph(f"Ngày {decision.date:%d/%m/%Y}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(f"{decision.authority.name.upper()}\n{decision.signer}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


def handover_docx(record) -> bytes:
    """The hand-over record (biên bản bàn giao, tiếp nhận tài sản công, form 02/TSC-BBGN)."""
    values = line_values(record)
    doc = _document(HANDOVER_FORM, str(record.holder), "BIÊN BẢN BÀN GIAO, TIẾP NHẬN TÀI SẢN CÔNG")
    if record.decision_number:
        doc.add_paragraph(
            f"Căn cứ Quyết định số {record.decision_number} ngày {record.decision_date:%d/%m/%Y} "
            f"của {record.decider} về việc {record.form.name.lower()} tài sản công;"
        )
    elif record.temporary_handover:
        doc.add_paragraph("Bàn giao tạm trước khi có quyết định (Công văn 8400/BTC-QLCS năm 2025);")
    day = f"{record.handover_date:%d/%m/%Y}" if record.handover_date else "......"
    doc.add_paragraph(f"Số: {record.handover_number or '......'}. Hôm nay, ngày {day}, chúng tôi gồm:")
    doc.add_paragraph(f"1. Bên giao: {record.holder}")
    doc.add_paragraph(f"2. Bên nhận: {record.receiving_agency or '......'}")
    doc.add_paragraph("Thống nhất bàn giao, tiếp nhận tài sản như sau:")
    _lines_table(doc, [record])
    doc.add_paragraph("Hồ sơ, giấy tờ bàn giao:")
    for item in values["documents"] or ["......"]:
        doc.add_paragraph(f"- {item}")
    _signatures(doc, "ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN")
    return _bytes(doc)
