"""The declaration workflow (DESIGN §3): draft → submitted → approved, or returned with
the reviewer's comment on each item → resubmitted. Every step is a function taking the
acting user, run in one transaction; history records each change with that user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import (
    OPEN_DECLARATION_STATUSES,
    DeclarationKind,
    DeclarationStatus,
    ItemAction,
    ItemStatus,
    ItemTarget,
)
from inventory.models import Agency, Declaration, DeclarationItem, Notification, User
from inventory.models.declarations import OPEN_OR_PENDING
from inventory.permissions import can_declare, can_review, reviewers
from inventory.services import payload as P
from inventory.versioning import StaleVersion, lock

OPEN_ITEM_STATUSES = (ItemStatus.DRAFT, ItemStatus.RETURNED)
# Premises first: assets may be placed in a premises declared in the same declaration.
TARGET_ORDER = Case(
    When(target=ItemTarget.PREMISES, then=Value(0)),
    When(target=ItemTarget.ASSET, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# -- who may do what ------------------------------------------------------------------


def declarable_agencies(user):
    """Agencies a declarant may declare for: the active agencies of its unit."""
    if not can_declare(user):
        return Agency.objects.none()
    return Agency.objects.visible_to(user).active()


def _check_declarant(actor, agency) -> None:
    if not can_declare(actor) or not declarable_agencies(actor).filter(pk=agency.pk).exists():
        raise PermissionDenied(_("You may only declare for the agencies of your own unit."))


def _check_reviewer(actor) -> None:
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department reviews declarations."))


CODE_SEQUENCE = "inventory_record_code_seq"


def new_codes(target: str, agency: Agency, count: int) -> list[str]:
    """Fresh record codes for records declared without one: record kind, unit code and a
    number from a database sequence, so codes never repeat, even across concurrent
    uploads. One query for any number of codes."""
    prefix = {ItemTarget.PREMISES: "TS", ItemTarget.ASSET: "TSAN", ItemTarget.NEED: "NC"}[target]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [CODE_SEQUENCE, count])
        numbers = [row[0] for row in cursor.fetchall()]
    return [f"{prefix}-{agency.admin_unit.code}-{number:07d}" for number in numbers]


def new_code(target: str, agency: Agency) -> str:
    return new_codes(target, agency, 1)[0]


# -- drafting ---------------------------------------------------------------------------


def open_declaration(actor, agency: Agency) -> Declaration:
    """The agency's declaration still open for changes (a draft, or one returned for
    correction), created as a draft when there is none."""
    _check_declarant(actor, agency)
    declaration = (
        Declaration.objects.select_for_update()
        .filter(agency=agency, status__in=OPEN_DECLARATION_STATUSES)
        .order_by("created_at")
        .first()
    )
    if declaration is None:
        approved_before = Declaration.objects.filter(agency=agency, status=DeclarationStatus.APPROVED).exists()
        try:
            with transaction.atomic():
                declaration = Declaration.objects.create(
                    agency=agency,
                    created_by=actor,
                    kind=DeclarationKind.SUPPLEMENTARY if approved_before else DeclarationKind.FIRST_TIME,
                )
        except IntegrityError:  # someone else opened it at the same moment: use theirs
            declaration = Declaration.objects.select_for_update().get(
                agency=agency, status__in=OPEN_DECLARATION_STATUSES
            )
    return declaration


def pending_elsewhere(target: str, code: str, exclude_declaration=None) -> DeclarationItem | None:
    """An item for the same record already waiting for review in a submitted declaration."""
    items = DeclarationItem.objects.filter(target=target, code=code, status=ItemStatus.PENDING)
    if exclude_declaration is not None:
        items = items.exclude(declaration=exclude_declaration)
    return items.select_related("declaration").first()


def open_declarations(actor):
    """The declarations the user's agencies have open for changes."""
    return Declaration.objects.filter(
        agency__in=declarable_agencies(actor), status__in=OPEN_DECLARATION_STATUSES
    )


