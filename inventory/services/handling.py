"""Handling records: proposals for surplus premises (issue 4 adds the decision steps)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.choices import HandlingStatus, PremisesStatus
from inventory.models import HandlingForm, HandlingRecord, Premises, PriorityUse
from inventory.services.declarations import can_review


@transaction.atomic
def propose_handling(
    actor,
    premises: Premises,
    form_code: str,
    *,
    intended_use: str,
    basis: str = "",
    priority_use_code: str | None = None,
    receiving_agency=None,
) -> HandlingRecord:
    """Record a proposed handling of a premises; the premises is then under handling."""
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department records handling."))
    premises = Premises.objects.select_for_update().get(pk=premises.pk)
    if premises.handling_records.exclude(status=HandlingStatus.CLOSED).exists():
        raise ValidationError(_("%(premises)s already has a handling record in progress.") % {"premises": premises})
    record = HandlingRecord.objects.create(
        premises=premises,
        form=HandlingForm.objects.get(code=form_code),
        priority_use=PriorityUse.objects.filter(code=priority_use_code).first() if priority_use_code else None,
        current_use=premises.get_status_display(),
        intended_use=intended_use,
        receiving_agency=receiving_agency,
        previous_premises_status=premises.status,
        basis=basis,
        created_by=actor,
    )
    premises.status = PremisesStatus.UNDER_HANDLING
    premises.save(update_fields=["status", "updated_at"])
    return record
