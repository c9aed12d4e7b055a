"""Declaration pages (/declarations/): what a commune declares and how the Finance
department reviews it, Excel workbooks in and the 04a–04c forms out. The premises, asset
and need pages are `views.premises`, `views.assets` and `views.needs`. Every object is
fetched through the user's scope; every action goes through `inventory.services`."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import OPEN_DECLARATION_STATUSES, DeclarationStatus, ItemAction, ItemStatus, ItemTarget
from inventory.filtersets import DeclarationFilterSet, form_data
from inventory.forms import ReviewForm, WorkbookUploadForm
from inventory.models import Agency, Declaration, DeclarationItem
from inventory.permissions import can_declare, can_review
from inventory.services import declarations as services
from inventory.services import declared_values, excel, jobs, rejected_rows
from inventory.services.exports import form_04a, form_04b, form_04c
from inventory.versioning import StaleVersion, parse_version
from inventory.views import records
from inventory.views.common import (
    conflict_response,
    error_text,
    paginate,
    require_declarant,
    require_reviewer,
    scoped,
    xlsx_response,
)

# -- lists and detail -------------------------------------------------------------------


@login_required
def declaration_list(request):
    """The declarations the user may see; for a declarant, its open declaration first."""
    declarations = Declaration.objects.visible_to(request.user).select_related("agency", "agency__admin_unit")
    filterset = DeclarationFilterSet(form_data(request.GET), queryset=declarations, request=request)
    open_declarations = []
    if can_declare(request.user):
        open_declarations = declarations.filter(status__in=OPEN_DECLARATION_STATUSES)
    return render(
        request,
        "inventory/declarations/declaration_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs.order_by("-created_at")),
            "open_declarations": open_declarations,
        },
    )


@login_required
def review_queue(request):
    """Submitted declarations waiting for the Finance department, oldest first."""
    require_reviewer(request.user)
    declarations = Declaration.objects.open_for_review().select_related("agency", "agency__admin_unit")
    filterset = DeclarationFilterSet(form_data(request.GET), queryset=declarations, request=request)
    return render(
        request,
        "inventory/declarations/review_queue.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs.order_by("submitted_at")),
        },
    )


@login_required
def declaration_detail(request, pk):
    declaration = scoped(Declaration, request.user, pk=pk)
    items = (
        declaration.items.select_related("premises", "asset", "need", "reviewed_by")
        .prefetch_related("attachments")
        .order_by(services.TARGET_ORDER, "pk")
    )
    rows = []
    for item in items:
        before = (
            declared_values.to_payload(item.record, item.target)
            if item.record is not None and item.action == ItemAction.UPDATE
            else None
        )
        if item.status in (ItemStatus.APPROVED, ItemStatus.APPLIED):
            before = None if item.action == ItemAction.CREATE else before
        rows.append(
            {"item": item, "diff": declared_values.diff(item.target, before, item.payload), "pin": _pin(item.payload)}
        )
    return render(
        request,
        "inventory/declarations/declaration_detail.html",
        {
            "declaration": declaration,
            "rows": rows,
            "review_form": ReviewForm(),
            "basemap_url": settings.BASEMAP_URL,
            "may_submit": can_declare(request.user)
            and declaration.editable
            and any(r["item"].status in services.OPEN_ITEM_STATUSES for r in rows),
            "may_review": can_review(request.user) and declaration.status == DeclarationStatus.SUBMITTED,
        },
    )


def _pin(payload: dict):
    """(latitude, longitude) of a declared location (EWKT from `declared_values.serialize`), for
    the small map beside the diff; None when there is none."""
    found = re.search(r"POINT\s*\(\s*(\S+)\s+([^\s)]+)", str(payload.get("location") or ""))
    try:
        lon, lat = float(found[1]), float(found[2])
    except (TypeError, ValueError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


# -- declaring --------------------------------------------------------------------------


@login_required
def item_edit(request, pk):
    item = scoped(DeclarationItem, request.user, pk=pk)
    if not item.declaration.editable or item.status not in services.OPEN_ITEM_STATUSES:
        messages.error(request, _("This item can no longer be changed."))
        return redirect("inventory:declaration_detail", item.declaration_id)
    return records.form_page(request, item.target, record=item.record, item=item)


@login_required
@require_POST
def item_withdraw(request, pk):
    item = scoped(DeclarationItem, request.user, pk=pk)
    try:
        services.withdraw_item(request.user, item)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The item was withdrawn."))
    return redirect("inventory:declaration_detail", item.declaration_id)


@login_required
@require_POST
def declaration_submit(request, pk):
    declaration = scoped(Declaration, request.user, pk=pk)
    require_declarant(request.user)
    try:
        declaration = services.submit(request.user, declaration, parse_version(request.POST.get("version")))
    except StaleVersion as exc:
        return conflict_response(request, exc, retry_url=reverse("inventory:declaration_detail", args=[pk]))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        if declaration.status == DeclarationStatus.APPROVED:
            messages.success(request, _("Submitted: every item took effect (none needed approval)."))
        else:
            messages.success(request, _("Submitted to the Finance department for review."))
    return redirect("inventory:declaration_detail", pk)


# -- reviewing --------------------------------------------------------------------------


def _review(request, decide, back_to: int):
    """Run a review decision from a ReviewForm post and go back to the declaration."""
    require_reviewer(request.user)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("inventory:declaration_detail", back_to)
    try:
        decide(form.cleaned_data["decision"] == "approve", form.cleaned_data["comment"])
    except StaleVersion as exc:
        # Either the declaration moved on, or a record changed after it was declared:
        # show the other change beside the declared one; the reviewer can return the item.
        item = _stale_item(back_to, exc)
        return conflict_response(
            request,
            exc,
            item.payload if item else None,
            return_item=item,
            retry_url=reverse("inventory:declaration_detail", args=[back_to]),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("inventory:declaration_detail", back_to)


@login_required
@require_POST
def declaration_review(request, pk):
    """Approve or return every waiting item of a declaration."""
    require_reviewer(request.user)
    declaration = scoped(Declaration, request.user, pk=pk)
    version = parse_version(request.POST.get("version"))
    return _review(
        request,
        lambda approve, comment: services.review_declaration(request.user, declaration, approve, comment, version),
        pk,
    )


def _stale_item(declaration_pk, error):
    """The waiting item of the declaration about the record that changed, if any."""
    target = type(error.record)._meta.model_name
    if target not in ItemTarget.values:
        return None
    return (
        DeclarationItem.objects.filter(
            declaration_id=declaration_pk, status=ItemStatus.PENDING, **{target: error.record}
        )
        .order_by("pk")
        .first()
    )


@login_required
@require_POST
def item_review(request, pk):
    """Approve or return one waiting item."""
    require_reviewer(request.user)
    item = scoped(DeclarationItem, request.user, pk=pk)
    return _review(
        request,
        lambda approve, comment: services.review_item(request.user, item, approve, comment),
        item.declaration_id,
    )


# -- files ------------------------------------------------------------------------------


@login_required
def excel_template(request):
    require_declarant(request.user)
    return xlsx_response(excel.template(request.user), f"ke-khai-{request.user.admin_unit.code}.xlsx")


@login_required
def excel_upload(request):
    require_declarant(request.user)
    result = None
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if jobs.count_workbook_rows(upload) > settings.JOB_IMPORT_ROWS:
            # A large workbook is read by the background worker; its page shows progress.
            job = jobs.start_import(request.user, upload, form.cleaned_data["keep_valid_rows"])
            return redirect("inventory:job_detail", job.pk)
        try:
            result = excel.import_workbook(
                request.user, form.cleaned_data["file"], form.cleaned_data["keep_valid_rows"]
            )
        except excel.WorkbookError as exc:
            form.add_error("file", str(exc))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            if token := rejected_rows.keep(request.user, result):
                request.session["rejected_workbook"] = token
            if result.written:
                messages.success(
                    request,
                    _("Workbook read: %(c)s new, %(u)s changed, %(n)s unchanged, %(r)s rejected.")
                    % {"c": result.created, "u": result.changed, "n": result.unchanged, "r": result.rejected_count},
                )
            if result.already_declared:
                messages.warning(request, excel.already_declared_message(result))
    return render(
        request,
        "inventory/declarations/excel_upload.html",
        {
            "form": form,
            "result": result,
            "rejected_token": request.session.get("rejected_workbook"),
        },
    )


@login_required
def export_form(request, form_code):
    """Forms 04a/04b/04c over what the user may see; `?agency=<code>` for one declaring
    unit, whose header fields (superior body, ĐKTS code, unit type) the form then prints."""
    builders = {
        "04a": (form_04a, "04a-DK-TSC.xlsx"),
        "04b": (form_04b, "04b-DK-TSC.xlsx"),
        "04c": (form_04c, "04c-DK-TSC.xlsx"),
    }
    if form_code not in builders:
        raise Http404
    agency = None
    if code := request.GET.get("agency", "").strip():
        agency = get_object_or_404(Agency.objects.visible_to(request.user).select_related("superior"), code=code)
    builder, filename = builders[form_code]
    return xlsx_response(builder(request.user, agency), filename)


# -- notifications ----------------------------------------------------------------------


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    response = render(request, "inventory/declarations/notifications.html", {"items": items})
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return response
