"""Demo layers for the siting study: a small flood layer and a hazard site, plainly
labelled as demo data (not real hazard maps)."""

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction

from inventory.history import history_context
from inventory.models import AdministrativeUnit
from maps.choices import LayerKind
from maps.models import HazardFeature, HazardLayer

# Low-lying former communes along the Lam river (Hưng Nguyên, Nam Đàn): demo flood areas.
FLOOD_DISTRICTS = ("Huyện Hưng Nguyên", "Huyện Nam Đàn")
FLOOD_COMMUNES = 6
HALF_SIDE_DEG = 0.012  # about 1.3 km


def demo_layers_present() -> bool:
    return HazardLayer.objects.filter(is_demo=True).exists()


@history_context(command="generate_demo_layers")
@transaction.atomic
def create_demo_layers() -> list[HazardLayer]:
    communes = AdministrativeUnit.objects.filter(parent__name__in=FLOOD_DISTRICTS).order_by("code")[:FLOOD_COMMUNES]
    flood = HazardLayer.objects.create(
        name="Vùng ngập lụt (DỮ LIỆU MẪU — không phải bản đồ thật)",
        kind=LayerKind.FLOOD,
        source="generate_demo_layers",
        source_crs="WGS 84",
        is_demo=True,
    )
    HazardFeature.objects.bulk_create(
        [
            HazardFeature(
                layer=flood,
                label=f"Ngập mẫu quanh {c.name}",
                geometry=MultiPolygon(
                    Polygon.from_bbox(
                        (
                            c.centroid.x - HALF_SIDE_DEG,
                            c.centroid.y - HALF_SIDE_DEG,
                            c.centroid.x + HALF_SIDE_DEG,
                            c.centroid.y + HALF_SIDE_DEG,
                        )
                    ),
                    srid=4326,
                ),
            )
            for c in communes
        ]
    )
    vinh = AdministrativeUnit.objects.filter(name="Phường Vinh Hưng").first() or AdministrativeUnit.objects.first()
    sites = HazardLayer.objects.create(
        name="Kho xăng dầu (DỮ LIỆU MẪU)",
        kind=LayerKind.HAZARD_SITE,
        source="generate_demo_layers",
        source_crs="WGS 84",
        is_demo=True,
    )
    HazardFeature.objects.create(
        layer=sites, label="Kho xăng dầu mẫu", geometry=Point(vinh.centroid.x + 0.01, vinh.centroid.y, srid=4326)
    )
    return [flood, sites]
