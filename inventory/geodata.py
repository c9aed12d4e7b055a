"""Geometry that comes from outside, checked before anything is built from it.

`check_lonlat()` is the one rule for coordinates: every one finite and within
longitude −180…180 and latitude −90…90. It runs on every path a geometry comes in by
(forms, Excel rows, API and map parameters, layer and boundary files) before the
geometry is transformed, validated, written or turned into text — GEOS 3.11's WKT
writer overflows its buffer on a coordinate like 1e300 and aborts the process. The
database holds the same rule as a CHECK constraint on every geometry column
(`lonlat_ok()`, migration 0010), so nothing out of range is ever stored.

`read_features()` reads vector files (GeoJSON, zipped Shapefile, GeoPackage,
FlatGeobuf) into WGS 84 geometries with the checks every import needs: only those
drivers (a VRT or any other format that may fetch a URL or read another file is never
opened), GDAL's and PROJ's network access off, features of the expected types,
non-empty, in range and valid. Nothing is written here."""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, SpatialReference
from django.contrib.gis.gdal.driver import Driver
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as capi
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WGS84 = SpatialReference(4326)
POLYGONS = frozenset({"Polygon", "MultiPolygon"})
POINTS = frozenset({"Point", "MultiPoint"})
LINES = frozenset({"LineString", "MultiLineString"})


class GeodataError(ValueError):
    """The file cannot be imported; nothing was written."""


def coordinates(geom):
    """Every (x, y) of a GEOS geometry, without making text of it."""
    kind = geom.geom_type
    if kind == "Point":
        if not geom.empty:
            yield geom.coords[:2]
    elif kind in ("LineString", "LinearRing"):
        yield from (c[:2] for c in geom.coords)
    elif kind == "Polygon":
        for ring in geom:
            yield from (c[:2] for c in ring.coords)
    else:  # Multi* and collections
        for part in geom:
            yield from coordinates(part)


def lonlat_problem(geom) -> str | None:
    """Why the geometry's coordinates are not longitude/latitude, or None."""
    for x, y in coordinates(geom):
        if not (math.isfinite(x) and math.isfinite(y)):
            return _("The coordinates must be numbers (not NaN or infinity).")
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            return _("The coordinates are out of range: longitude −180…180, latitude −90…90.")
    return None


# Projected coordinates (metres) beyond this are no place on Earth; PROJ may not return
# from reprojecting them (an inverse Mercator of 1e300 spins).
PROJECTED_LIMIT = 1e8


def reprojectable(geom) -> bool:
    """True when every coordinate is a finite number of bounded size: safe to hand to PROJ."""
    return all(math.isfinite(c) and abs(c) <= PROJECTED_LIMIT for xy in coordinates(geom) for c in xy)


def check_lonlat(geom) -> None:
    """Raise ValidationError unless every coordinate of `geom` is a finite longitude
    (−180…180) and latitude (−90…90). Call it before the geometry is used in any way."""
    problem = lonlat_problem(geom)
    if problem:
        raise ValidationError(problem, code="coordinates")


# Formats a file may be read as; anything else (VRT, WFS, CSV with a URL, ...) is refused
# before GDAL opens it, so no driver that follows links is ever used on an upload.
ACCEPTED_DRIVERS = ("GeoJSON", "ESRI Shapefile", "GPKG", "FlatGeobuf")
# No network for GDAL or PROJ in this process: an upload cannot make the server fetch.
_NETWORK_OFF = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # discard port: any HTTP GDAL would try fails at once
    "GDAL_HTTP_TIMEOUT": "1",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none",
}
os.environ.setdefault("PROJ_NETWORK", "OFF")


def _network_off() -> None:
    for key, value in _NETWORK_OFF.items():
        lgdal.CPLSetConfigOption(key.encode(), value.encode())


def open_vector(path) -> DataSource:
    """The file as a GDAL data source, opened only by the accepted drivers."""
    _network_off()
    Driver.ensure_registered()
    path = Path(path)
    if str(path).startswith("/vsi"):
        raise GDALException("virtual paths are not read")
    allowed = (ctypes.c_char_p * (len(ACCEPTED_DRIVERS) + 1))(*(d.encode() for d in ACCEPTED_DRIVERS), None)
    try:
        handle = capi.open_ds(str(path).encode(), capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR, allowed, None, None)
    except GDALException:
        handle = None
    if not handle:
        raise GDALException("not an accepted vector file")
    return DataSource(handle, ds_driver=capi.get_dataset_driver(handle))


