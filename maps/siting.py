"""Ranking candidate buildings for the archive repository (DESIGN §4, issue 14 item 4).

Every figure is data (`SitingCriterion`: hard constraints, weighted criteria and
parameters, each with its source, legal basis and a "verify" mark). Facts about each
candidate come from PostGIS in one query (hazard areas it lies in, geodesic distances to
each kind of hazard source and to roads, its latest structural inspection). Hard
constraints exclude; weighted criteria score 0–1 and the total is the weighted mean over
the criteria that can be scored.

Floor load: a building qualifies only with a recorded structural inspection at or above
the load its shelving needs. Without one it stays in the ranking flagged "needs
inspection"; the building grade is a durability class and never passes or excludes it.

Access: the distance from the former district centres (where the records come from),
through `access_distances`: the road distance over the road network (`maps.routing`)
where it joins both ends; otherwise the routing's estimate, the straight line × its
detour factor (the `RoutingParameter` row, one number for every distance the project
estimates), labelled as such wherever it appears.

The sensitivity check moves each weight by ±20% and draws seeded random weight sets,
and counts how often each candidate comes first.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from inventory.choices import Condition
from maps.choices import CriterionKind, FloorLoadStatus, LayerKind, Shelving

CONDITION_SCORE = {Condition.GOOD: 1.0, Condition.FAIR: 2 / 3, Condition.POOR: 1 / 3, Condition.DAMAGED: 0.0}
WEIGHT_STEP = 0.2
FLOOR_LOAD_CODE = {Shelving.FIXED: "FLOOR_LOAD_FIXED", Shelving.MOBILE: "FLOOR_LOAD_MOBILE"}
DENSITY_CODE = {Shelving.FIXED: "SHELF_DENSITY_FIXED", Shelving.MOBILE: "SHELF_DENSITY_MOBILE"}
# Used only when a parameter row was deleted: the seeded values (maps/criteria.py).
FALLBACK = {
    "SHELF_DENSITY_FIXED": 4.5,
    "SHELF_DENSITY_MOBILE": 9.0,
    "STACK_ROOM_MAX": 200.0,
    "FLOOR_LOAD_FIXED": 1700.0,
    "FLOOR_LOAD_MOBILE": 2400.0,
}
# How the access distance was obtained; the page and the PDF print the label.
ACCESS_ESTIMATE = "straight_line_x_detour"
ACCESS_ROAD = "road_network"
# Results written before issue 14 (floor load by grade, distance to the provincial centre).
METHOD_VERSION = 2


@dataclass
class Need:
    """The repository's five zones: stacks (from the shelving), processing, reading,
    technical and offices (m²)."""

    shelf_metres: float
    growth_metres_per_year: float = 0
    growth_years: int = 0
    shelving: str = Shelving.FIXED
    office_area: float = 0
    processing_area: float = 0
    reading_area: float = 0
    technical_area: float = 0

    @property
    def total_shelf_metres(self) -> float:
        return self.shelf_metres + self.growth_metres_per_year * self.growth_years


@dataclass
class Criterion:
    code: str
    name: str
    kind: str
    parameter: float | None
    weight: float
    source: str = ""
    unit: str = ""
    legal_basis: str = ""
    effective_from: str | None = None
    verify: bool = True
    layer_kind: str = ""

    @classmethod
    def from_model(cls, obj) -> Criterion:
        return cls(
            obj.code,
            obj.name,
            obj.kind,
            float(obj.parameter) if obj.parameter is not None else None,
            float(obj.weight),
            obj.source,
            obj.unit,
            obj.legal_basis,
            obj.effective_from.isoformat() if obj.effective_from else None,
            obj.verify,
            obj.layer_kind,
        )


def parameter(criteria: dict[str, Criterion], code: str) -> float:
    c = criteria.get(code)
    return c.parameter if c is not None and c.parameter else FALLBACK[code]


@dataclass
class Facts:
    """What the analysis knows of a candidate."""

    id: int
    code: str
    name: str
    usable_area: float
    floors: int | None
    grade: str
    year_built: int | None
    condition: str
    land_area: float
    footprint: float
    storm_damaged: bool
    in_flood: bool
    in_landslide: bool
    source_m: dict[str, float]
    road_m: float | None
    inspected_load: int | None
    inspected_on: str | None
    inspection_id: int | None
    lon: float
    lat: float
    access_mean_m: float | None = None
    access_max_m: float | None = None
    access_estimates: int = 0  # how many of the distances are estimates (no road joins them)


@dataclass
class Result:
    facts: Facts
    excluded_by: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    floor_load_status: str = FloorLoadStatus.NEEDS_INSPECTION
    scores: dict[str, float | None] = field(default_factory=dict)
    total: float = 0.0
    rank: int | None = None

    def as_dict(self) -> dict:
        f = self.facts
        return {
            "id": f.id,
            "code": f.code,
            "name": f.name,
            "lon": f.lon,
            "lat": f.lat,
            "rank": self.rank,
            "total": round(self.total, 4),
            "scores": {k: None if v is None else round(v, 4) for k, v in self.scores.items()},
            "excluded_by": self.excluded_by,
            "flags": self.flags,
            "floor_load_status": self.floor_load_status,
            "grade": f.grade,
            "inspected_load": f.inspected_load,
            "inspected_on": f.inspected_on,
            "usable_area": f.usable_area,
            "access_mean_m": None if f.access_mean_m is None else round(f.access_mean_m),
            "access_max_m": None if f.access_max_m is None else round(f.access_max_m),
            "access_estimates": f.access_estimates,
        }


def zones(need: Need, criteria: dict[str, Criterion]) -> dict[str, float]:
    """Floor area of each of the five zones (m²) and their total: the stacks hold the
    shelving now and after the years of growth at the density of the shelving type."""
    stacks = need.total_shelf_metres / parameter(criteria, DENSITY_CODE[need.shelving])
    out = {
        "stacks": stacks,
        "processing": need.processing_area,
        "reading": need.reading_area,
        "technical": need.technical_area,
        "offices": need.office_area,
    }
    out["total"] = sum(out.values())
    out["stack_rooms"] = math.ceil(stacks / parameter(criteria, "STACK_ROOM_MAX")) if stacks else 0
    return out


def required_area(need: Need, criteria: dict[str, Criterion]) -> float:
    return zones(need, criteria)["total"]


# -- access -------------------------------------------------------------------------------
@dataclass
class AccessDistance:
    origin: str
    metres: float
    method: str = ACCESS_ESTIMATE
    estimate: bool = True


def access_origins():
    """Where records come from: the centres of the former districts (huyện, thị xã,
    thành phố) abolished on 1 July 2025."""
    from inventory.choices import UnitLevel
    from inventory.models import AdministrativeUnit

    return list(AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_DISTRICT).order_by("code"))


def access_distances_many(origins, targets) -> list[list[AccessDistance]]:
    """The travel distance from each origin (an administrative unit's centre) to each
    target point: THE one place siting measures access. The road distance where the road
    network (`maps.routing`) joins both ends; otherwise the routing's estimate (the
    straight line × its detour factor), labelled so on the page and in the PDF. All
    targets in one routing call."""
    from maps.routing import road_distances_many

    points = [o.centroid for o in origins]
    answers = road_distances_many([(points, target) for target in targets]) if points else [[] for _t in targets]
    return [
        [
            AccessDistance(o.code, d.metres, ACCESS_ESTIMATE if d.is_estimate else ACCESS_ROAD, d.is_estimate)
            for o, d in zip(origins, row, strict=True)
        ]
        for row in answers
    ]


def access_distances(origins, target) -> list[AccessDistance]:
    """`access_distances_many` for one target."""
    return access_distances_many(origins, [target])[0]


def add_access(facts: list[Facts], origins) -> None:
    from django.contrib.gis.geos import Point

    if not origins or not facts:
        return
    targets = [Point(f.lon, f.lat, srid=4326) for f in facts]
    for f, distances in zip(facts, access_distances_many(origins, targets), strict=True):
        metres = [d.metres for d in distances]
        f.access_mean_m = sum(metres) / len(metres)
        f.access_max_m = max(metres)
        f.access_estimates = sum(1 for d in distances if d.estimate)


# -- facts --------------------------------------------------------------------------------
FACTS_SQL = """
WITH layer_features AS (
    SELECT l.kind, f.geometry FROM maps_hazardfeature f JOIN maps_hazardlayer l ON l.id = f.layer_id
)
SELECT p.id, p.code, p.name,
       COALESCE(CASE WHEN p.status = 'partly_surplus' THEN p.surplus_floor_area END, p.floor_area, 0)
           AS usable_area,
       p.floors, p.building_grade AS grade, p.year_built, p.condition,
       COALESCE(p.land_area, 0) AS land_area, COALESCE(p.footprint_area, 0) AS footprint, p.storm_damaged,
       EXISTS (SELECT 1 FROM layer_features h WHERE h.kind = %(flood)s AND ST_Intersects(h.geometry, p.location))
           AS in_flood,
       EXISTS (SELECT 1 FROM layer_features h WHERE h.kind = %(landslide)s AND ST_Intersects(h.geometry, p.location))
           AS in_landslide,
       (SELECT jsonb_object_agg(d.kind, d.metres) FROM (
            SELECT h.kind, min(ST_Distance(h.geometry::geography, p.location::geography)) AS metres
              FROM layer_features h WHERE h.kind = ANY(%(source_kinds)s) GROUP BY h.kind) d) AS source_m,
       (SELECT min(ST_Distance(h.geometry::geography, p.location::geography))
          FROM layer_features h WHERE h.kind = %(road)s) AS road_m,
       i.floor_load AS inspected_load, i.inspected_on, i.id AS inspection_id,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat
