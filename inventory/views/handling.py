"""Handling records: list with deadlines, the record with its steps (decision,
hand-over, closing, cancelling), the request in form 01/TSC-XLTS and the hand-over
record in form 02/TSC-BBGN."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import HandlingStatus
from inventory.forms import (
    DecisionForm,
    HandlingApproveForm,
    HandlingCancelForm,
    HandlingCarryOutForm,
    RequestForm,
    RequestLineFormSet,
    RequestResubmitForm,
    RequestReturnForm,
    RequestReviewForm,
)
from inventory.history import record_changes, with_actors
from inventory.models import Agency, Asset, Decision, HandlingRecord, HandlingRequest, Premises
from inventory.permissions import can_file_for, can_review
from inventory.services import exports, handling_documents
from inventory.services import handling as services
from inventory.services.declarations import declarable_agencies
from inventory.versioning import StaleVersion, parse_version
from inventory.views.common import conflict_response, paginate, pdf_response, require_reviewer, scoped, xlsx_response

RELATED = ("premises", "asset__asset_class", "form", "reason", "receiving_agency", "need", "priority_use", "request")


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
    context = {"record": record, "printable": True, "values": handling_documents.line_values(record)}
    if not pdf:
        return render(request, "inventory/handling/handover_record.html", context)
    return pdf_response(request, "inventory/handling/handover_record.html", context, f"02-TSC-BBGN-{record.pk}.pdf")


# -- requests (form 01/TSC-XLTS) and their steps -------------------------------------------
def _requests(user):
    return HandlingRequest.objects.visible_to(user).select_related("agency")


def _filing_agencies(user):
    """The agencies a user may file a request for: any for Finance, its unit's for a declarant."""
    if can_review(user):
        return Agency.objects.active().order_by("name")
    return declarable_agencies(user).order_by("name")


@login_required
def request_list(request):
    """Requests the user sees, and for Finance the steps past their deadline with who must act."""
    page = paginate(request, _requests(request.user).order_by("-filed_at"))
    context = {
        "page": page,
        "may_file": _filing_agencies(request.user).exists(),
        "overdue": services.overdue_steps(request.user)[:200] if can_review(request.user) else [],
    }
    return render(request, "inventory/handling/request_list.html", context)


def _line_proposals(user, agency, formset) -> list:
    """The filled lines as proposals; a code that is not the agency's is a line error."""
    proposals = []
    for line in formset:
        data = line.cleaned_data
        if not data:
            continue
        code = data["code"].strip()
        premises = Premises.objects.visible_to(user).filter(code=code, agency=agency).first()
        asset = None if premises else Asset.objects.visible_to(user).filter(code=code, agency=agency).first()
        receiver = None
        if data["receiver"]:
            receiver = Agency.objects.filter(code=data["receiver"].strip(), province_id=agency.province_id).first()
            if receiver is None:
                line.add_error("receiver", _("No agency has this code."))
        if premises is None and asset is None:
            line.add_error("code", _("%(agency)s holds no premises or asset with this code.") % {"agency": agency})
            continue
        proposals.append(
            services.Proposal(
                form_code=data["form"].code,
                reason_code=data["reason"].code if data["reason"] else None,
                premises=premises,
                asset=asset,
                floor_area=data["floor_area"] if premises else None,
                quantity=data["quantity"] if asset else None,
                receiving_agency=receiver,
                intended_use=data["intended_use"],
                temporary_handover=data["temporary_handover"],
            )
        )
    return proposals