def codes_taken(target: str, codes, exclude_declarations=()) -> dict[str, str]:
    """The codes, among `codes` for new records, that cannot be given to one: held by a
    record (deleted ones too: a code is never reused) or by a new record still being
    declared in a declaration other than `exclude_declarations` (the user's own open
    ones), see `one_new_record_per_code`. {code: the reason, for the user}."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    model = P.MODELS[target]
    manager = getattr(model, "all_objects", model.objects)
    taken = dict.fromkeys(
        manager.filter(code__in=codes).values_list("code", flat=True), _("A record with this code exists already.")
    )
    declared = DeclarationItem.objects.filter(
        target=target, code__in=codes, action=ItemAction.CREATE, status__in=OPEN_OR_PENDING
    )
    declared = declared.exclude(declaration__in=exclude_declarations)
    for code in declared.values_list("code", flat=True):
        taken.setdefault(code, _("This code is already being declared for another new record; choose another code."))
    return taken


@transaction.atomic
def propose(
    actor, target: str, payload: dict, record=None, expected_version=None, expected_item_version=None
) -> DeclarationItem | None:
    """Put a new record (record=None) or a change to `record` into the open declaration
    of its agency. A change that declares nothing new removes the draft item, if any,
    and returns None. The payload is validated here whatever its source. A change made
    on a form opened at `expected_version` of the record is refused (StaleVersion) if the
    record has changed since; the item remembers the version it was declared on."""
    if record is not None:
        record = lock(P.MODELS[target], record.pk, expected_version)
    agency = P.Lookups(province_id=_province_of(actor, record)).get("agency", str(payload.get("agency") or "")) or (
        record.agency if record else None
    )
    if agency is None:
        raise ValidationError({"agency": _("This field is required.")})
    declaration = open_declaration(actor, agency)
    if record is not None and not P.MODELS[target].objects.visible_to(actor).filter(pk=record.pk).exists():
        raise PermissionDenied(_("You may only declare for the agencies of your own unit."))
    code = record.code if record is not None else payload.get("code")
    if record is None:
        taken = codes_taken(target, [code], [declaration])
        if code in taken:
            raise ValidationError({"code": taken[code]})
    waiting = pending_elsewhere(target, code, exclude_declaration=declaration)
    if waiting is not None:
        raise ValidationError(
            _("%(code)s is awaiting review in declaration no. %(pk)s; change it after the review.")
            % {"code": code, "pk": waiting.declaration_id}
        )
    payload = {**payload, "code": code}
    lookups = _lookups_for(declaration)
    instance = P.build(target, payload, base=record, lookups=lookups)
    P.validate(instance, target)

    item = declaration.items.select_for_update().filter(target=target, code=code, status__in=OPEN_ITEM_STATUSES).first()
    if expected_item_version is not None and (item.version if item else 0) != expected_item_version:
        # Someone else declared a change to this record since the form was opened.
        raise StaleVersion(item or record, expected_item_version)
    if record is not None and P.same(P.to_payload(record, target), payload, target):
        if item is not None and item.status in OPEN_ITEM_STATUSES:
            item.delete()
        return None
    if item is None:
        return DeclarationItem.objects.create(
            declaration=declaration,
            target=target,
            code=code,
            payload=payload,
            action=ItemAction.UPDATE if record is not None else ItemAction.CREATE,
            base_version=record.version if record is not None else None,
            **({target: record} if record is not None else {}),
        )
    item.payload = payload
    item.status = ItemStatus.DRAFT
    item.base_version = record.version if record is not None else None
    item.save(update_fields=["payload", "status", "base_version", "updated_at"])
    return item


def _province_of(actor, record):
    """The province whose agency codes a declaration by `actor` names: the record's, else
    the actor's (codes are unique per province)."""
    if record is not None:
        return record.province_id
    return P.Lookups.for_user(actor).province_id


def _lookups_for(declaration: Declaration, preload: bool = False) -> P.Lookups:
    """Lookups that know the premises declared (but not yet in effect) in `declaration`."""
    pending = declaration.items.filter(
        target=ItemTarget.PREMISES, action=ItemAction.CREATE, premises__isnull=True
    ).values_list("code", "payload")
    return P.Lookups(
        unit_id=declaration.agency.admin_unit_id,
        province_id=declaration.province_id,
        preload=preload,
        pending_premises=dict(pending),
    )


@transaction.atomic
def withdraw_item(actor, item: DeclarationItem) -> None:
    """Remove a draft item from an open declaration (history keeps it)."""
    _check_declarant(actor, item.declaration.agency)
    if not item.declaration.editable or item.status not in OPEN_ITEM_STATUSES:
        raise ValidationError(_("Only draft or returned items can be withdrawn."))
    item.delete()


# -- submitting -------------------------------------------------------------------------


