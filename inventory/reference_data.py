"""Loads a province's administrative units and the 2025 lineage from the pinned
registry packages `vietnamadminunits` (units, centroids, areas, bounding boxes and the
old → new conversion table) and `vietnam-provinces` (official codes and names).

Idempotent: rows are matched by (level, code) and written only when something differs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import vietnamadminunits
from django.apps import apps as django_apps
from django.contrib.gis.geos import Point, Polygon
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import ProvinceCode, Ward

from inventory.choices import UnitLevel
from inventory.history import history_context
from inventory.legal_lists import seed_fixed_asset_criteria
from inventory.models import AdministrativeUnit, UnitLineage
from inventory.text import search_key

REORGANISATION_DATE = dt.date(2025, 7, 1)
LEGACY_VALID_TO = dt.date(2025, 6, 30)
# The resolution of the Standing Committee of the National Assembly that re-formed each
# province's communes; provinces not listed get a generic basis an administrator can edit.
LEGAL_BASIS = {
    "40": "Nghị quyết 1678/NQ-UBTVQH15 ngày 16/6/2025",
}
GENERIC_LEGAL_BASIS = "Nghị quyết của UBTVQH15 về sắp xếp đơn vị hành chính cấp xã năm 2025"
UNIT_FIELDS = (
    "name",
    "short_name",
    "type_name",
    "centroid",
    "bbox",
    "area_km2",
    "valid_from",
    "valid_to",
    "source",
)


class UnknownProvince(ValueError):
    pass


@dataclass
class LoadResult:
    """What a load found and what it changed."""

    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        parts = " ".join(f"{key}={value}" for key, value in self.counts.items())
        return f"reference data: {parts}"


def source_label() -> str:
    return "vietnamadminunits {} + vietnam-provinces {}".format(
        metadata.version("vietnamadminunits"), metadata.version("vietnam-provinces")
    )


def query(sql: str, params=()) -> list[dict]:
    """Rows of the package's SQLite data set, with bound parameters."""
    path = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params)]


def available_provinces() -> list[tuple[str, str]]:
    """(official code, name) of the 34 provinces since 2025."""
    rows = query("SELECT DISTINCT provinceCode, province FROM admin_units ORDER BY provinceCode")
    return [(r["provinceCode"], r["province"]) for r in rows]


def resolve_province(code: str) -> dict:
    """The package's province row for an official code ('40') or a name ('Nghệ An')."""
    wanted = code.strip()
    key = search_key(wanted).replace(" ", "")
    for row in query(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceKey, provinceShortKey, "
        "provinceLat, provinceLon FROM admin_units"
    ):
        if wanted.isdigit() and int(wanted) == int(row["provinceCode"]):
            return row
        if key and key in (row["provinceKey"], row["provinceShortKey"]):
            return row
    known = ", ".join(f"{c} ({n})" for c, n in available_provinces())
    raise UnknownProvince(
        _("Unknown province code “%(code)s”. Known codes: %(known)s.") % {"code": code, "known": known}
    )


def _conversion_table() -> dict:
    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _bounds_polygon(bounds: str | None) -> Polygon | None:
    """'lat1,lon1 – lat2,lon2' → a lon/lat rectangle."""
    if not bounds:
        return None
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", bounds)]
    if len(numbers) != 4:
        return None
    lat1, lon1, lat2, lon2 = numbers
    return Polygon.from_bbox((min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2)))


def _official_wards(province_code: int) -> dict[str, tuple[str, str]]:
    """vietnam-provinces wards of a province: normalised name → (code, official name)."""
    wards = {}
    for ward in Ward.iter_by_province(ProvinceCode(province_code)):
        wards[search_key(ward.name)] = (f"{int(ward.code):05d}", ward.name)
    return wards


