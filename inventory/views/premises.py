"""Premises pages (/declarations/premises/): the list, a premises' own page with its
houses, assets, files and declared changes, declaring a new one or a change, and
attaching a file. The shared list and form are `views.records`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import ItemTarget
from inventory.filtersets import PremisesFilterSet
from inventory.forms import AttachmentForm
from inventory.models import Premises
from inventory.permissions import can_declare
from inventory.services import attachments as attachment_service
from inventory.views import records
from inventory.views.common import error_text, scoped
from inventory.views.public import publish_context


@login_required
def premises_list(request):
    return records.list_page(request, ItemTarget.PREMISES, PremisesFilterSet, ("agency", "admin_unit"))


@login_required
def premises_create(request):
    return records.form_page(request, ItemTarget.PREMISES)


@login_required
def premises_edit(request, pk):
    return records.form_page(request, ItemTarget.PREMISES, record=scoped(Premises, request.user, pk=pk))


@login_required
def premises_detail(request, pk):
    premises = scoped(Premises, request.user, pk=pk)
    return render(
        request,
        "inventory/declarations/premises_detail.html",
        {
            "premises": premises,
            "houses": list(premises.houses.select_related("building_class").order_by("id")),
            "assets": premises.assets.select_related("asset_class").order_by("code")[:200],
            "attachments": premises.attachments.all(),
            "items": premises.declaration_items.select_related("declaration").order_by("-pk")[:20],
            "handling": premises.handling_records.select_related("form", "receiving_agency").order_by("-pk"),
            "attachment_form": AttachmentForm(),
            "may_edit": can_declare(request.user),
            **publish_context(request.user, premises),
        },
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    premises = scoped(Premises, request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_service.attach(request.user, premises, form.cleaned_data["file"], form.cleaned_data["title"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("inventory:premises_detail", pk)