@transaction.atomic
def submit(actor, declaration: Declaration, expected_version=None) -> Declaration:
    """Submit (or resubmit) a declaration. Items that need approval wait for it; the
    others take effect now. Reviewers are notified."""
    declaration = lock(Declaration, declaration.pk, expected_version)
    _check_declarant(actor, declaration.agency)
    if not declaration.editable:
        raise ValidationError(_("This declaration was already submitted."))
    items = list(declaration.items.filter(status__in=OPEN_ITEM_STATUSES).order_by(TARGET_ORDER, "pk"))
    if not items:
        raise ValidationError(_("There is nothing to submit: add or change a record first."))
    lookups = _lookups_for(declaration)
    pending_codes = set(lookups.pending_premises)
    for item in items:
        instance = P.build(item.target, item.payload, base=item.record, lookups=lookups)
        try:
            P.validate(instance, item.target)
        except ValidationError as exc:
            raise ValidationError(
                _("%(item)s: %(errors)s")
                % {"item": item, "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())}
            ) from exc
        item.requires_approval = P.requires_approval(
            instance, item.target, pending_codes if item.payload.get("premises") in pending_codes else ()
        )
        if item.requires_approval:
            item.status = ItemStatus.PENDING
            item.save(update_fields=["requires_approval", "status", "updated_at"])
        else:
            _apply(item, lookups)
            item.status = ItemStatus.APPLIED
            item.save(update_fields=["requires_approval", "status", "premises", "asset", "need", "updated_at"])
    declaration.submitted_at, declaration.submitted_by = timezone.now(), actor
    declaration.status = (
        DeclarationStatus.SUBMITTED
        if declaration.items.filter(status=ItemStatus.PENDING).exists()
        else DeclarationStatus.APPROVED
    )
    declaration.save()
    if declaration.status == DeclarationStatus.SUBMITTED:
        notify(
            reviewers(),
            _("%(agency)s submitted declaration no. %(pk)s for review.")
            % {"agency": declaration.agency, "pk": declaration.pk},
            reverse("inventory:declaration_detail", args=[declaration.pk]),
        )
    return declaration


def _apply(item: DeclarationItem, lookups: P.Lookups):
    """Make the item's values the record's: create it or change it — only onto the
    version it was declared on (StaleVersion otherwise: the other change is kept). A new
    row of N fixed assets creates N records of one group (`payload.records_of`)."""
    base = item.record
    if base is not None and item.action == ItemAction.UPDATE:
        base = lock(type(base), base.pk, item.base_version)
    instance = P.build(item.target, item.payload, base=base, lookups=lookups)
    if item.target == ItemTarget.ASSET and instance.premises_id is None and item.payload.get("premises"):
        instance.premises = lookups.get("premises", item.payload["premises"])
        if instance.premises is None:
            raise ValidationError(
                _("Approve the premises %(code)s first: this asset is in it.") % {"code": item.payload["premises"]}
            )
    P.validate(instance, item.target)
    if base is None:
        taken = codes_taken(item.target, [instance.code], [item.declaration_id])
        if instance.code in taken:
            raise ValidationError(
                _("%(code)s: %(reason)s Return the item so that the declarant can change it.")
                % {"code": instance.code, "reason": taken[instance.code]}
            )
    records = [instance]
    if base is None and item.target == ItemTarget.ASSET:
        records = P.records_of(instance, _codes_after(instance.code))
        if len(records) > 1:
            taken = codes_taken(item.target, [r.code for r in records[1:]], [item.declaration_id])
            if taken:
                code, reason = next(iter(taken.items()))
                raise ValidationError(
                    _("%(code)s: %(reason)s Return the item so that the declarant can change it.")
                    % {"code": code, "reason": reason}
                )
    for record in records:
        record.save()
    instance = records[0]  # the item stands for the first record of its group
    setattr(item, item.target, instance)
    if item.target == ItemTarget.PREMISES:
        lookups.pending_premises.pop(instance.code, None)
        # Photos taken while declaring join the premises once it takes effect.
        item.attachments.filter(premises__isnull=True).update(premises=instance)
    return instance


def _codes_after(code: str) -> set[str]:
    """Codes `<code>-…` already held by a record or declared for a new one: the records
    a row of several fixed assets becomes are numbered around them."""
    model = P.MODELS[ItemTarget.ASSET]
    held = model.all_objects.filter(code__startswith=f"{code}-").values_list("code", flat=True)
    declared = DeclarationItem.objects.filter(
        target=ItemTarget.ASSET, code__startswith=f"{code}-", action=ItemAction.CREATE, status__in=OPEN_OR_PENDING
    ).values_list("code", flat=True)
    return {*held, *declared}


# -- reviewing --------------------------------------------------------------------------


@transaction.atomic
def review_item(actor, item: DeclarationItem, approve: bool, comment: str = "") -> DeclarationItem:
    """Approve one waiting item (it takes effect) or return it with a comment."""
    _check_reviewer(actor)
    item = DeclarationItem.objects.select_for_update().select_related("declaration").get(pk=item.pk)
    declaration = Declaration.objects.select_for_update().get(pk=item.declaration_id)
    if declaration.status != DeclarationStatus.SUBMITTED or item.status != ItemStatus.PENDING:
        raise ValidationError(_("This item is not waiting for review."))
    _decide(actor, item, approve, comment, _lookups_for(declaration))
    _settle(actor, declaration)
    return item


@transaction.atomic
def review_declaration(
    actor, declaration: Declaration, approve: bool, comment: str = "", expected_version=None
) -> Declaration:
    """Approve or return every waiting item of a declaration at once."""
    _check_reviewer(actor)
    declaration = lock(Declaration, declaration.pk, expected_version)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise ValidationError(_("This declaration is not waiting for review."))
    lookups = _lookups_for(declaration)
    for item in declaration.items.filter(status=ItemStatus.PENDING).order_by(TARGET_ORDER, "pk"):
        _decide(actor, item, approve, comment, lookups)
    if comment:
        declaration.review_comment = comment
    _settle(actor, declaration)
    return declaration


def _decide(actor, item, approve, comment, lookups) -> None:
    if approve:
        _apply(item, lookups)
        item.status = ItemStatus.APPROVED
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("Say what must be corrected when returning an item.")})
        item.status = ItemStatus.RETURNED
    item.review_comment = comment.strip()
    item.reviewed_by, item.reviewed_at = actor, timezone.now()
    item.save()
    if not approve and item.target == ItemTarget.PREMISES and item.action == ItemAction.CREATE:
        # Assets placed in a returned new premises cannot take effect without it.
        dependants = item.declaration.items.filter(
            target=ItemTarget.ASSET, status=ItemStatus.PENDING, payload__premises=item.code
        )
        for dependant in dependants:
            _decide(actor, dependant, False, _("Returned with its premises %(code)s.") % {"code": item.code}, lookups)


