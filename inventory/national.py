"""A national demo data set made in PostgreSQL (`generate_demo --provinces N`).

On top of `load_reference_data --all`, each province gets, set-based (INSERT … SELECT
over `generate_series`, never a row at a time in Python):

- two agencies per new commune: its People's Committee and its public service centre;
- `sites_per_commune(scale)` premises per former commune, spread within 3 km of the
  former commune's centroid, each with its one house (as the province demo does);
- `ASSETS_PER_PREMISES` asset records per premises (fixed assets one record each,
  furniture as lines with a quantity).

At `--scale 1` that is 10,035 former communes × 100 ≈ 10⁶ premises and 10⁷ assets;
`--scale 0.05` is a twentieth. Everything is marked as demo (`is_demo`, codes starting
`DEMO-N<province code>-`). Each province is one transaction under one history context,
so a run cut short leaves whole provinces, and `--skip-if-present` completes it.

The triggers do the rest as for any write: the history of every row, the rollups, the
houses' totals (and, where the schema has it, each row's province from its agency). Values
are computed with the asset class's wear rate in force today for every year, which is
what the rates are unless the reference data dates a change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pghistory
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import valuation
from inventory.choices import AgencyKind, AssetStatus, Condition, PremisesStatus, UnitLevel
from inventory.models import AdministrativeUnit, Agency, AssetClass
from inventory.models.houses import houses_from_premises

# 10,035 former communes × 100 ≈ 10⁶ premises at --scale 1 (and ASSETS_PER_PREMISES, 10, each).
FULL_SITES_PER_COMMUNE = 100
NOTE = "Dữ liệu mẫu toàn quốc (demo) — không phải số liệu thật."


class NationalDataError(Exception):
    pass


def prefix(province: AdministrativeUnit) -> str:
    return f"DEMO-N{province.code}-"


def sites_per_commune(scale: float) -> int:
    """Premises per former commune at `scale` (1 = the national size)."""
    if scale <= 0:
        raise NationalDataError(_("The scale must be above 0."))
    return max(1, round(FULL_SITES_PER_COMMUNE * scale))


def provinces(count: int, home_code: str) -> list[AdministrativeUnit]:
    """The first `count` loaded provinces: the home province first, then by code."""
    loaded = sorted(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE),
        key=lambda p: (p.code != home_code, p.code),
    )
    if count < 1 or count > len(loaded):
        raise NationalDataError(
            _("%(count)s provinces asked for, %(loaded)s loaded: run load_reference_data --all first.")
            % {"count": count, "loaded": len(loaded)}
        )
    return loaded[:count]


def province_present(province: AdministrativeUnit) -> bool:
    return Agency.objects.filter(code__startswith=prefix(province)).exists()


@dataclass
class NationalSummary:
    """Rows made per province code, and the time taken."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(c[name] for c in self.counts.values())

    def line(self) -> str:
        premises, assets = self.total("premises"), self.total("assets")
        rate = (premises + assets) / self.seconds if self.seconds else 0
        return (
            f"national demo data: provinces={len(self.counts)} skipped={len(self.skipped)} "
            f"agencies={self.total('agencies')} premises={premises} assets={assets} "
            f"in {self.seconds:.1f}s ({rate:,.0f} premises and assets/s)"
        )


# -- the SQL ----------------------------------------------------------------------------
AGENCIES_SQL = """
INSERT INTO inventory_agency (
    code, name, kind, address, dkts_code, is_active, admin_unit_id, is_demo, created_at, updated_at)
SELECT %(prefix)s || k.tag || u.code, k.title || lower(left(u.name, 1)) || substr(u.name, 2), k.kind, u.name, '',
    true, u.id, true, now(), now()
FROM inventory_administrativeunit u
CROSS JOIN (VALUES ('UB-', 'UBND ', %(committee)s), ('DV-', 'Trung tâm Dịch vụ công ', %(service)s))
    AS k(tag, title, kind)
WHERE u.province_id = %(province)s AND u.level = %(commune)s
ORDER BY u.code, k.tag
"""

