"""Importing a 10,000-row asset workbook (half of the rows fixed assets, one to three in a
row, so at least 10,000 assets once in effect) into a draft declaration, against openpyxl
alone reading the same workbook (target: at most 3×). The two are measured in turn, five
times; the ratio is the median of the five paired ratios, so that a slow spell of the
machine weighs on both sides of a pair alike."""

import io
import os
import re
import statistics
import zipfile

from common import Timer, report, use_bench_database

ROWS = int(os.environ.get("BENCH_EXCEL_ROWS", "10000"))
REPEAT = 5


def build_workbook(user) -> bytes:
    from openpyxl import load_workbook

    from inventory.models import Premises
    from inventory.services import excel

    book = load_workbook(io.BytesIO(excel.template(user)))
    sheet = book["Tài sản"]
    headings = [c.value for c in sheet[1]]
    premises = list(Premises.objects.visible_to(user).values_list("code", flat=True))
    existing = sheet.max_row - 1
    for n in range(ROWS - existing):
        row = dict.fromkeys(headings)
        # Every other row declares fixed assets (computers of 15,000,000 each, one to three
        # in a row: each a record of its own once in effect); the others tool lines.
        fixed = n % 2 == 1
        quantity = 1 + n % 3 if fixed else 1 + n % 9
        row.update(
            {
                "Tên": f"Máy vi tính số {n}" if fixed else f"Bàn ghế làm việc số {n}",
                "Loại tài sản": "MMTB-CNTT" if fixed else "MMTB-NT",
                "Đơn vị sử dụng": user.agency.code,
                "Cơ sở nhà, đất": premises[n % len(premises)],
                "Số lượng": quantity,
                "Đơn vị tính": "chiếc" if fixed else "bộ",
                "Ngày đưa vào sử dụng": None,
                "Nguyên giá (đồng)": 15_000_000 * quantity if fixed else 3_000_000 + 1000 * (n % 500),
                "Tình trạng": "Tốt",
                "Trạng thái": "Đang sử dụng",
            }
        )
        sheet.append([row[h] for h in headings])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


INLINE_STRING = re.compile(rb'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(content: bytes) -> bytes:
    """The same workbook with its text in a shared string table, as Excel and LibreOffice
    save it (openpyxl writes inline strings, which are slower for openpyxl to read)."""
    strings: dict[bytes, int] = {}

    def shared(match):
        index = strings.setdefault(match.group(2), len(strings))
        return b'<c%s t="s"><v>%d</v></c>' % (match.group(1), index)

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = INLINE_STRING.sub(shared, data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SHARED_STRINGS_TYPE + b'"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdShared" Type="'
                    + SHARED_STRINGS_REL
                    + b'" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(item, data)
        table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://'
            b'schemas.openxmlformats.org/spreadsheetml/2006/main">' + table + b"</sst>",
        )
    return out.getvalue()


def main():
    use_bench_database()

    from inventory import demo
    from inventory.models import Premises, User

    if Premises.objects.count() > 1000:  # a larger data set made by another bench
        demo.clear_demo()
    if not demo.demo_present():
        demo.generate(seed=1)
    user = User.objects.get(username="demo-commune")
    template_content = build_workbook(user)
    for label, content in (
        ("as our template writes it", template_content),
        ("saved by Excel (shared strings)", with_shared_strings(template_content)),
    ):
        measure(user, content, label)


def measure(user, content: bytes, label: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from openpyxl import load_workbook

    from inventory.services import excel

    def read_only():
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()

    def import_once():
        with transaction.atomic():
            result = excel.import_workbook(user, SimpleUploadedFile("bench.xlsx", content))
            assert not result.errors, result.errors[:3]
            assert result.created + result.unchanged == ROWS + _premises_rows(user), result
            transaction.set_rollback(True)

    baseline, ours = [], []
    for _ in range(REPEAT):
        with Timer() as t:
            read_only()
        baseline.append(t.seconds)
        with Timer() as t:
            import_once()
        ours.append(t.seconds)
    ratios = sorted(o / b for o, b in zip(ours, baseline, strict=True))
    report(
        f"Excel import of {ROWS:,} asset rows into a draft, workbook {label}",
        statistics.median(ours),
        statistics.median(baseline),
        "s",
        3.0,
        ratio=ratios[len(ratios) // 2],
        workbook_kb=len(content) // 1024,
        runs_ours=[round(t, 2) for t in ours],
        runs_openpyxl=[round(t, 2) for t in baseline],
    )


def _premises_rows(user):
    from inventory.models import Premises

    return Premises.objects.visible_to(user).count()


if __name__ == "__main__":
    main()