# Unpacking a zipped Shapefile: what it may hold at most, uncompressed.
ZIP_MAX_BYTES = 200 * 1024 * 1024
ZIP_MAX_MEMBERS = 200
ZIP_MAX_RATIO = 200


def unpack_upload(path: Path, folder: Path) -> Path:
    """The file to read from an uploaded file: itself, or the Shapefile (or other
    accepted file) inside a zip, unpacked into `folder` within size bounds checked from
    the archive's directory before anything is unpacked."""
    if not zipfile.is_zipfile(path):
        return path
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            _refuse_zip_sizes(members)
            names = [_unpack_member(archive, member, folder) for member in members]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise GeodataError(_("The zip file is damaged.")) from exc
    for suffix in (".shp", ".gpkg", ".geojson", ".json", ".fgb"):
        found = sorted(p for p in names if p is not None and p.suffix.lower() == suffix)
        if found:
            return found[0]
    raise GeodataError(_("The zip file holds no Shapefile (.shp)."))


def _refuse_zip_sizes(members) -> None:
    """The sizes the zip's directory declares: all members together, and the packing of each."""
    total = sum(m.file_size for m in members)
    if len(members) > ZIP_MAX_MEMBERS or total > ZIP_MAX_BYTES:
        raise GeodataError(
            _("The zip file is too large when unpacked (at most %(mb)s MB and %(n)s files).")
            % {"mb": ZIP_MAX_BYTES // (1024 * 1024), "n": ZIP_MAX_MEMBERS}
        )
    for member in members:
        if member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1) and member.file_size > 1024 * 1024:
            raise GeodataError(_("The zip file is compressed suspiciously well; it is not read."))


def _unpack_member(archive, member, folder: Path) -> Path | None:
    """Unpack one member under `folder`/unzipped, never more than its declared size; None
    for a name that would leave the folder (absolute, or with ..)."""
    name = Path(member.filename)
    if name.is_absolute() or ".." in name.parts:
        return None
    target = folder / "unzipped" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(member) as source, target.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > member.file_size:  # the directory lied about the size
                raise GeodataError(_("The zip file is damaged."))
            out.write(chunk)
    return target


@dataclass
class Feature:
    index: int
    geometry: GEOSGeometry
    properties: dict = field(default_factory=dict)


def _says_crs(path: Path, source: DataSource) -> bool:
    """Whether a GeoJSON file names its CRS: GDAL reports WGS 84 for one that does not
    (RFC 7946's default), which a surveyor's file in VN-2000 metres may still be."""
    if source.driver.name != "GeoJSON":
        return True
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            if b'"crs"' in tail + chunk:
                return True
            tail = chunk[-4:]  # a member split between two reads
    return False


def _same_system(own: SpatialReference, srid: int) -> bool:
    wanted = SpatialReference(srid)
    if own.srid is None:
        with contextlib.suppress(GDALException):
            own.identify_epsg()
    if own.srid is not None:
        return own.srid == srid
    return bool(own.proj4.split()) and sorted(own.proj4.split()) == sorted(wanted.proj4.split())


def source_srs(path: Path, source: DataSource, layer, srs: int | None) -> tuple[SpatialReference, bool]:
    """The system the layer's coordinates are in: the file's own; `srs` (the user's
    `--srs`) when the file names none (a GeoJSON without "crs" is WGS 84 unless `srs` says
    otherwise); a file that names one different from `srs` is refused, and so is a file
    naming none when no `srs` is given. The flag: whether the file or the user named it."""
    from inventory.srs import SRS_LABELS

    if srs is not None and srs not in SRS_LABELS:
        raise GeodataError(
            _("Unknown coordinate system EPSG:%(srid)s: use one of %(srids)s.")
            % {"srid": srs, "srids": ", ".join(str(s) for s in SRS_LABELS)}
        )
    own = layer.srs
    if own is not None and _says_crs(path, source):
        if srs is not None and not _same_system(own, srs):
            raise GeodataError(
                _(
                    "%(path)s says its coordinates are in %(own)s, not EPSG:%(srid)s as given. "
                    "Nothing was imported; leave out the system to use the file's own."
                )
                % {"path": path.name, "own": own.name, "srid": srs}
            )
        return own, True
    if srs is not None:
        return SpatialReference(srs), True
    if own is not None:  # a GeoJSON without "crs": WGS 84 by its standard
        return own, False
    raise GeodataError(
        _(
            "%(path)s does not say which coordinate system its coordinates are in (a Shapefile without "
            "its .prj?). Nothing was imported; name it (--srs, or the coordinate system on the upload page): "
            "9208 (VN-2000 TM-3 104°45′), 3405 (VN-2000 UTM 48N) or 4326 (WGS 84)."
        )
        % {"path": path.name}
    )