def _settle(actor, declaration: Declaration) -> None:
    """Once nothing waits any more: approved, or returned if any item was returned."""
    items = declaration.items
    if items.filter(status=ItemStatus.PENDING).exists():
        declaration.save()
        return
    returned = items.filter(status=ItemStatus.RETURNED).count()
    merged = _take_in_open_draft(declaration) if returned else None
    declaration.status = DeclarationStatus.RETURNED if returned else DeclarationStatus.APPROVED
    declaration.reviewed_by, declaration.reviewed_at = actor, timezone.now()
    declaration.save()
    if returned:
        message = _("Declaration no. %(pk)s was returned: %(n)s item(s) to correct.") % {
            "pk": declaration.pk,
            "n": returned,
        }
        if merged:
            message += " " + _("The draft no. %(draft)s you had started is now part of it (%(n)s item(s)).") % merged
    else:
        message = _("Declaration no. %(pk)s was approved.") % {"pk": declaration.pk}
    recipients = {declaration.created_by_id, declaration.submitted_by_id} - {None}
    notify(
        User.objects.filter(pk__in=recipients), message, reverse("inventory:declaration_detail", args=[declaration.pk])
    )


def _take_in_open_draft(declaration: Declaration) -> dict | None:
    """A returned declaration becomes the agency's one open declaration: a draft the
    agency started while it was under review is folded into it (its items move over,
    unchanged; the emptied draft is removed, its history kept), so nothing entered is
    lost and there are never two open declarations (`one_open_declaration_per_agency`).
    The items cannot collide: a record waiting for review cannot be drafted elsewhere."""
    draft = (
        Declaration.objects.select_for_update()
        .filter(agency_id=declaration.agency_id, status__in=OPEN_DECLARATION_STATUSES)
        .exclude(pk=declaration.pk)
        .first()
    )
    if draft is None:
        return None
    merged = {"draft": draft.pk, "n": draft.items.update(declaration=declaration)}
    if draft.note:
        declaration.note = "\n".join(n for n in (declaration.note, draft.note) if n)
    draft.delete()
    return merged


def notify(users, message: str, url: str = "") -> None:
    Notification.objects.bulk_create([Notification(user=u, message=message, url=url) for u in users])