# One row per former commune and site number, with its draws; then the premises.
PREMISES_SQL = """
WITH site AS (
    SELECT l.id AS legacy_id, l.name AS legacy_name,
        lower(left(l.name, 1)) || substr(l.name, 2) AS lower_name, l.centroid,
        n.code AS unit_code, n.id AS unit_id, g AS site_no,
        random() AS r_status, random() AS r_floors, random() AS r_footprint, random() AS r_land,
        random() AS r_grade, random() AS r_year, random() AS r_cost, random() AS r_place, random() AS r_bearing,
        random() AS r_condition, random() AS r_kind
    FROM inventory_administrativeunit l
    JOIN LATERAL (
        SELECT x.successor_id FROM inventory_unitlineage x WHERE x.predecessor_id = l.id
        ORDER BY x.is_primary DESC, x.id LIMIT 1
    ) s ON true
    JOIN inventory_administrativeunit n ON n.id = s.successor_id
    CROSS JOIN generate_series(1, %(per)s) g
    WHERE l.province_id = %(province)s AND l.level = %(legacy)s
    ORDER BY l.code, g
), drawn AS (
    SELECT site.*,
        CASE WHEN site_no = 1 THEN
            CASE WHEN r_status < 0.30 THEN %(in_use)s WHEN r_status < 0.65 THEN %(surplus)s
                 WHEN r_status < 0.80 THEN %(partly)s ELSE %(other)s END
        ELSE
            CASE WHEN r_status < 0.15 THEN %(in_use)s WHEN r_status < 0.35 THEN %(surplus)s
                 WHEN r_status < 0.50 THEN %(partly)s ELSE %(other)s END
        END AS status,
        1 + floor(r_floors * 3)::int AS floors,
        (150 + floor(r_footprint * 45) * 10)::numeric AS footprint,
        CASE WHEN r_grade < 0.66 THEN 'III' ELSE 'IV' END AS grade,
        1994 + floor(r_year * 28)::int AS year_built,
        50 + r_place * 2950 AS distance_m
    FROM site
), valued AS (
    SELECT drawn.*,
        round(footprint * floors * 0.9, 2) AS floor_area,
        footprint * (4 + floor(r_land * 7)) AS land,
        (floor(footprint * floors * 0.9 * (4.5e6 + r_cost * 5e6) / 1e6) * 1e6)::numeric AS cost,
        CASE grade WHEN 'III' THEN %(rate_iii)s::numeric ELSE %(rate_iv)s::numeric END AS rate
    FROM drawn
)
INSERT INTO inventory_premises (
    code, name, location, address, admin_unit_id, legacy_unit_id, agency_id, status, condition,
    land_area, footprint_area, floor_area, surplus_floor_area, floors, building_grade, building_class_id,
    year_built, in_use_date, original_cost, remaining_value, valuation_date,
    book_remaining_value, book_accumulated_wear, book_date, land_use_office, land_certificate,
    is_flooded, has_landslide, storm_damaged, notes, is_demo, version, created_at, updated_at)
SELECT
    %(prefix)s || 'TS-' || lpad((row_number() OVER (ORDER BY v.legacy_id, v.site_no))::text, 7, '0'),
    CASE WHEN v.site_no = 1 THEN 'Trụ sở UBND ' || v.lower_name || ' (cũ)'
         ELSE (ARRAY['Nhà văn hóa', 'Điểm trường', 'Trạm y tế', 'Nhà làm việc'])[1 + floor(v.r_kind * 4)::int]
              || ' số ' || v.site_no || ' ' || v.lower_name || ' (cũ)' END,
    ST_SetSRID(ST_MakePoint(
        round((ST_X(v.centroid) + v.distance_m * sin(v.r_bearing * 2 * pi())
               / (111320 * cos(radians(ST_Y(v.centroid)))))::numeric, 7),
        round((ST_Y(v.centroid) + v.distance_m * cos(v.r_bearing * 2 * pi()) / 111320)::numeric, 7)
    ), 4326),
    v.legacy_name, v.unit_id, v.legacy_id,
    a.id, v.status,
    CASE WHEN v.r_condition < 0.4 THEN %(good)s WHEN v.r_condition < 0.8 THEN %(fair)s ELSE %(poor)s END,
    v.land, v.footprint, v.floor_area,
    CASE WHEN v.status = %(partly)s THEN round(v.floor_area * 0.4, 2) END,
    v.floors, v.grade, CASE v.grade WHEN 'III' THEN %(class_iii)s ELSE %(class_iv)s END,
    v.year_built, make_date(v.year_built, 1 + floor(v.r_cost * 12)::int, 1), v.cost,
    w.remaining, %(valuation_date)s, w.remaining, v.cost - w.remaining, %(valuation_date)s,
    round(v.land * 0.6), '', v.r_place < 0.2, false, false, %(note)s, true, 1, now(), now()
FROM valued v
CROSS JOIN LATERAL (
    SELECT greatest(0, v.cost - least(v.cost, ceil(v.cost * v.rate / 100)
                                   * greatest(0, %(closed_year)s - v.year_built + 1))) AS remaining
) w
JOIN inventory_agency a
    ON a.code = %(prefix)s || CASE WHEN v.status = %(other)s THEN 'DV-' ELSE 'UB-' END || v.unit_code
ORDER BY v.legacy_id, v.site_no
RETURNING id
"""

