"""Operations of the maps app, each in a transaction with an explicit actor."""

from pathlib import Path

from django.db import transaction

from inventory.geodata import LINES, POINTS, POLYGONS, read_features
from inventory.history import history_context
from maps.choices import LayerKind
from maps.models import HazardFeature, HazardLayer, RoadClass
from maps.routing import build_network, road_class_code

# Attributes a road layer commonly names its class by, tried in order when none is named.
ROAD_CLASS_FIELDS = ("road_class", "highway", "class", "cap_duong", "loai_duong", "fclass")

ALLOWED_GEOMETRIES = {
    LayerKind.FLOOD: POLYGONS,
    LayerKind.LANDSLIDE: POLYGONS,
    LayerKind.HAZARD_SITE: POINTS | POLYGONS,
    LayerKind.ROAD: LINES,
}


@history_context(command="import_layer")
@transaction.atomic
def import_layer(
    path,
    kind: str,
    name: str,
    actor=None,
    label_field: str | None = None,
    is_demo: bool = False,
    srs: int | None = None,
    class_field: str | None = None,
) -> HazardLayer:
    """A new layer from a GeoJSON/Shapefile: reprojected to WGS 84; an empty file, a
    geometry of the wrong type or an invalid one is refused and nothing is written. `srs`
    names the file's system when the file does not (VN-2000: 9208 or 3405).

    A road layer's features get the road class their `class_field` attribute means
    (by code or alias of `RoadClass`; the first of ROAD_CLASS_FIELDS found when no
    field is named; the unknown class otherwise) in the `road_class` property, and the
    road network is rebuilt from every road layer."""
    features, source_crs = read_features(
        path,
        ALLOWED_GEOMETRIES[kind],
        label_field=label_field,
        srs=srs,
        required_fields=(class_field,) if class_field else (),
    )
    if kind == LayerKind.ROAD:
        classes = list(RoadClass.objects.all())
        for f in features:
            field = class_field or next((k for k in ROAD_CLASS_FIELDS if k in f.properties), None)
            f.properties["road_class"] = road_class_code(f.properties.get(field) if field else None, classes)
    layer = HazardLayer.objects.create(
        name=name, kind=kind, source=Path(path).name, source_crs=source_crs, is_demo=is_demo, imported_by=actor
    )
    HazardFeature.objects.bulk_create(
        [
            HazardFeature(
                layer=layer,
                geometry=f.geometry,
                label=str(f.properties.get(label_field) or "") if label_field else "",
                properties={
                    k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
                    for k, v in f.properties.items()
                },
            )
            for f in features
        ]
    )
    if kind == LayerKind.ROAD:
        build_network()
    return layer
