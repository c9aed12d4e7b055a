"""Reading vector geodata files (GeoJSON, Shapefile, any format GDAL reads) into
WGS 84 geometries, with the checks every import needs: a readable file, features, the
expected geometry types, non-empty and valid geometries. Nothing is written here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

WGS84 = SpatialReference(4326)
POLYGONS = frozenset({"Polygon", "MultiPolygon"})
POINTS = frozenset({"Point", "MultiPoint"})
LINES = frozenset({"LineString", "MultiLineString"})


class GeodataError(ValueError):
    """The file cannot be imported; nothing was written."""


@dataclass
class Feature:
    index: int
    geometry: GEOSGeometry
    properties: dict = field(default_factory=dict)


def read_features(
    path, allowed: frozenset[str], label_field: str | None = None, required_fields: tuple[str, ...] = ()
) -> tuple[list[Feature], str]:
    """The first layer's features as 2D geometries in SRID 4326, and the source CRS's
    name. A layer without CRS is taken as WGS 84."""
    path = Path(path)
    if not path.exists():
        raise GeodataError(_("File not found: %(path)s") % {"path": path})
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise GeodataError(
            _("%(path)s is not a geodata file GDAL can read (GeoJSON, Shapefile...).") % {"path": path.name}
        ) from exc
    if source.layer_count < 1:
        raise GeodataError(_("%(path)s holds no layer.") % {"path": path.name})
    layer = source[0]
    for name in required_fields:
        if name not in layer.fields:
            raise GeodataError(
                _("The field “%(field)s” is not in %(path)s. Fields found: %(fields)s.")
                % {"field": name, "path": path.name, "fields": ", ".join(layer.fields) or "—"}
            )
    srs = layer.srs or WGS84
    features = []
    for index, feature in enumerate(layer, start=1):
        properties = {name: feature.get(name) for name in layer.fields}
        label = properties.get(label_field) if label_field else index
        ogr = feature.geom
        kind = ogr.geom_type.name.replace("25D", "") if ogr is not None else _("no geometry")
        if ogr is None or kind not in allowed:
            raise GeodataError(
                _("Feature %(i)s (%(label)s) is a %(kind)s; expected %(expected)s.")
                % {"i": index, "label": label, "kind": kind, "expected": ", ".join(sorted(allowed))}
            )
        if ogr.srs is None:
            ogr.srs = srs
        ogr.transform(WGS84)
        if ogr.coord_dim == 3:
            ogr.coord_dim = 2
        geom = GEOSGeometry(ogr.wkb, srid=4326)
        if geom.empty:
            raise GeodataError(_("Feature %(i)s (%(label)s) has an empty geometry.") % {"i": index, "label": label})
        if not geom.valid:
            raise GeodataError(
                _("Feature %(i)s (%(label)s) is not a valid geometry: %(reason)s.")
                % {"i": index, "label": label, "reason": geom.valid_reason}
            )
        features.append(Feature(index=index, geometry=geom, properties=properties))
    if not features:
        raise GeodataError(_("%(path)s holds no features.") % {"path": path.name})
    return features, srs.name or "WGS 84"
