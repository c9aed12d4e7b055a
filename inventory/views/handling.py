"""Handling records: list with deadlines, the record with its steps (decision,
hand-over, closing, cancelling), the request in form 01/TSC-XLTS and the hand-over
record in form 02/TSC-BBGN."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import HandlingStatus
from inventory.forms import HandlingApproveForm, HandlingCancelForm, HandlingCarryOutForm
from inventory.history import record_changes
from inventory.models import HandlingRecord
from inventory.services import exports
from inventory.services import handling as services
from inventory.services.declarations import can_review
from inventory.versioning import StaleVersion, parse_version
from inventory.views.common import conflict_response, paginate, pdf_response, require_reviewer, scoped, xlsx_response

RELATED = ("premises", "asset__asset_class", "form", "reason", "receiving_agency", "need", "priority_use")


def _records(user):
    return HandlingRecord.objects.visible_to(user).select_related(*RELATED)


@login_required
def handling_list(request):
    records = _records(request.user).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in HandlingStatus.values:
        records = records.filter(status=status)
    if request.GET.get("overdue") == "1":
        records = records.overdue()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.form_01_xlts(records[:5000], request.user), "01-TSC-XLTS.xlsx")
    today = timezone.localdate()
    page = paginate(request, records)
    return render(
        request,
        "inventory/handling/handling_list.html",
        {
            "page": page,
            "rows": [(r, r.overdue(today)) for r in page],
            "statuses": HandlingStatus.choices,
            "status": status,
            "overdue_only": request.GET.get("overdue") == "1",
            "overdue_count": _records(request.user).overdue(today).count(),
        },
    )


def _detail(request, record, status=200, **forms):
    opened = {"initial": {"version": record.version}}
    context = {
        "record": record,
        "overdue": record.overdue(),
        "may_review": can_review(request.user),
        "approve_form": forms.get("approve_form") or HandlingApproveForm(**opened),
        "carry_out_form": forms.get("carry_out_form") or HandlingCarryOutForm(**opened),
        "cancel_form": forms.get("cancel_form") or HandlingCancelForm(**opened),
        "history": record_changes(record, limit=50),
    }
    return render(request, "inventory/handling/handling_detail.html", context, status=status)


@login_required
def handling_detail(request, pk):
    return _detail(request, scoped(HandlingRecord, request.user, pk=pk))


def _step(request, pk, form_class, form_name, action):
    """Run one step from a posted form; errors are shown on the record's page."""
    require_reviewer(request.user)
    record = scoped(HandlingRecord, request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(record, form.cleaned_data)
        except StaleVersion as exc:
            yours = {k: v for k, v in form.cleaned_data.items() if k != "version" and not hasattr(v, "read")}
            labels = {name: field.label for name, field in form.fields.items()}
            return conflict_response(
                request, exc, yours, labels, retry_url=reverse("inventory:handling_detail", args=[pk])
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The handling record was updated."))
            return redirect("inventory:handling_detail", pk)
    return _detail(request, record, status=400, **{form_name: form})


@login_required
@require_POST
def handling_approve(request, pk):
    return _step(
        request,
        pk,
        HandlingApproveForm,
        "approve_form",
        lambda record, data: services.approve(
            request.user,
            record,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            decider=data["decider"],
            document=data.get("decision_document") or None,
            expected_version=data.get("version"),
        ),
    )


@login_required
@require_POST
def handling_carry_out(request, pk):
    return _step(
        request,
        pk,
        HandlingCarryOutForm,
        "carry_out_form",
        lambda record, data: services.carry_out(
            request.user,
            record,
            handover_number=data["handover_number"],
            handover_date=data["handover_date"],
            notes=data["notes"],
            expected_version=data.get("version"),
        ),
    )


@login_required
@require_POST
def handling_close(request, pk):
    require_reviewer(request.user)
    record = scoped(HandlingRecord, request.user, pk=pk)
    try:
        services.close(request.user, record, parse_version(request.POST.get("version")))
    except StaleVersion as exc:
        return conflict_response(request, exc, retry_url=reverse("inventory:handling_detail", args=[pk]))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("inventory:handling_detail", pk)


@login_required
@require_POST
def handling_cancel(request, pk):
    return _step(
        request,
        pk,
        HandlingCancelForm,
        "cancel_form",
        lambda record, data: services.cancel(
            request.user, record, reason=data["reason"], expected_version=data.get("version")
        ),
    )


@login_required
def handling_request_xlsx(request, pk):
    record = scoped(HandlingRecord, request.user, pk=pk)
    return xlsx_response(exports.form_01_xlts([record], request.user), f"01-TSC-XLTS-{record.pk}.xlsx")


@login_required
def handover_record(request, pk, pdf=False):
    """Hand-over record, form 02/TSC-BBGN: printable page, or PDF."""
    record = scoped(HandlingRecord, request.user, pk=pk)
    context = {"record": record, "printable": True}
    if not pdf:
        return render(request, "inventory/handling/handover_record.html", context)
    return pdf_response(request, "inventory/handling/handover_record.html", context, f"02-TSC-BBGN-{record.pk}.pdf")
