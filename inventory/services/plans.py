"""Site plans (phương án sắp xếp lại, xử lý nhà, đất): drafted by the site's commune or by
Finance, approved by Finance. Called by the web pages, the API and the admin alike."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import PLAN_PREMISES_STATUSES, SitePlanStatus
from inventory.models import Agency, Premises, SitePlan
from inventory.permissions import can_declare, can_plan, can_review
from inventory.versioning import lock

# What a plan's author fills in; the rest (status, approval) belongs to the steps.
PLAN_FIELDS = (
    "managing_agency",
    "responsible_person",
    "responsible_title",
    "use",
    "priority_use",
    "borrower",
    "description",
    "start_date",
    "end_date",
)


def plannable_premises(user):
    """The sites a user may draft a plan for: surplus, partly surplus or under handling,
    within the user's scope."""
    if not (can_review(user) or can_declare(user)):
        return Premises.objects.none()
    return Premises.objects.visible_to(user).filter(status__in=PLAN_PREMISES_STATUSES)


def _check_agencies(user, data: dict) -> None:
    """A commune names only agencies of its own unit as managing unit (the borrower may
    be any agency: a commune may lend to a provincial department)."""
    agency = data.get("managing_agency")
    if agency is not None and not can_review(user) and agency.admin_unit_id != user.admin_unit_id:
        raise ValidationError({"managing_agency": _("Choose an agency of your own unit.")})
    for key in ("managing_agency", "borrower"):
        if data.get(key) is not None and not Agency.objects.filter(pk=data[key].pk, is_active=True).exists():
            raise ValidationError({key: _("This agency is no longer active.")})


@transaction.atomic
def save_plan(actor, premises: Premises, data: dict, plan: SitePlan | None = None, expected_version=None) -> SitePlan:
    """Create a draft plan for `premises`, or change a draft. An approved plan is not
    edited: a new draft replaces it when approved."""
    if plan is not None:
        plan = lock(SitePlan, plan.pk, expected_version)
        premises = plan.premises
    if not can_plan(actor, premises):
        raise PermissionDenied(_("You may only plan the sites of your own unit."))
    if plan is None and premises.status not in PLAN_PREMISES_STATUSES:
        raise ValidationError(
            _("Only a surplus, partly surplus or under-handling site gets a plan; %(premises)s is %(status)s.")
            % {"premises": premises, "status": premises.get_status_display().lower()}
        )
    if plan is not None and plan.status != SitePlanStatus.DRAFT:
        raise ValidationError(_("An approved or superseded plan is not changed: draft a new plan for the site."))
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    _check_agencies(actor, data)
    plan = plan or SitePlan(premises=premises, created_by=actor)
    for key, value in data.items():
        setattr(plan, key, value)
    plan.full_clean(exclude=["created_by"])
    plan.save()
    return plan


@transaction.atomic
def approve_plan(actor, plan: SitePlan, *, decision_ref: str, expected_version=None) -> SitePlan:
    """Finance approves a draft plan (who, when, with which decision); the site's
    previous approved plan, if any, is superseded."""
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department approves site plans."))
    plan = lock(SitePlan, plan.pk, expected_version)
    if plan.status != SitePlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be approved."))
    if not (decision_ref or "").strip():
        raise ValidationError({"decision_ref": _("Give the number of the approving decision or letter.")})
    plan.full_clean(exclude=["created_by"])
    for old in SitePlan.objects.select_for_update().filter(premises=plan.premises_id, status=SitePlanStatus.APPROVED):
        old.status = SitePlanStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    plan.status = SitePlanStatus.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.decision_ref = decision_ref.strip()
    plan.save()
    return plan
