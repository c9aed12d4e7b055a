"""Asset pages (/declarations/asset/): the list and declaring a new asset or a change.
The shared list and form are `views.records`."""

from django.contrib.auth.decorators import login_required

from inventory.choices import ItemTarget
from inventory.filtersets import AssetFilterSet
from inventory.models import Asset
from inventory.views import records
from inventory.views.common import scoped


@login_required
def asset_list(request):
    return records.list_page(request, ItemTarget.ASSET, AssetFilterSet, ("agency", "asset_class", "premises"))


@login_required
def asset_create(request):
    return records.form_page(request, ItemTarget.ASSET)


@login_required
def asset_edit(request, pk):
    return records.form_page(request, ItemTarget.ASSET, record=scoped(Asset, request.user, pk=pk))
