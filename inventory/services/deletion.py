"""Deleting premises and assets without destroying evidence (DESIGN §3, History): a
delete records when, by whom and why and hides the record; an administrator can restore
it; a record that a handling decision refers to cannot be deleted at all."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import HANDLING_DECIDED
from inventory.models import Asset, HandlingRecord, House, Premises
from inventory.permissions import can_delete, can_restore
from inventory.versioning import lock


@transaction.atomic
def soft_delete(actor, record, reason: str, expected_version: int | None = None):
    """Hide a premises, house or asset line, with the reason; refused while a handling
    decision refers to it (to a house's premises, for a house), or (a premises) while
    asset lines are still kept there."""
    if not can_delete(actor):
        raise PermissionDenied(_("Only the Finance department and administrators delete records."))
    record = lock(type(record), record.pk, expected_version)
    if record.deleted_at is not None:
        raise ValidationError(_("%(record)s is already deleted.") % {"record": record})
    if not reason.strip():
        raise ValidationError({"delete_reason": _("Say why the record is deleted.")})
    if isinstance(record, House):
        decided = {"premises_id": record.premises_id}
    else:
        decided = {"premises" if isinstance(record, Premises) else "asset": record}
    if HandlingRecord.objects.filter(**decided, status__in=HANDLING_DECIDED).exists():
        raise ValidationError(
            _("%(record)s is referred to by a handling decision and cannot be deleted.") % {"record": record}
        )
    if isinstance(record, Premises) and Asset.objects.filter(premises=record).exists():
        raise ValidationError(
            _("Asset lines are still kept at %(record)s: move or delete them first.") % {"record": record}
        )
    record.deleted_at, record.deleted_by, record.delete_reason = timezone.now(), actor, reason.strip()
    record.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "updated_at"])
    return record


@transaction.atomic
def restore(actor, record):
    """Bring a deleted record back, as it was."""
    if not can_restore(actor):
        raise PermissionDenied(_("Only administrators restore deleted records."))
    record = lock(type(record), record.pk, None)
    if record.deleted_at is None:
        raise ValidationError(_("%(record)s is not deleted.") % {"record": record})
    record.deleted_at, record.deleted_by, record.delete_reason = None, None, ""
    record.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "updated_at"])
    return record
