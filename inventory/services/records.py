"""Record-wide operations: revaluation and the home-page totals."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from inventory.bulk import fresh_plans
from inventory.choices import PremisesStatus
from inventory.models import Asset, House, Premises

REVALUE_BATCH = 2000


@transaction.atomic
def revalue_class(asset_class) -> int:
    """Recompute the stored remaining value of every asset and house of a class,
    after its wear rate changed. Returns the number of records revalued."""
    changed = 0
    fresh_plans()
    for model, field in ((Asset, "asset_class"), (House, "building_class")):
        batch = []
        rows = (
            model.objects.filter(**{field: asset_class}).select_related(field).prefetch_related(*model.VALUE_PREFETCH)
        )
        for obj in rows.iterator(chunk_size=REVALUE_BATCH):
            setattr(obj, field, asset_class)
            obj.recompute_value()
            batch.append(obj)
            if len(batch) >= REVALUE_BATCH:
                changed += model.objects.bulk_update(batch, ["remaining_value", "valuation_date"])
                batch = []
        if batch:
            changed += model.objects.bulk_update(batch, ["remaining_value", "valuation_date"])
    return changed


def dashboard_totals(user) -> dict:
    """Totals shown on the home page, over what `user` may see."""
    premises = Premises.objects.visible_to(user)
    assets = Asset.objects.visible_to(user)
    by_status = dict(premises.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    zero = Value(Decimal(0))
    # book values, as every report prints them
    surplus_premises_value = premises.surplus().aggregate(v=Coalesce(Sum("book_remaining_value"), zero))["v"]
    surplus_assets_value = assets.surplus().aggregate(v=Coalesce(Sum("book_remaining_value"), zero))["v"]
    asset_totals = assets.aggregate(lines=Count("pk"), items=Coalesce(Sum("quantity"), 0))
    return {
        "premises_by_status": [
            {
                "status": status,
                "label": status.label,
                "colour": PremisesStatus.colour(status),
                "count": by_status.get(status.value, 0),
            }
            for status in PremisesStatus
        ],
        "premises_total": sum(by_status.values()),
        "asset_lines": asset_totals["lines"],
        "asset_items": asset_totals["items"],
        "surplus_premises_value": surplus_premises_value,
        "surplus_assets_value": surplus_assets_value,
        "surplus_value": surplus_premises_value + surplus_assets_value,
    }