@login_required
def request_new(request):
    """File a request: the agency, its grounds and documents, and its lines by code."""
    agencies = _filing_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = RequestForm(request.POST or None, agencies=agencies)
    lines = RequestLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        agency = form.cleaned_data["agency"]
        proposals = _line_proposals(request.user, agency, lines)
        if not any(line.errors for line in lines):
            documents = {d.code: "" for d in form.cleaned_data["documents"]}
            try:
                filed = services.file_request(
                    request.user,
                    agency,
                    proposals,
                    purpose=form.cleaned_data["purpose"],
                    superior_letter=form.cleaned_data["superior_letter"],
                    documents=documents,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The request was filed."))
                return redirect("inventory:request_detail", filed.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inventory/handling/request_form.html", {"form": form, "lines": lines}, status=status)


def _request_detail(request, handling_request, status=200, **forms):
    opened = {"initial": {"version": handling_request.version}}
    context = {
        "req": handling_request,
        "lines": handling_request.lines.select_related(*RELATED).order_by("pk"),
        "documents": handling_request.documents.select_related("document"),
        "missing": services.missing_documents(handling_request),
        "decision": Decision.objects.filter(request=handling_request).select_related("authority").first(),
        "may_review": can_review(request.user),
        "may_file": can_file_for(request.user, handling_request.agency),
        "return_form": forms.get("return_form") or RequestReturnForm(**opened),
        "resubmit_form": forms.get("resubmit_form") or RequestResubmitForm(**opened),
        "review_form": forms.get("review_form") or RequestReviewForm(**opened),
        "decision_form": forms.get("decision_form") or DecisionForm(**opened),
        "history": with_actors(handling_request.events.order_by("-pgh_id").select_related("pgh_context")[:50]),
    }
    return render(request, "inventory/handling/request_detail.html", context, status=status)


@login_required
def request_detail(request, pk):
    return _request_detail(request, scoped(HandlingRequest, request.user, pk=pk))


def _request_step(request, pk, form_class, form_name, action):
    """Run one step of a request from a posted form; errors are shown on its page.
    Refusals of the role come from the service (403)."""
    handling_request = scoped(HandlingRequest, request.user, pk=pk)
    form = form_class(request.POST or None, request.FILES or None) if form_class else None
    if form is None or form.is_valid():
        data = dict(form.cleaned_data) if form else {"version": parse_version(request.POST.get("version"))}
        try:
            action(handling_request, data, data.pop("version", None))
        except StaleVersion as exc:
            return conflict_response(request, exc, retry_url=reverse("inventory:request_detail", args=[pk]))
        except ValidationError as exc:
            if form is None:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("inventory:request_detail", pk)
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The request was updated."))
            return redirect("inventory:request_detail", pk)
    return _request_detail(request, handling_request, status=400, **{form_name: form})


@login_required
@require_POST
def request_return(request, pk):
    return _request_step(
        request,
        pk,
        RequestReturnForm,
        "return_form",
        lambda r, d, v: services.return_request(request.user, r, d["comment"], expected_version=v),
    )


@login_required
@require_POST
def request_resubmit(request, pk):
    return _request_step(
        request,
        pk,
        RequestResubmitForm,
        "resubmit_form",
        lambda r, d, v: services.resubmit(
            request.user, r, documents={doc.code: "" for doc in d["documents"]}, expected_version=v
        ),
    )


@login_required
@require_POST
def request_complete(request, pk):
    return _request_step(
        request, pk, None, "", lambda r, d, v: services.mark_complete(request.user, r, expected_version=v)
    )


@login_required
@require_POST
def request_review(request, pk):
    return _request_step(
        request,
        pk,
        RequestReviewForm,
        "review_form",
        lambda r, d, v: services.review(request.user, r, expected_version=v, **d),
    )


@login_required
@require_POST
def request_decide(request, pk):
    return _request_step(
        request,
        pk,
        DecisionForm,
        "decision_form",
        lambda r, d, v: services.decide(
            request.user,
            r,
            number=d["number"],
            date=d["date"],
            signer=d["signer"],
            authority_code=d["authority"].code,
            seller=d["seller"],
            document=d.get("document") or None,
            expected_version=v,
        ),
    )


# -- the documents as .docx (officials edit them in Word) ----------------------------------
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def handover_record_docx(request, pk):
    record = scoped(HandlingRecord, request.user, pk=pk)
    return _docx_response(handling_documents.handover_docx(record), f"02-TSC-BBGN-{record.pk}.docx")


@login_required
def request_docx(request, pk):
    handling_request = scoped(HandlingRequest, request.user, pk=pk)
    return _docx_response(handling_documents.request_docx(handling_request), f"01-TSC-XLTS-{handling_request.pk}.docx")


@login_required
def decision_docx(request, pk):
    handling_request = scoped(HandlingRequest, request.user, pk=pk)
    decision = get_object_or_404(Decision, request=handling_request)
    return _docx_response(handling_documents.decision_docx(decision), f"quyet-dinh-{decision.pk}.docx")
