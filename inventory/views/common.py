"""Helpers shared by the pages: scope, roles, pagination, workbook responses."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from inventory.permissions import can_declare, can_review

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25


def scoped(model, user, **lookup):
    """An object the user may see, or 404: no record is reachable by guessing its id."""
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def record_id(value) -> int | None:
    """A record id as a form or query string gives it, or None for anything that is not
    one (text, empty, zero or negative, beyond PostgreSQL's bigint): looking a record up
    by it is then an error message or a 404, never a server error."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


MAX_ID = 2**63 - 1


def error_text(exc: ValidationError) -> str:
    """A validation error as one line of text for a message or a form's top error."""
    if hasattr(exc, "message_dict"):
        return "; ".join(" ".join(v) for v in exc.message_dict.values())
    return " ".join(exc.messages)


def require_declarant(user) -> None:
    if not can_declare(user):
        raise PermissionDenied


def require_reviewer(user) -> None:
    if not can_review(user):
        raise PermissionDenied


PAGE_SIZES = (5, 10, 25, 50, 100)


def paginate(request, queryset, size=PAGE_SIZE):
    """A page of `queryset`: `?page=` (Django's paginator), `?per_page=` one of
    `PAGE_SIZES` (anything else: `size`)."""
    asked = request.GET.get("per_page", "")
    if asked.isascii() and asked.isdigit() and int(asked) in PAGE_SIZES:
        size = int(asked)
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    """A printable page rendered to PDF by WeasyPrint (fonts: DejaVu, installed by set-up)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    response = HttpResponse(
        HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def conflict_response(request, error, yours: dict | None = None, labels: dict | None = None, **context):
    """The conflict page (409): the other person's change beside the refused one."""
    from django.shortcuts import render

    from inventory.versioning import describe

    return render(
        request, "inventory/conflict.html", {"conflict": describe(error, yours, labels), **context}, status=409
    )
