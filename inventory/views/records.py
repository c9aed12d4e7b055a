"""What the premises, asset and need pages (`views.premises`, `views.assets`,
`views.needs`) share: the list of records with the new ones still being declared beside
it, and the form that declares a new record or a change to one — also the form of a
declaration's item (`views.declarations.item_edit`). Every object is fetched through the
user's scope; every change goes through `inventory.services.declarations`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.choices import OPEN_DECLARATION_STATUSES, ItemAction, ItemStatus, ItemTarget
from inventory.filtersets import form_data
from inventory.forms import FORMS
from inventory.models import DeclarationItem
from inventory.services import attachments as attachment_service
from inventory.services import declarations as services
from inventory.services import declared_values
from inventory.srs import SRS_CHOICES
from inventory.versioning import StaleVersion
from inventory.views.common import conflict_response, error_text, paginate, require_declarant

# New records declared but not yet in effect, listed above the records.
DECLARED_STATUSES = (ItemStatus.DRAFT, ItemStatus.PENDING, ItemStatus.RETURNED)


def list_page(request, target: str, filterset_class, related: tuple[str, ...]):
    """The records of one kind the user may see, filtered, one page of them."""
    model = declared_values.MODELS[target]
    queryset = model.objects.visible_to(request.user).select_related(*related).order_by("code")
    filterset = filterset_class(form_data(request.GET), queryset=queryset, request=request)
    declared = (
        DeclarationItem.objects.visible_to(request.user)
        .filter(target=target, action=ItemAction.CREATE, status__in=DECLARED_STATUSES)
        .select_related("declaration")
    )
    return render(
        request,
        f"inventory/declarations/{target}_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "declared": declared,
            "target": target,
            "export_systems": SRS_CHOICES,
        },
    )


def _open_item(target: str, record) -> DeclarationItem | None:
    """The change to `record` already being declared, if any: the form continues it."""
    return DeclarationItem.objects.filter(
        target=target,
        code=record.code,
        status__in=services.OPEN_ITEM_STATUSES,
        declaration__status__in=OPEN_DECLARATION_STATUSES,
    ).first()


def _form_kwargs(request, target: str, record, item) -> dict:
    """The form's arguments: a new record starts with the user's agency (and, for an
    asset, the premises it was declared from); a change continues its open item."""
    kwargs = {"user": request.user, "record": record, "item": item}
    if record is None and item is None:
        initial = {"agency": getattr(request.user.agency, "code", None)}
        if target == ItemTarget.ASSET and request.GET.get("premises"):
            initial["premises"] = request.GET["premises"]
        kwargs["initial"] = initial
    elif record is not None and item is None:
        kwargs["item"] = _open_item(target, record)
    return kwargs


def form_page(request, target: str, record=None, item=None):
    """Declare a new record (record=None) or a change to `record`; on a valid post the
    change is put in the agency's open declaration, with the photos sent along."""
    require_declarant(request.user)
    kwargs = _form_kwargs(request, target, record, item)
    if request.method != "POST":
        form = FORMS[target](**kwargs)
    else:
        form = FORMS[target](request.POST, **kwargs)
        if form.is_valid():
            try:
                return _propose(request, target, form, record)
            except StaleVersion as exc:
                labels = {name: field.label for name, field in form.fields.items()}
                return conflict_response(request, exc, form.payload, labels, retry_url=request.get_full_path())
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
    return render(
        request,
        "inventory/declarations/record_form.html",
        {"form": form, "target": target, "record": record, "item": kwargs["item"]},
    )


def _propose(request, target: str, form, record):
    """Put the form's change in the open declaration and say where it went."""
    with transaction.atomic():
        saved = services.propose(
            request.user,
            target,
            form.payload,
            record=record,
            expected_version=form.opened_version,
            expected_item_version=form.opened_item_version,
        )
        for photo in request.FILES.getlist("photos") if saved is not None else ():
            attachment_service.attach_to_item(request.user, saved, photo)
    if saved is None:
        messages.info(request, _("Nothing changed: the record already has these values."))
        return redirect(record_url(target, record))
    messages.success(
        request,
        _("Saved in declaration no. %(pk)s (draft). Submit it when ready.") % {"pk": saved.declaration_id},
    )
    return redirect("inventory:declaration_detail", saved.declaration_id)


def record_url(target: str, record) -> str:
    """Where a record is shown: a premises on its page, the others in their list."""
    if target == ItemTarget.PREMISES:
        return reverse("inventory:premises_detail", args=[record.pk])
    return reverse(f"inventory:{target}_list")