def _km2(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _same(a, b) -> bool:
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        return a.equals_exact(b, 1e-9)
    if a is None or b is None:
        return a is None and b is None
    if hasattr(a, "wkt") or hasattr(b, "wkt"):
        return False
    return str(a) == str(b)


class _UnitWriter:
    """Creates or updates units by (level, code), counting what really changed."""

    def __init__(self, result: LoadResult):
        self.result = result
        self.existing = {(u.level, u.code): u for u in AdministrativeUnit.objects.all()}

    def put(self, level: str, code: str, **values) -> AdministrativeUnit:
        unit = self.existing.get((level, code))
        values["search_key"] = search_key(values["name"])
        if unit is None:
            unit = AdministrativeUnit(level=level, code=code, **values)
            unit.save()
            self.existing[(level, code)] = unit
            self.result.created += 1
            return unit
        changed = [name for name, value in values.items() if not _same(getattr(unit, name), value)]
        if changed:
            for name in changed:
                setattr(unit, name, values[name])
            unit.save()
            self.result.updated += 1
        return unit


@history_context(command="load_reference_data")
@transaction.atomic
def load_province(code: str = "40", progress=None) -> LoadResult:
    """Load one province: itself, its new units, legacy districts and communes, lineage."""
    say = progress or (lambda message: None)
    result = LoadResult()
    prov = resolve_province(code)
    pcode = f"{int(prov['provinceCode']):02d}"
    source = source_label()
    writer = _UnitWriter(result)

    province = writer.put(
        UnitLevel.PROVINCE,
        pcode,
        name=prov["province"],
        short_name=prov["provinceShort"],
        type_name=prov["province"][: -len(prov["provinceShort"])].strip(),
        centroid=Point(prov["provinceLon"], prov["provinceLat"], srid=4326),
        bbox=None,
        area_km2=None,
        valid_from=REORGANISATION_DATE,
        valid_to=None,
        source=source,
        parent_id=None,
        province_id=None,
    )

    new_by_key = _new_units(writer, prov, province, source, result)
    say(_("new units: %(n)s") % {"n": len(new_by_key)})

    # Legacy districts and communes of the former province(s) merged into this one.
    table = _conversion_table()
    districts, communes_by_key = _legacy_units(
        writer, table["DICT_PROVINCE"][prov["provinceKey"]], province, source, result
    )
    say(_("legacy districts: %(d)s, legacy communes: %(c)s") % {"d": len(districts), "c": len(communes_by_key)})

    basis = LEGAL_BASIS.get(pcode, GENERIC_LEGAL_BASIS)
    links = _link_units(
        _lineage_pairs(table, prov["provinceKey"]), communes_by_key, new_by_key, province, basis, result
    )
    say(_("lineage links: %(n)s") % {"n": links})
    # The fixed-asset criteria (dated data, missing rows only: an administrator owns them).
    result.created += seed_fixed_asset_criteria(django_apps)

    result.counts = {
        "province": 1,
        "new_units": len(new_by_key),
        "legacy_districts": len(districts),
        "legacy_communes": len(communes_by_key),
        "lineage_links": links,
    }
    return result


def _new_units(writer, prov: dict, province, source: str, result: LoadResult) -> dict:
    """New commune-level units, official code and name from vietnam-provinces, by key."""
    official = _official_wards(int(prov["provinceCode"]))
    rows = query("SELECT * FROM admin_units WHERE provinceCode = ?", [prov["provinceCode"]])
    new_by_key = {}
    for row in rows:
        code_, name = official.get(search_key(row["ward"]), (row["wardCode"], row["ward"]))
        if search_key(row["ward"]) not in official:
            result.warnings.append(
                _("%(name)s is not in vietnam-provinces; kept the code %(code)s.")
                % {"name": row["ward"], "code": row["wardCode"]}
            )
        new_by_key[row["wardKey"]] = writer.put(
            UnitLevel.COMMUNE,
            code_,
            name=name,
            short_name=row["wardShort"],
            type_name=row["wardType"],
            centroid=Point(row["wardLon"], row["wardLat"], srid=4326),
            bbox=None,
            area_km2=_km2(row["wardAreaKm2"]),
            valid_from=REORGANISATION_DATE,
            valid_to=None,
            source=source,
            parent_id=province.pk,
            province_id=province.pk,
        )
    return new_by_key


def _legacy_units(writer, legacy_provinces: list, province, source: str, result: LoadResult) -> tuple[dict, dict]:
    """The legacy districts (by code) and communes (by province_district_ward key) of
    the former provinces."""
    placeholders = ", ".join("?" for _key in legacy_provinces)
    legacy_rows = query(
        f"SELECT * FROM admin_units_legacy WHERE provinceKey IN ({placeholders}) "  # noqa: S608 - placeholders only
        "ORDER BY districtCode, wardCode",
        legacy_provinces,
    )
    districts, communes_by_key = {}, {}
    for row in legacy_rows:
        district = districts.get(row["districtCode"])
        if district is None:
            district = districts[row["districtCode"]] = writer.put(
                UnitLevel.LEGACY_DISTRICT,
                row["districtCode"],
                name=row["district"],
                short_name=row["districtShort"],
                type_name=row["districtType"],
                centroid=Point(row["districtLon"], row["districtLat"], srid=4326),
                bbox=_bounds_polygon(row["districtBounds"]),
                area_km2=None,
                valid_from=None,
                valid_to=LEGACY_VALID_TO,
                source=source,
                parent_id=province.pk,
                province_id=province.pk,
            )
        if not row["wardCode"]:
            # An island district without communes (e.g. Cồn Cỏ): it has no commune row.
            result.warnings.append(_("%(name)s has no communes in the source.") % {"name": row["district"]})
            continue
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
        communes_by_key[key] = writer.put(
            UnitLevel.LEGACY_COMMUNE,
            row["wardCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            type_name=row["wardType"],
            centroid=Point(row["wardLon"], row["wardLat"], srid=4326),
            bbox=_bounds_polygon(row["wardBounds"]),
            area_km2=None,
            valid_from=None,
            valid_to=LEGACY_VALID_TO,
            source=source,
            parent_id=district.pk,
            province_id=province.pk,
        )
    return districts, communes_by_key


def _lineage_pairs(table: dict, province_key: str) -> dict[tuple[str, str], bool]:
    """Lineage old → new, (legacy key, new key): primary; whole communes, then communes
    divided between several new units."""
    pairs: dict[tuple[str, str], bool] = {}
    for new_key, legacy_keys in table["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        for legacy_key in legacy_keys:
            pairs[(legacy_key, new_key)] = True
    for legacy_key, targets in table["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        for target in targets:
            pairs[(legacy_key, target["newWardKey"])] = bool(target["isDefaultNewWard"])
    return pairs


def _link_units(pairs: dict, communes_by_key: dict, new_by_key: dict, province, basis: str, result: LoadResult) -> int:
    """Create or update the lineage links of the pairs; the number of pairs that match units."""
    existing_links = {
        (link.predecessor_id, link.successor_id): link
        for link in UnitLineage.objects.filter(successor__province=province)
    }
    links = 0
    for (legacy_key, new_key), is_primary in pairs.items():
        predecessor, successor = communes_by_key.get(legacy_key), new_by_key.get(new_key)
        if predecessor is None or successor is None:
            result.warnings.append(
                _("Lineage entry %(old)s → %(new)s matches no unit; skipped.") % {"old": legacy_key, "new": new_key}
            )
            continue
        links += 1
        link = existing_links.get((predecessor.pk, successor.pk))
        values = {"is_primary": is_primary, "legal_basis": basis, "effective_date": REORGANISATION_DATE}
        if link is None:
            UnitLineage.objects.create(predecessor=predecessor, successor=successor, **values)
            result.created += 1
        elif any(getattr(link, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(link, k, v)
            link.save()
            result.updated += 1
    return links