FROM inventory_premises p
-- The strongest of the latest inspections of each of its houses (or of the site as a
-- whole): stacks go where an inspection says the floor bears them.
LEFT JOIN LATERAL (
    SELECT latest.floor_load, latest.inspected_on, latest.id FROM (
        SELECT DISTINCT ON (s.house_id) s.id, s.floor_load, s.inspected_on
          FROM maps_structuralinspection s WHERE s.premises_id = p.id
         ORDER BY s.house_id, s.inspected_on DESC, s.id DESC
    ) latest ORDER BY latest.floor_load DESC, latest.inspected_on DESC LIMIT 1
) i ON true
WHERE p.id = ANY(%(ids)s)
ORDER BY p.code
"""
SOURCE_KINDS = [LayerKind.HAZARD_SITE, LayerKind.POLLUTION, LayerKind.VIBRATION]


def candidate_facts(premises_ids) -> list[Facts]:
    with connection.cursor() as cursor:
        cursor.execute(
            FACTS_SQL,
            {
                "flood": LayerKind.FLOOD,
                "landslide": LayerKind.LANDSLIDE,
                "source_kinds": [str(k) for k in SOURCE_KINDS],
                "road": LayerKind.ROAD,
                "ids": list(premises_ids),
            },
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in ("usable_area", "land_area", "footprint"):
            row[key] = float(row[key])
        row["grade"] = row["grade"] or ""
        source_m = row["source_m"] or {}
        row["source_m"] = json.loads(source_m) if isinstance(source_m, str) else source_m
        row["inspected_on"] = row["inspected_on"].isoformat() if row["inspected_on"] else None
    return [Facts(**row) for row in rows]


def road_layer_loaded() -> bool:
    from maps.models import HazardFeature

    return HazardFeature.objects.filter(layer__kind=LayerKind.ROAD).exists()


# -- constraints and scores ---------------------------------------------------------------
def floor_load(f: Facts, need: Need, criteria: dict[str, Criterion]) -> tuple[str, dict | None]:
    """The floor-load verdict and, unless it passes, what to say: decided by the recorded
    inspection alone (never by the grade)."""
    code = FLOOR_LOAD_CODE[need.shelving]
    if code not in criteria:
        return FloorLoadStatus.PASSES, None
    needed = parameter(criteria, code)
    entry = {"code": code, "name": criteria[code].name}
    if f.inspected_load is None:
        return FloorLoadStatus.NEEDS_INSPECTION, {
            **entry,
            "reason": _("needs inspection: no structural inspection recorded (%(need)s kg/m² needed)")
            % {"need": f"{needed:,.0f}".replace(",", ".")},
        }
    if f.inspected_load < needed:
        return FloorLoadStatus.FAILS, {
            **entry,
            "reason": _("inspected %(date)s: floor load %(have)s kg/m², %(need)s kg/m² needed")
            % {
                "date": f.inspected_on,
                "have": f"{f.inspected_load:,}".replace(",", "."),
                "need": f"{needed:,.0f}".replace(",", "."),
            },
        }
    return FloorLoadStatus.PASSES, None


def _exclusions(f: Facts, criteria: dict[str, Criterion], required: float) -> list[dict]:
    out = []

    def exclude(code, reason):
        if code in criteria:
            out.append({"code": code, "name": criteria[code].name, "reason": reason})

    if f.in_flood:
        exclude("FLOOD", _("inside a flood hazard area"))
    if f.in_landslide:
        exclude("LANDSLIDE", _("inside a landslide hazard area"))
    if f.usable_area < required:
        exclude(
            "FLOOR_AREA",
            _("%(have)s m² usable, %(need)s m² needed") % {"have": round(f.usable_area), "need": round(required)},
        )
    for c in criteria.values():
        if c.kind != CriterionKind.HARD or not c.layer_kind or c.parameter is None:
            continue
        metres = f.source_m.get(c.layer_kind)
        if metres is not None and metres < c.parameter:
            exclude(
                c.code,
                _("%(d)s m from such a source, %(min)s m required") % {"d": round(metres), "min": round(c.parameter)},
            )
    return out


def _scores(f: Facts, criteria: dict[str, Criterion], required: float, roads: bool) -> dict[str, float | None]:
    def param(code, default):
        c = criteria.get(code)
        return c.parameter if c is not None and c.parameter else default

    scores = {
        "ACCESS": (max(0.0, 1 - f.access_mean_m / param("ACCESS", 150_000)) if f.access_mean_m is not None else None),
        "SPARE_AREA": min(1.0, max(0.0, (f.usable_area - required) / required)) if required else 1.0,
        "CONDITION": CONDITION_SCORE.get(f.condition, 0.0),
        "EXPANSION_LAND": min(1.0, max(0.0, f.land_area - f.footprint) / param("EXPANSION_LAND", 2000)),
        "FLOORS": 1.0 if not f.floors or f.floors <= param("FLOORS", 3) else param("FLOORS", 3) / f.floors,
        "ROAD_DISTANCE": (
            max(0.0, 1 - f.road_m / param("ROAD_DISTANCE", 2000)) if roads and f.road_m is not None else None
        ),
        "STORM_HISTORY": 0.0 if f.storm_damaged else 1.0,
    }
    return {code: value for code, value in scores.items() if code in criteria}


def rank(
    facts: list[Facts],
    criteria_list: list[Criterion],
    need: Need,
    weights: dict[str, float] | None = None,
    roads: bool | None = None,
) -> list[Result]:
    """The ranked candidates, best first (ties to the lower code), then the excluded ones
    with every constraint that excluded each. A candidate without a structural
    inspection is ranked and flagged "needs inspection"."""
    criteria = {c.code: c for c in criteria_list}
    weights = weights or {c.code: c.weight for c in criteria_list if c.kind == CriterionKind.WEIGHTED}
    roads = road_layer_loaded() if roads is None else roads
    required = required_area(need, criteria)
    weighted = {k: v for k, v in criteria.items() if v.kind == CriterionKind.WEIGHTED}
    results = []
    for f in facts:
        result = Result(facts=f, excluded_by=_exclusions(f, criteria, required))
        result.floor_load_status, note = floor_load(f, need, criteria)
        if result.floor_load_status == FloorLoadStatus.FAILS:
            result.excluded_by.append(note)
        elif note:
            result.flags.append(note)
        result.scores = _scores(f, weighted, required, roads)
        scored = {code: s for code, s in result.scores.items() if s is not None and weights.get(code, 0) > 0}
        total_weight = sum(weights[code] for code in scored)
        result.total = sum(weights[code] * s for code, s in scored.items()) / total_weight if total_weight else 0.0
        results.append(result)
    eligible = sorted((r for r in results if not r.excluded_by), key=lambda r: (-r.total, r.facts.code))
    for position, result in enumerate(eligible, start=1):
        result.rank = position
    return eligible + sorted((r for r in results if r.excluded_by), key=lambda r: r.facts.code)


def sensitivity(facts, criteria_list, need, seed: int, sets: int, roads: bool | None = None) -> dict:
    """How stable the first place is: each weight moved by ±20%, and `sets` random weight
    sets drawn with `seed` (the same seed gives the same answer)."""
    roads = road_layer_loaded() if roads is None else roads
    # Without a road layer the road criterion scores nothing: moving its weight says nothing.
    base = {
        c.code: c.weight
        for c in criteria_list
        if c.kind == CriterionKind.WEIGHTED and (roads or c.code != "ROAD_DISTANCE")
    }

    def first(weights):
        ranked = rank(facts, criteria_list, need, weights=weights, roads=roads)
        return ranked[0].facts.code if ranked and ranked[0].rank == 1 else None

    baseline = first(base)
    moves = []
    for code, weight in base.items():
        if weight <= 0:
            continue
        for factor in (1 - WEIGHT_STEP, 1 + WEIGHT_STEP):
            winner = first({**base, code: weight * factor})
            moves.append(
                {"criterion": code, "factor": round(factor, 2), "first": winner, "changed": winner != baseline}
            )
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    for _draw in range(sets):
        winner = first({code: rng.random() for code in base})
        if winner is not None:
            counts[winner] = counts.get(winner, 0) + 1
    return {
        "baseline_first": baseline,
        "weight_moves": moves,
        "seed": seed,
        "sets": sets,
        "first_place_share": {code: round(n / sets, 4) for code, n in sorted(counts.items(), key=lambda x: -x[1])},
    }


def study_need(study) -> Need:
    return Need(
        float(study.shelf_metres),
        float(study.growth_metres_per_year),
        study.growth_years,
        study.shelving,
        float(study.office_area),
        float(study.processing_area),
        float(study.reading_area),
        float(study.technical_area),
    )


def run_study(study) -> dict:
    """Rank a study's candidates with the criteria in use as they are now, and store the
    criteria used and the results on the study."""
    from maps.models import SitingCriterion
    from maps.routing import parameters as routing_parameters

    criteria_list = [Criterion.from_model(c) for c in SitingCriterion.objects.filter(is_active=True)]
    criteria = {c.code: c for c in criteria_list}
    need = study_need(study)
    facts = candidate_facts(study.candidates.values_list("pk", flat=True))
    origins = access_origins()
    add_access(facts, origins)
    roads = road_layer_loaded()
    ranked = rank(facts, criteria_list, need, roads=roads)
    area = zones(need, criteria)
    study.criteria = [c.__dict__ for c in criteria_list]
    study.results = {
        "method_version": METHOD_VERSION,
        "required_area": round(area["total"], 1),
        "zones": {k: round(v, 1) for k, v in area.items()},
        "floor_load_required": parameter(criteria, FLOOR_LOAD_CODE[need.shelving]),
        "access": {
            "method": ACCESS_ESTIMATE if all(f.access_estimates == len(origins) for f in facts) else ACCESS_ROAD,
            "estimate": any(f.access_estimates for f in facts) or not facts,
            "detour_factor": routing_parameters()["detour_factor"],
            "origins": [o.name for o in origins],
        },
        "road_layer": roads,
        "ranked": [r.as_dict() for r in ranked if r.rank is not None],
        "excluded": [r.as_dict() for r in ranked if r.rank is None],
        "needs_inspection": sum(
            1 for r in ranked if r.rank is not None and r.floor_load_status == FloorLoadStatus.NEEDS_INSPECTION
        ),
        "sensitivity": sensitivity(facts, criteria_list, need, study.seed, study.random_sets, roads=roads),
    }
    study.save(update_fields=["criteria", "results"])
    return study.results


__all__ = [
    "AccessDistance",
    "Criterion",
    "Facts",
    "Need",
    "Result",
    "access_distances",
    "candidate_facts",
    "rank",
    "required_area",
    "run_study",
    "sensitivity",
    "zones",
]