# The kinds of asset of every premises, one per slot: (class code, names, unit, largest
# quantity, unit cost range in VND). A fixed asset is one record; furniture under the
# fixed-asset threshold is a line with a quantity.
ASSET_SLOTS = (
    ("PTVT-KHAC", ("Xe mô tô",), "chiếc", 1, (25e6, 45e6)),
    ("MMTB-CNTT", ("Máy vi tính để bàn", "Máy tính xách tay"), "chiếc", 1, (10e6, 28e6)),
    ("MMTB-CNTT", ("Máy in laser", "Máy quét tài liệu"), "chiếc", 1, (10e6, 18e6)),
    ("MMTB-CNTT", ("Thiết bị mạng", "Máy chủ"), "chiếc", 1, (12e6, 28e6)),
    ("MMTB-CNTT", ("Máy vi tính để bàn",), "chiếc", 1, (10e6, 20e6)),
    ("MMTB-VP", ("Máy photocopy", "Máy chiếu"), "chiếc", 1, (15e6, 85e6)),
    ("MMTB-VP", ("Điều hòa nhiệt độ", "Hệ thống âm thanh hội trường"), "chiếc", 1, (12e6, 60e6)),
    ("MMTB-NT", ("Bộ bàn ghế làm việc", "Tủ đựng tài liệu"), "bộ", 30, (2.5e6, 9.5e6)),
    ("MMTB-NT", ("Bộ bàn ghế hội trường", "Bàn ghế tiếp dân"), "bộ", 30, (2.5e6, 9.5e6)),
    ("MMTB-CD", ("Máy phát điện", "Máy bơm chữa cháy", "Camera giám sát"), "chiếc", 1, (25e6, 320e6)),
)
ASSETS_PER_PREMISES = len(ASSET_SLOTS)

ASSETS_SQL = """
WITH slot (slot_no, class_id, names, unit, max_quantity, cost_min, cost_max, rate) AS (
    SELECT * FROM unnest(%(slot_no)s::int[], %(class_id)s::bigint[], %(names)s::text[], %(unit)s::text[],
                         %(max_quantity)s::int[], %(cost_min)s::numeric[], %(cost_max)s::numeric[], %(rate)s::numeric[])
), line AS (
    SELECT p.id AS premises_id, p.code AS premises_code, p.agency_id, p.status AS premises_status, s.*,
        1 + floor(random() * s.max_quantity)::int AS quantity,
        random() AS r_cost, random() AS r_year, random() AS r_status, random() AS r_name
    FROM inventory_premises p CROSS JOIN slot s
    WHERE p.id = ANY(%(premises)s)
    ORDER BY p.id, s.slot_no
), valued AS (
    SELECT line.*, 2008 + floor(r_year * 17)::int AS year_in_use,
        (floor((cost_min + r_cost * (cost_max - cost_min)) * quantity / 1e5) * 1e5)::numeric AS cost
    FROM line
)
INSERT INTO inventory_asset (
    code, group_code, name, asset_class_id, agency_id, premises_id, quantity, is_fixed_asset, unit_of_measure,
    plate_number, condition, status, notes, original_cost, in_use_date, remaining_value, valuation_date,
    book_accumulated_wear, book_remaining_value, book_date, is_demo, version, created_at, updated_at)
SELECT
    v.premises_code || '-' || v.slot_no, '',
    (string_to_array(v.names, '|'))[1 + floor(v.r_name * cardinality(string_to_array(v.names, '|')))::int],
    v.class_id, v.agency_id, v.premises_id, v.quantity, v.max_quantity = 1, v.unit,
    '', CASE WHEN v.r_status < 0.03 THEN %(damaged_condition)s ELSE %(good)s END,
    CASE WHEN v.r_status < 0.03 THEN %(damaged)s
         WHEN v.premises_status IN (%(surplus_premises)s, %(partly_premises)s) AND v.r_status < 0.7 THEN %(surplus)s
         ELSE %(in_use)s END,
    %(note)s, v.cost, make_date(v.year_in_use, 1 + floor(v.r_cost * 12)::int, 1),
    w.remaining, %(valuation_date)s, v.cost - w.remaining, w.remaining, %(valuation_date)s, true, 1, now(), now()
FROM valued v
CROSS JOIN LATERAL (
    SELECT greatest(0, v.cost - least(v.cost, ceil(v.cost * coalesce(v.rate, 0) / 100)
                                   * greatest(0, %(closed_year)s - v.year_in_use + 1))) AS remaining
) w
ORDER BY v.premises_id, v.slot_no
"""


