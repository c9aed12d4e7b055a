"""The coordinate reference systems the project speaks (hệ tọa độ).

Everything is stored in WGS 84 (EPSG:4326). Land and survey data in Viet Nam are in VN-2000: the
national UTM zone 48N and, for cadastral work, the provincial 3° transverse Mercator zone — for
Nghệ An the central meridian (kinh tuyến trục) 104°45′, scale 0.9999 (EPSG:9208). Debian's PostGIS
3.3 lacks 9208 in ``spatial_ref_sys``; migration 0022 adds the row from PROJ's own definition.
"""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WGS84 = 4326
VN2000_UTM48N = 3405  # VN-2000 / UTM zone 48N
VN2000_TM3_NGHE_AN = 9208  # VN-2000 / TM-3 104-45 (Nghệ An)

# What a user may pick where a system is chosen (imports, exports, entry by X/Y), with its label.
VN2000_SRIDS = (VN2000_TM3_NGHE_AN, VN2000_UTM48N)

# --- Reading and writing coordinates in these systems -------------------------------------------

# The systems a file, an export or a typed X/Y may be in, with the label a user picks.
SRS_LABELS = {
    VN2000_TM3_NGHE_AN: _("VN-2000, provincial zone TM-3 104°45′ (EPSG:9208)"),
    VN2000_UTM48N: _("VN-2000, UTM zone 48N (EPSG:3405)"),
    WGS84: _("WGS 84, longitude/latitude (EPSG:4326)"),
}
SRS_CHOICES = list(SRS_LABELS.items())
VN2000_CHOICES = [(srid, SRS_LABELS[srid]) for srid in VN2000_SRIDS]

# Viet Nam's extent in longitude/latitude: the area of use of VN-2000 (EPSG:4756, "Vietnam -
# onshore": 102.14–109.53°E, 8.33–23.40°N), widened by 0.25° for coastal communes' waters.
VIETNAM_EXTENT = (101.89, 8.08, 109.78, 23.65)

# What a surveyor may type as VN-2000 metres (X northing, Y easting as on a land certificate): in
# either zone every place in Viet Nam has a northing of 0.9–2.7 million m and an easting within
# 500 km of the false easting 500,000 m. Checked before any geometry is built or PROJ is called.
NORTHING_RANGE = (800_000, 2_700_000)
EASTING_RANGE = (0, 1_000_000)


def coordinate_columns(srid: int) -> tuple[str, str]:
    """The names of the two coordinate columns of a CSV/XLSX export: longitude, latitude in
    WGS 84; in VN-2000 X (northing) then Y (easting) as a land certificate prints them,
    the system in the name (``x_northing_epsg9208``)."""
    if srid == WGS84:
        return "longitude", "latitude"
    return f"x_northing_epsg{srid}", f"y_easting_epsg{srid}"


def coordinate_values(srid: int, point) -> tuple[float, float]:
    """The two coordinate columns' values of a point already in `srid` (GEOS): longitude,
    latitude to 7 decimals (about a centimetre); in VN-2000 X (northing), Y (easting) in
    metres to the millimetre."""
    if srid == WGS84:
        return round(point.x, 7), round(point.y, 7)
    return round(point.y, 3), round(point.x, 3)


def crs_member(srid: int) -> dict:
    """GeoJSON's (2008) named-CRS member, which GDAL and QGIS read: RFC 7946 has WGS 84 only."""
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}


def parse_srid(value) -> int | None:
    """A system a user named (``9208``, ``EPSG:9208``), or None when it is not one we speak."""
    text = str(value or "").strip().upper().removeprefix("EPSG:")
    return int(text) if text.isdigit() and int(text) in SRS_LABELS else None


def in_vietnam(lon: float, lat: float) -> bool:
    west, south, east, north = VIETNAM_EXTENT
    return west <= lon <= east and south <= lat <= north


def check_vn2000_xy(x_north, y_east) -> tuple[float, float]:
    """The typed X (northing) and Y (easting) as floats, or a ValidationError keyed
    ``vn2000_x``/``vn2000_y`` — finite and in range, and not swapped."""
    try:
        x, y = float(x_north), float(y_east)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("X and Y must be numbers, in metres.")) from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValidationError(_("X and Y must be numbers, in metres."))
    if NORTHING_RANGE[0] <= y <= NORTHING_RANGE[1] and EASTING_RANGE[0] <= x <= EASTING_RANGE[1]:
        raise ValidationError(
            _(
                "X looks like an easting and Y like a northing: on a land certificate X is the northing "
                "(7 digits, e.g. 2 067 000) and Y the easting (6 digits, e.g. 571 000). Swap them."
            ),
            code="swapped",
        )
    errors = {}
    if not NORTHING_RANGE[0] <= x <= NORTHING_RANGE[1]:
        errors["vn2000_x"] = _("X (northing) must be between %(low)s and %(high)s m.") % {
            "low": f"{NORTHING_RANGE[0]:,}",
            "high": f"{NORTHING_RANGE[1]:,}",
        }
    if not EASTING_RANGE[0] <= y <= EASTING_RANGE[1]:
        errors["vn2000_y"] = _("Y (easting) must be between %(low)s and %(high)s m.") % {
            "low": f"{EASTING_RANGE[0]:,}",
            "high": f"{EASTING_RANGE[1]:,}",
        }
    if errors:
        raise ValidationError(errors)
    return x, y


def vn2000_point(srid: int, x_north, y_east):
    """The WGS 84 point (GEOS, SRID 4326) of a VN-2000 X (northing) / Y (easting) in `srid`,
    checked before PROJ is called and after: it must fall in Viet Nam."""
    from django.contrib.gis.geos import Point

    if srid not in VN2000_SRIDS:
        raise ValidationError({"vn2000_system": _("Choose a VN-2000 system.")})
    x, y = check_vn2000_xy(x_north, y_east)
    point = Point(y, x, srid=srid)  # GIS order: easting first
    point.transform(WGS84)
    if not (math.isfinite(point.x) and math.isfinite(point.y)) or not in_vietnam(point.x, point.y):
        raise ValidationError(
            _("These X/Y are not in Viet Nam in the chosen system: check the system and the numbers.")
        )
    return point


def to_srs(srid: int, lon: float, lat: float) -> tuple[float, float]:
    """(x, y) of a WGS 84 longitude/latitude in `srid` in GIS order (easting, northing for
    VN-2000; lon, lat for 4326)."""
    if srid == WGS84:
        return lon, lat
    from django.contrib.gis.geos import Point

    point = Point(lon, lat, srid=WGS84)
    point.transform(srid)
    return point.x, point.y
