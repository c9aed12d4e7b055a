"""Coordinate reference systems of OGC API – Features Part 2 (CRS by reference).

Each system is named by its OGC URI. Stored geometries are WGS 84 (EPSG:4326, SRID 4326)
and are written in any system below by PostGIS (`ST_Transform`). EPSG:4326 by its URI
means latitude first, longitude second (its official axis order, /req/crs/fc-crs-action);
CRS84 is the same datum with longitude first, as GeoJSON expects. The two VN-2000 systems
(inventory.srs) have easting first, northing second, in metres.
"""

import math
from dataclasses import dataclass

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db.models import Func
from django.utils.translation import gettext as _

from inventory import srs

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@dataclass(frozen=True)
class Crs:
    uri: str
    srid: int
    lat_first: bool  # axis order of the system: latitude (northing) before longitude
    precision: int  # decimals written: degrees to 1 cm, metres to 1 mm
    # The extent of the system's valid coordinates (x_min, y_min, x_max, y_max) in its
    # own axis order, checked before a geometry is built (GEOS must never see 1e300).
    bounds: tuple[float, float, float, float]


SYSTEMS = {
    c.uri: c
    for c in (
        Crs(CRS84, srs.WGS84, False, 7, (-180, -90, 180, 90)),
        Crs(f"{EPSG}{srs.WGS84}", srs.WGS84, True, 7, (-90, -180, 90, 180)),
        Crs(
            f"{EPSG}{srs.VN2000_UTM48N}", srs.VN2000_UTM48N, False, 3, (-2_000_000, -10_000_000, 3_000_000, 10_000_000)
        ),
        Crs(
            f"{EPSG}{srs.VN2000_TM3_NGHE_AN}",
            srs.VN2000_TM3_NGHE_AN,
            False,
            3,
            (-2_000_000, -10_000_000, 3_000_000, 10_000_000),
        ),
    )
}
URIS = list(SYSTEMS)
STORAGE = SYSTEMS[CRS84]


class CrsError(ValueError):
    """A CRS or coordinates the server cannot use; the message is for the client."""


def lookup(value: str | None, parameter: str) -> Crs:
    """The system named by a `crs`, `bbox-crs` or `filter-crs` value (CRS84 when absent);
    a name not in the list is refused (/req/crs/fc-crs-valid-value)."""
    if value in (None, ""):
        return STORAGE
    value = value.strip().removeprefix("[").removesuffix("]")  # a safe CURIE-like form some clients send
    if value in SYSTEMS:
        return SYSTEMS[value]
    raise CrsError(
        _("%(parameter)s: not a supported coordinate system; use one of %(uris)s.")
        % {
            "parameter": parameter,
            "uris": ", ".join(URIS),
        }
    )


def check_xy(crs: Crs, pairs) -> None:
    """Every (x, y) finite and within the system's bounds, before any geometry is built."""
    x0, y0, x1, y1 = crs.bounds
    for x, y in pairs:
        if not (math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
            raise CrsError(_("A coordinate is not a finite number within the range of %(uri)s.") % {"uri": crs.uri})


def to_storage(geometry: GEOSGeometry, crs: Crs) -> GEOSGeometry:
    """A geometry given in `crs` (its axis order, already checked) as WGS 84 lon/lat."""
    geometry = geometry.clone()
    if crs.lat_first:
        geometry = GEOSGeometry(_flip(geometry.json), srid=srs.WGS84)
    geometry.srid = crs.srid
    if crs.srid != srs.WGS84:
        geometry.transform(srs.WGS84)
    return geometry


def _flip(geojson_text: str) -> str:
    import json

    def flip(c):
        return [flip(x) for x in c] if isinstance(c[0], list) else [c[1], c[0], *c[2:]]

    data = json.loads(geojson_text)
    data["coordinates"] = flip(data["coordinates"])
    return json.dumps(data)


def bbox(values: str, crs: Crs) -> Polygon:
    """`bbox` (4 or 6 numbers, lower corner then upper corner in the axis order of `crs`)
    as a WGS 84 polygon. In a projected system the box's four corners and edge points
    are transformed, so the polygon holds the whole box."""
    parts = values.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise CrsError(_("bbox: give four numbers separated by commas.")) from None
    if len(numbers) == 6:
        numbers = numbers[0:2] + numbers[3:5]  # heights are not used
    if len(numbers) != 4:
        raise CrsError(_("bbox: give four numbers separated by commas."))
    a1, b1, a2, b2 = numbers
    check_xy(crs, [(a1, b1), (a2, b2)])
    if not (a1 < a2 and b1 < b2):
        raise CrsError(_("bbox: the lower corner must come before the upper corner."))
    if crs.lat_first:
        a1, b1, a2, b2 = b1, a1, b2, a2  # to lon/lat
        crs_xy = STORAGE
    else:
        crs_xy = crs
    box = Polygon.from_bbox((a1, b1, a2, b2))
    if crs_xy.srid == srs.WGS84:
        box.srid = srs.WGS84
        return box
    ring = _densified(a1, b1, a2, b2)
    box = Polygon(ring, srid=crs_xy.srid)
    box.transform(srs.WGS84)
    return box


def _densified(x1, y1, x2, y2, steps=8):
    points = []
    for i in range(steps):
        points.append((x1 + (x2 - x1) * i / steps, y1))
    for i in range(steps):
        points.append((x2, y1 + (y2 - y1) * i / steps))
    for i in range(steps):
        points.append((x2 - (x2 - x1) * i / steps, y2))
    for i in range(steps):
        points.append((x1, y2 - (y2 - y1) * i / steps))
    points.append(points[0])
    return points


def output_geometry(geometry, crs: Crs):
    """The expression writing the geometry column `geometry` in `crs`, axis order included."""
    expression = geometry if crs.srid == srs.WGS84 else Transform(geometry, crs.srid)
    if crs.lat_first:
        expression = Func(expression, function="ST_FlipCoordinates", output_field=GeometryField(srid=crs.srid))
    return expression


def header(crs: Crs) -> str:
    """The `Content-Crs` header value (/req/crs/ogc-crs-header-value): the URI in angle brackets."""
    return f"<{crs.uri}>"
