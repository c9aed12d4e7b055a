"""Import of administrative boundary polygons from GeoJSON, Shapefile or any vector
format GDAL reads, reprojected to WGS 84 (SRID 4326)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.choices import UnitLevel
from inventory.geodata import POLYGONS, GeodataError, read_features
from inventory.history import history_context
from inventory.models import AdministrativeUnit
from inventory.srs import VN2000_UTM48N

LEVELS = {
    "new": UnitLevel.COMMUNE,
    "legacy_commune": UnitLevel.LEGACY_COMMUNE,
    "legacy_district": UnitLevel.LEGACY_DISTRICT,
    "province": UnitLevel.PROVINCE,
}
BoundaryImportError = GeodataError


@dataclass
class ImportResult:
    updated: int = 0
    unchanged: int = 0
    skipped_codes: list[str] = field(default_factory=list)
    source_srs: str = ""

    def summary(self) -> str:
        return _("boundaries: updated=%(u)s unchanged=%(n)s skipped=%(s)s (source CRS: %(srs)s)") % {
            "u": self.updated,
            "n": self.unchanged,
            "s": len(self.skipped_codes),
            "srs": self.source_srs,
        }


def normalise_code(value) -> str:
    """Codes may come as numbers or zero-padded text: compare them as integers when numeric."""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return str(int(text)) if text.isdigit() else text


def read_boundaries(path: Path, code_field: str, srs: int | None = None) -> tuple[dict[str, MultiPolygon], str]:
    """Features of the file's first layer as {normalised code: MultiPolygon in 4326}; `srs`
    names the file's system when the file does not (VN-2000: 9208 or 3405)."""
    features, srs_name = read_features(path, POLYGONS, label_field=code_field, required_fields=(code_field,), srs=srs)
    geometries: dict[str, MultiPolygon] = {}
    for feature in features:
        code = normalise_code(feature.properties[code_field])
        geom = feature.geometry
        multi = geom if geom.geom_type == "MultiPolygon" else MultiPolygon(geom, srid=4326)
        if code in geometries:
            multi = MultiPolygon(*geometries[code], *multi, srid=4326)
        geometries[code] = multi
    return geometries, srs_name


@history_context(command="import_boundaries")
@transaction.atomic
def import_boundaries(
    path, level: str, code_field: str, skip_unmatched: bool = False, srs: int | None = None
) -> ImportResult:
    """Set the boundary of each unit of `level` whose code is in the file.

    All or nothing: a file with a code that matches no unit is refused unless
    `skip_unmatched` is set, and then the unmatched codes are listed in the result.
    """
    if level not in LEVELS:
        raise BoundaryImportError(
            _("Unknown level “%(level)s”: use one of %(levels)s.") % {"level": level, "levels": ", ".join(LEVELS)}
        )
    geometries, srs_name = read_boundaries(Path(path), code_field, srs=srs)
    units = {normalise_code(u.code): u for u in AdministrativeUnit.objects.filter(level=LEVELS[level])}
    unmatched = sorted(code for code in geometries if code not in units)
    if unmatched and (not skip_unmatched or len(unmatched) == len(geometries)):
        shown = ", ".join(unmatched[:10]) + (" …" if len(unmatched) > 10 else "")
        raise BoundaryImportError(
            _("%(n)s code(s) in the file match no %(level)s unit: %(codes)s. Nothing was imported.")
            % {"n": len(unmatched), "level": level, "codes": shown}
        )
    result = ImportResult(skipped_codes=unmatched, source_srs=srs_name)
    for code, geom in geometries.items():
        unit = units.get(code)
        if unit is None:
            continue
        if unit.boundary is not None and unit.boundary.equals_exact(geom, 1e-9):
            result.unchanged += 1
            continue
        unit.boundary = geom
        if unit.area_km2 is None:
            unit.area_km2 = round(geom.transform(VN2000_UTM48N, clone=True).area / 1e6, 2)
        unit.save(update_fields=["boundary", "area_km2", "updated_at"])
        result.updated += 1
    return result