class _Province:
    """The statements of one province, with the parameters they share."""

    def __init__(self, province: AdministrativeUnit, per: int, progress):
        self.province = province
        self.per = per
        self.say = progress
        today = timezone.localdate()
        as_of = valuation.valuation_date(today)
        classes = {c.code: c for c in AssetClass.objects.all()}
        buildings = {c.building_grade: c for c in classes.values() if c.building_grade in ("III", "IV")}
        self.classes = classes
        self.common = {
            "prefix": prefix(province),
            "province": province.pk,
            "note": NOTE,
            "valuation_date": as_of,
            "closed_year": as_of.year,
            "in_use": PremisesStatus.IN_USE_HQ,
            "surplus": PremisesStatus.SURPLUS,
            "partly": PremisesStatus.PARTLY_SURPLUS,
            "other": PremisesStatus.OTHER_PUBLIC_USE,
            "good": Condition.GOOD,
            "fair": Condition.FAIR,
            "poor": Condition.POOR,
            "class_iii": buildings["III"].pk,
            "class_iv": buildings["IV"].pk,
            "rate_iii": buildings["III"].wear_rate,
            "rate_iv": buildings["IV"].wear_rate,
        }

    def run(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [(int(self.province.code) % 100) / 100])
            cursor.execute(
                AGENCIES_SQL,
                {
                    **self.common,
                    "committee": AgencyKind.COMMUNE_COMMITTEE,
                    "service": AgencyKind.PUBLIC_SERVICE_UNIT,
                    "commune": UnitLevel.COMMUNE,
                },
            )
            agencies = cursor.rowcount
            cursor.execute(PREMISES_SQL, {**self.common, "per": self.per, "legacy": UnitLevel.LEGACY_COMMUNE})
            premises = [row[0] for row in cursor.fetchall()]
            houses = houses_from_premises(premises_ids=premises)
            cursor.execute(ASSETS_SQL, {**self.common, **self._slots(), "premises": premises})
            assets = cursor.rowcount
        return {"agencies": agencies, "premises": len(premises), "houses": houses, "assets": assets}

    def _slots(self) -> dict:
        rows = [
            (n, self.classes[code], names, unit, qmax, cost)
            for n, (code, names, unit, qmax, cost) in enumerate(ASSET_SLOTS, 1)
        ]
        return {
            "slot_no": [n for n, *_rest in rows],
            "class_id": [c.pk for _n, c, *_rest in rows],
            "names": ["|".join(names) for _n, _c, names, *_rest in rows],
            "unit": [unit for *_head, unit, _q, _cost in rows],
            "max_quantity": [q for *_head, q, _cost in rows],
            "cost_min": [cost[0] for *_head, cost in rows],
            "cost_max": [cost[1] for *_head, cost in rows],
            "rate": [c.wear_rate for _n, c, *_rest in rows],
            "damaged_condition": Condition.DAMAGED,
            "damaged": AssetStatus.DAMAGED,
            "surplus_premises": PremisesStatus.SURPLUS,
            "partly_premises": PremisesStatus.PARTLY_SURPLUS,
            "surplus": AssetStatus.SURPLUS,
            "in_use": AssetStatus.IN_USE,
        }


def generate(
    count: int, scale: float = 1.0, home_code: str = "40", skip_if_present: bool = False, progress=None
) -> NationalSummary:
    """Make the national data set for the first `count` provinces (see `provinces`), one
    transaction per province; refuses a province already made unless `skip_if_present`."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    per = sites_per_commune(scale)
    chosen = provinces(count, home_code)
    present = [p for p in chosen if province_present(p)]
    if present and not skip_if_present:
        raise NationalDataError(
            _("National demo data is already present for %(codes)s: use --skip-if-present.")
            % {"codes": ", ".join(p.code for p in present)}
        )
    summary = NationalSummary()
    for i, province in enumerate(chosen, 1):
        if province in present:
            summary.skipped.append(province.code)
            say(f"[{i}/{len(chosen)}] {province.name}: present, skipped")
            continue
        province_started = time.perf_counter()
        with (
            pghistory.context(command="generate_demo", provinces=count, scale=scale),
            transaction.atomic(),
        ):
            counts = _Province(province, per, say).run()
        summary.counts[province.code] = counts
        seconds = time.perf_counter() - province_started
        say(
            f"[{i}/{len(chosen)}] {province.name}: {counts['premises']:,} premises, "
            f"{counts['assets']:,} assets in {seconds:.1f}s"
        )
    summary.seconds = time.perf_counter() - started
    return summary
