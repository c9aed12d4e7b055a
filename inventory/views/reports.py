"""Reports at /reports/: the report as a page with charts, and as .xlsx or .csv, live
or as of a past date (?as_of=YYYY-MM-DD), always within the user's scope."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from inventory import reports, spreadsheets
from inventory.views.common import xlsx_response


def _as_of(request):
    """(date or None, error message or None) from ?as_of=; today means the live figures."""
    try:
        value = reports.parse_as_of(request.GET.get("as_of"))
    except ValueError as exc:
        return None, str(exc)
    return (None if value == timezone.localdate() else value), None


@login_required
def report_index(request):
    name = request.GET.get("report", "surplus")
    if name not in reports.BUILDERS:
        raise Http404
    as_of, error = _as_of(request)
    report = reports.build(name, request.user, None if error else as_of)
    return render(
        request,
        "inventory/reports/report.html",
        {
            "report": report,
            "name": name,
            "choices": [(key, label) for key, label in reports.REPORTS.items()],
            "as_of_text": request.GET.get("as_of", ""),
            "error": error,
            "query": request.GET.urlencode(),
        },
        status=400 if error else 200,
    )


def _cells(table):
    yield table.columns
    yield from table.rows
    if table.total:
        yield table.total


@login_required
def report_export(request, report, fmt):
    if report not in reports.BUILDERS or fmt not in ("csv", "xlsx"):
        raise Http404
    as_of, error = _as_of(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    built = reports.build(report, request.user, as_of)
    stamp = (as_of or timezone.localdate()).isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel opens Vietnamese text as UTF-8
        writer = csv.writer(buffer, delimiter=spreadsheets.OFFICIAL_CSV_DELIMITER)
        for table in built.tables:
            writer.writerow(spreadsheets.official_csv_row([table.title]))
            writer.writerows(spreadsheets.official_csv_row(row) for row in _cells(table))
            writer.writerow([])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{report}-{stamp}.csv"'
        return response
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in built.tables:
        sheet = workbook.create_sheet(table.title[:31])
        spreadsheets.append(sheet, [f"{built.title} — {stamp}"])
        sheet["A1"].font = Font(bold=True)
        for i, row in enumerate(_cells(table)):
            spreadsheets.append(sheet, row)
            if i == 0 or (table.total and row is table.total):
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return xlsx_response(buffer.getvalue(), f"{report}-{stamp}.xlsx")
