"""Demo layers for the siting study: a small flood layer and a hazard site, plainly
labelled as demo data (not real hazard maps); and a synthetic road network over the
demo communes (not real roads) that the access review and road distances run on."""

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import connection, transaction

from inventory.choices import UnitLevel
from inventory.history import history_context
from inventory.models import AdministrativeUnit
from maps.choices import LayerKind
from maps.models import HazardFeature, HazardLayer
from maps.routing import build_network

# The synthetic roads join the centres of neighbouring former communes and districts
# (a Delaunay triangulation); links longer than this are left out, so a few remote
# mountain communes are reached by no road and show the labelled estimate.
DEMO_ROAD_MAX_M = 15000
# And one remote commune is left with no road at all, so the demo shows what the pages
# say when no road reaches a place: the estimate, labelled, with the reason.
DEMO_UNROADED = "Xã Mỹ Lý"

# Low-lying former communes along the Lam river (Hưng Nguyên, Nam Đàn): demo flood areas.
FLOOD_DISTRICTS = ("Huyện Hưng Nguyên", "Huyện Nam Đàn")
FLOOD_COMMUNES = 6
HALF_SIDE_DEG = 0.012  # about 1.3 km


def demo_layers_present() -> bool:
    return HazardLayer.objects.filter(is_demo=True).exists()


def demo_roads_present() -> bool:
    return HazardLayer.objects.filter(is_demo=True, kind=LayerKind.ROAD).exists()


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
    return [flood, sites, create_demo_roads()]


def create_demo_roads() -> HazardLayer:
    """A synthetic road layer: straight links between the centres of neighbouring former
    communes and districts (Delaunay edges up to DEMO_ROAD_MAX_M, none to the former
    commune DEMO_UNROADED), a link touching a district centre a provincial road, the
    others commune roads; then the network."""
    roads = HazardLayer.objects.create(
        name="Mạng đường (DỮ LIỆU MẪU — đường giả lập, không phải bản đồ thật)",
        kind=LayerKind.ROAD,
        source="generate_demo_layers",
        source_crs="WGS 84",
        is_demo=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH pts AS (
              SELECT centroid, level FROM inventory_administrativeunit
               WHERE level IN (%s, %s)
            ), links AS (
              SELECT (ST_Dump(ST_DelaunayTriangles(ST_Collect(centroid), 0, 1))).geom AS g FROM pts
            )
            SELECT ST_AsEWKB(g),
                   EXISTS (SELECT 1 FROM pts WHERE level = %s
                            AND (pts.centroid = ST_StartPoint(g) OR pts.centroid = ST_EndPoint(g)))
              FROM links
             WHERE ST_Length(g::geography) <= %s
               AND NOT EXISTS (SELECT 1 FROM inventory_administrativeunit u
                                WHERE u.level = %s AND u.name = %s AND ST_DWithin(u.centroid, g, 1e-6))
             ORDER BY ST_X(ST_StartPoint(g)), ST_Y(ST_StartPoint(g)), ST_X(ST_EndPoint(g)), ST_Y(ST_EndPoint(g))
            """,
            [
                UnitLevel.LEGACY_COMMUNE,
                UnitLevel.LEGACY_DISTRICT,
                UnitLevel.LEGACY_DISTRICT,
                DEMO_ROAD_MAX_M,
                UnitLevel.LEGACY_COMMUNE,
                DEMO_UNROADED,
            ],
        )
        links = cursor.fetchall()
    HazardFeature.objects.bulk_create(
        [
            HazardFeature(
                layer=roads,
                label="Đường tỉnh mẫu" if provincial else "Đường xã mẫu",
                geometry=GEOSGeometry(memoryview(bytes(wkb))),
                properties={"road_class": "provincial" if provincial else "commune"},
            )
            for wkb, provincial in links
        ],
        batch_size=1000,
    )
    build_network()
    return roads