def read_features(
    path,
    allowed: frozenset[str],
    label_field: str | None = None,
    required_fields: tuple[str, ...] = (),
    srs: int | None = None,
) -> tuple[list[Feature], str]:
    """The first layer's features as 2D geometries in SRID 4326, and the source CRS's
    name. The source system is the file's own or `srs` (see `source_srs`); every
    feature must fall in Viet Nam once reprojected."""
    path = Path(path)
    source, layer = _first_layer(path, required_fields)
    source_ref, named = source_srs(path, source, layer, srs)
    hint = (
        ""
        if named
        else " "
        + _(
            "If the coordinates are VN-2000 metres, name the system (--srs, or the coordinate system on the "
            "upload page): 9208 or 3405."
        )
    )
    features = []
    for index, feature in enumerate(layer, start=1):
        properties = {name: feature.get(name) for name in layer.fields}
        label = properties.get(label_field) if label_field else index
        geom = _wgs84_geometry(feature.geom, allowed, source_ref, index, label, hint)
        features.append(Feature(index=index, geometry=geom, properties=properties))
    if not features:
        raise GeodataError(_("%(path)s holds no features.") % {"path": path.name})
    return features, source_ref.name or "WGS 84"


def _first_layer(path: Path, required_fields: tuple[str, ...]):
    """The data source (which must outlive its layer) and its first layer, which has the
    required fields."""
    if not path.exists():
        raise GeodataError(_("File not found: %(path)s") % {"path": path})
    try:
        source = open_vector(path)
    except GDALException as exc:
        raise GeodataError(
            _("%(path)s is not a geodata file that is accepted (GeoJSON, zipped Shapefile, GeoPackage, FlatGeobuf).")
            % {"path": path.name}
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
    return source, layer


def _wgs84_geometry(ogr, allowed: frozenset[str], source_ref, index: int, label, hint: str) -> GEOSGeometry:
    """One feature's geometry of an allowed kind, in 2D WGS 84, non-empty, valid and in Viet Nam."""
    from inventory.srs import in_vietnam

    kind = ogr.geom_type.name.replace("25D", "") if ogr is not None else _("no geometry")
    if ogr is None or kind not in allowed:
        raise GeodataError(
            _("Feature %(i)s (%(label)s) is a %(kind)s; expected %(expected)s.")
            % {"i": index, "label": label, "kind": kind, "expected": ", ".join(sorted(allowed))}
        )
    ogr.srs = source_ref
    try:
        ogr.transform(WGS84)
    except GDALException as exc:
        raise GeodataError(
            _("Feature %(i)s (%(label)s) cannot be reprojected to WGS 84.") % {"i": index, "label": label}
        ) from exc
    if ogr.coord_dim == 3:
        ogr.coord_dim = 2
    geom = GEOSGeometry(ogr.wkb, srid=4326)
    if geom.empty:
        raise GeodataError(_("Feature %(i)s (%(label)s) has an empty geometry.") % {"i": index, "label": label})
    problem = lonlat_problem(geom)
    if problem:
        raise GeodataError(
            _("Feature %(i)s (%(label)s): %(problem)s") % {"i": index, "label": label, "problem": problem} + hint
        )
    west, south, east, north = geom.extent
    if not (in_vietnam(west, south) and in_vietnam(east, north)):
        raise GeodataError(
            _(
                "Feature %(i)s (%(label)s) lies outside Viet Nam once read as %(srs)s "
                "(%(lon).4f, %(lat).4f). Is that the file's coordinate system? Nothing was imported."
            )
            % {"i": index, "label": label, "srs": source_ref.name, "lon": west, "lat": south}
            + hint
        )
    if not geom.valid:
        raise GeodataError(
            _("Feature %(i)s (%(label)s) is not a valid geometry: %(reason)s.")
            % {"i": index, "label": label, "reason": geom.valid_reason}
        )
    return geom
