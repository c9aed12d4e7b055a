"""Need pages (/declarations/need/): what agencies lack, listed, and declaring a new
need or a change. The shared list and form are `views.records`."""

from django.contrib.auth.decorators import login_required

from inventory.choices import ItemTarget
from inventory.filtersets import NeedFilterSet
from inventory.models import Need
from inventory.views import records
from inventory.views.common import scoped


@login_required
def need_list(request):
    return records.list_page(request, ItemTarget.NEED, NeedFilterSet, ("agency", "asset_class", "priority_use"))


@login_required
def need_create(request):
    return records.form_page(request, ItemTarget.NEED)


@login_required
def need_edit(request, pk):
    return records.form_page(request, ItemTarget.NEED, record=scoped(Need, request.user, pk=pk))
