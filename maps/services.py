"""Operations of the maps app, each in a transaction with an explicit actor."""

from pathlib import Path

from django.db import transaction

from inventory.geodata import LINES, POINTS, POLYGONS, read_features
from inventory.history import history_context
from maps.choices import LayerKind
from maps.models import HazardFeature, HazardLayer

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
) -> HazardLayer:
    """A new layer from a GeoJSON/Shapefile: reprojected to WGS 84; an empty file, a
    geometry of the wrong type or an invalid one is refused and nothing is written. `srs`
    names the file's system when the file does not (VN-2000: 9208 or 3405)."""
    features, source_crs = read_features(path, ALLOWED_GEOMETRIES[kind], label_field=label_field, srs=srs)
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
    return layer
