"""Reports at /reports/: the report as a page with charts, and as .xlsx or .csv, live
or as of a past date (?as_of=YYYY-MM-DD), always within the user's scope."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inventory import reports
from inventory.services import report_files
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
        response = HttpResponse(report_files.as_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{report}-{stamp}.csv"'
        return response
    return xlsx_response(report_files.as_xlsx(built, stamp), f"{report}-{stamp}.xlsx")
