"""Site plans (phương án sắp xếp lại, xử lý nhà, đất) and the weekly return to the
Ministry of Finance: the pages. The rules are in `inventory.services.plans` and
`inventory.weekly`, shared with the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory import weekly
from inventory.choices import SitePlanStatus
from inventory.forms import SitePlanApproveForm, SitePlanForm
from inventory.history import with_actors
from inventory.models import Premises, SitePlan, WeeklyReturn
from inventory.permissions import can_plan, can_review, sees_everything
from inventory.services import plans as services
from inventory.versioning import StaleVersion
from inventory.views.common import conflict_response, paginate, record_id, scoped, xlsx_response
from inventory.weekly_export import weekly_workbook

RELATED = ("premises", "managing_agency", "priority_use", "borrower", "approved_by")


@login_required
def siteplan_list(request):
    """The plans in the user's scope, and the sites still without an approved plan."""
    plans = SitePlan.objects.visible_to(request.user).select_related(*RELATED).order_by("premises__code", "-created_at")
    status = request.GET.get("status", "")
    if status in SitePlanStatus.values:
        plans = plans.filter(status=status)
    without = Premises.objects.visible_to(request.user).without_approved_plan().select_related("agency")
    return render(
        request,
        "inventory/plans/siteplan_list.html",
        {
            "page": paginate(request, plans),
            "statuses": SitePlanStatus.choices,
            "status": status,
            "without": without.order_by("code")[:200],
            "without_count": without.count(),
            "may_plan": bool(services.plannable_premises(request.user).exists()),
        },
    )


def _form_page(request, form, premises, plan=None, status=200):
    return render(
        request,
        "inventory/plans/siteplan_form.html",
        {
            "form": form,
            "premises": premises,
            "plan": plan,
            "approve_form": SitePlanApproveForm(initial={"version": plan.version}) if plan else None,
            "may_approve": bool(plan and can_review(request.user) and plan.status == SitePlanStatus.DRAFT),
            "history": with_actors(plan.events.order_by("-pgh_id").select_related("pgh_context")[:50]) if plan else [],
        },
        status=status,
    )


def _save(request, form, premises, plan):
    """Run the service with the form's data; errors go back on the form."""
    data = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
    try:
        saved = services.save_plan(
            request.user, premises, data, plan, expected_version=form.cleaned_data.get("version")
        )
    except StaleVersion as exc:
        retry = reverse("inventory:siteplan_edit", args=[plan.pk])
        return conflict_response(request, exc, {k: str(v) for k, v in data.items()}, retry_url=retry)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return _form_page(request, form, premises, plan, status=400)
    messages.success(request, _("The site plan was saved."))
    return redirect("inventory:siteplan_edit", saved.pk)


@login_required
def siteplan_create(request):
    """A new draft plan for a site (?premises=<id>) the user may plan."""
    premises = get_object_or_404(services.plannable_premises(request.user), pk=record_id(request.GET.get("premises")))
    if not can_plan(request.user, premises):
        raise PermissionDenied
    form = SitePlanForm(request.POST or None, user=request.user, premises=premises)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, premises, None)
    return _form_page(request, form, premises, status=400 if request.method == "POST" else 200)


@login_required
def siteplan_edit(request, pk):
    plan = scoped(SitePlan, request.user, pk=pk)
    form = SitePlanForm(request.POST or None, instance=plan, user=request.user, initial={"version": plan.version})
    if request.method == "POST":
        if not can_plan(request.user, plan.premises):
            raise PermissionDenied
        if form.is_valid():
            return _save(request, form, plan.premises, plan)
        return _form_page(request, form, plan.premises, plan, status=400)
    return _form_page(request, form, plan.premises, plan)


@login_required
@require_POST
def siteplan_approve(request, pk):
    plan = scoped(SitePlan, request.user, pk=pk)
    if not can_review(request.user):
        raise PermissionDenied
    form = SitePlanApproveForm(request.POST)
    if form.is_valid():
        try:
            services.approve_plan(
                request.user,
                plan,
                decision_ref=form.cleaned_data["decision_ref"],
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleVersion as exc:
            return conflict_response(request, exc, retry_url=reverse("inventory:siteplan_edit", args=[pk]))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The site plan was approved."))
        return redirect("inventory:siteplan_edit", pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("inventory:siteplan_edit", pk)


# -- the weekly return ----------------------------------------------------------------------
def _week(request):
    """(ISO week, error): the week asked for, or the current one."""
    text = request.GET.get("week") or request.POST.get("week")
    if not text:
        return weekly.current_week(), None
    try:
        return weekly.parse_week(text), None
    except ValueError as exc:
        return weekly.current_week(), str(exc)


def _require_province(user):
    if not sees_everything(user):
        raise PermissionDenied


@login_required
def weekly_return(request):
    _require_province(request.user)
    label, error = _week(request)
    figures, frozen = weekly.weekly_return(request.user, label)
    return render(
        request,
        "inventory/plans/weekly_return.html",
        {
            "figures": figures,
            "frozen": frozen,
            "rows": weekly.table_rows(figures),
            "week": label,
            "error": error,
            "issued": WeeklyReturn.objects.filter(province=weekly.province_of(request.user)).select_related(
                "issued_by"
            )[:20],
            "may_issue": can_review(request.user) and frozen is None and weekly.cutoff_of(label) <= timezone.now(),
        },
        status=400 if error else 200,
    )


@login_required
def weekly_return_xlsx(request):
    _require_province(request.user)
    label, error = _week(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    figures, frozen = weekly.weekly_return(request.user, label)
    return xlsx_response(weekly_workbook(figures, frozen), f"bao-cao-tuan-{label}.xlsx")


@login_required
@require_POST
def weekly_return_issue(request):
    if not can_review(request.user):
        raise PermissionDenied
    label, error = _week(request)
    if error:
        messages.error(request, error)
        return redirect("inventory:weekly_return")
    try:
        weekly.issue(request.user, label)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The return of %(week)s was issued and frozen.") % {"week": label})
    return redirect(f"{reverse('inventory:weekly_return')}?week={label}")
