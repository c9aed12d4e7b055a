"""Ranking candidate buildings for the archive repository (DESIGN §4).

Facts about each candidate come from PostGIS in one query (hazard areas it lies in,
geodesic distances to hazard sites, roads and the provincial centre). Hard constraints
exclude; weighted criteria score 0–1 and the total is the weighted mean over the
criteria that can be scored (a road criterion needs a road layer). The sensitivity
check moves each weight by ±20% and draws seeded random weight sets, and counts how
often each candidate comes first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from inventory.choices import BuildingGrade, Condition
from maps.choices import CriterionKind, LayerKind, Shelving

# Linear metres of shelving per m² of stack floor: the FLOOR_AREA parameter is for fixed
# shelving; mobile shelving holds about twice as much (LEGAL.md).
MOBILE_FACTOR = 2
# Floor load an archive stack needs (kg/m²): about 800 with fixed shelving, 1,200 with
# mobile shelving (LEGAL.md, "Archive repository"). Used when a building's load is known;
# otherwise grade and year stand in for it.
REQUIRED_LOAD = {Shelving.FIXED: 800, Shelving.MOBILE: 1200}
STRONG_GRADES = {BuildingGrade.SPECIAL, BuildingGrade.GRADE_I, BuildingGrade.GRADE_II}
CONDITION_SCORE = {Condition.GOOD: 1.0, Condition.FAIR: 2 / 3, Condition.POOR: 1 / 3, Condition.DAMAGED: 0.0}
WEIGHT_STEP = 0.2


@dataclass
class Need:
    shelf_metres: float
    growth_metres_per_year: float = 0
    growth_years: int = 0
    shelving: str = Shelving.FIXED
    office_area: float = 0

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

    @classmethod
    def from_model(cls, obj) -> Criterion:
        return cls(
            obj.code,
            obj.name,
            obj.kind,
            float(obj.parameter) if obj.parameter is not None else None,
            float(obj.weight),
            obj.source,
        )


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
    floor_load: int | None
    condition: str
    land_area: float
    footprint: float
    storm_damaged: bool
    in_flood: bool
    in_landslide: bool
    hazard_site_m: float | None
    road_m: float | None
    centre_m: float
    lon: float
    lat: float


@dataclass
class Result:
    facts: Facts
    excluded_by: list[dict] = field(default_factory=list)
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
            "usable_area": f.usable_area,
            "centre_m": round(f.centre_m),
        }


def required_area(need: Need, criteria: dict[str, Criterion]) -> float:
    """Stack area for the shelving now and after the years of growth, plus the office."""
    density = criteria["FLOOR_AREA"].parameter or 4.5
    if need.shelving == Shelving.MOBILE:
        density *= MOBILE_FACTOR
    return need.total_shelf_metres / density + need.office_area


FACTS_SQL = """
WITH layer_features AS (
    SELECT l.kind, f.geometry FROM maps_hazardfeature f JOIN maps_hazardlayer l ON l.id = f.layer_id
)
SELECT p.id, p.code, p.name,
       COALESCE(CASE WHEN p.status = 'partly_surplus' THEN p.surplus_floor_area END, p.floor_area, 0)
           AS usable_area,
       p.floors, p.building_grade AS grade, p.year_built, p.floor_load, p.condition,
       COALESCE(p.land_area, 0) AS land_area, COALESCE(p.footprint_area, 0) AS footprint, p.storm_damaged,
       EXISTS (SELECT 1 FROM layer_features h WHERE h.kind = %(flood)s AND ST_Intersects(h.geometry, p.location))
           AS in_flood,
       EXISTS (SELECT 1 FROM layer_features h WHERE h.kind = %(landslide)s AND ST_Intersects(h.geometry, p.location))
           AS in_landslide,
       (SELECT min(ST_Distance(h.geometry::geography, p.location::geography))
          FROM layer_features h WHERE h.kind = %(site)s) AS hazard_site_m,
       (SELECT min(ST_Distance(h.geometry::geography, p.location::geography))
          FROM layer_features h WHERE h.kind = %(road)s) AS road_m,
       ST_Distance(p.location::geography, ST_GeomFromEWKT(%(centre)s)::geography) AS centre_m,
       ST_X(p.location) AS lon, ST_Y(p.location) AS lat
FROM inventory_premises p
WHERE p.id = ANY(%(ids)s)
ORDER BY p.code
"""


def candidate_facts(premises_ids, centre) -> list[Facts]:
    with connection.cursor() as cursor:
        cursor.execute(
            FACTS_SQL,
            {
                "flood": LayerKind.FLOOD,
                "landslide": LayerKind.LANDSLIDE,
                "site": LayerKind.HAZARD_SITE,
                "road": LayerKind.ROAD,
                "centre": centre.ewkt,
                "ids": list(premises_ids),
            },
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in ("usable_area", "land_area", "footprint"):
            row[key] = float(row[key])
        row["grade"] = row["grade"] or ""
    return [Facts(**row) for row in rows]


def road_layer_loaded() -> bool:
    from maps.models import HazardFeature

    return HazardFeature.objects.filter(layer__kind=LayerKind.ROAD).exists()


def _exclusions(f: Facts, need: Need, criteria: dict[str, Criterion], required: float) -> list[dict]:
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
    min_year = criteria["FLOOR_LOAD"].parameter if "FLOOR_LOAD" in criteria else None
    required_load = REQUIRED_LOAD[need.shelving]
    strong_by_proxy = f.grade in STRONG_GRADES or (
        f.grade == BuildingGrade.GRADE_III
        and f.year_built is not None
        and min_year is not None
        and f.year_built >= min_year
    )
    if f.condition == Condition.DAMAGED:
        exclude("FLOOR_LOAD", _("damaged building"))
    elif f.floor_load is not None and f.floor_load < required_load:
        exclude(
            "FLOOR_LOAD",
            _("floor load %(have)s kg/m², %(need)s kg/m² needed") % {"have": f.floor_load, "need": required_load},
        )
    elif f.floor_load is None and not strong_by_proxy:
        exclude(
            "FLOOR_LOAD",
            _("grade %(grade)s, built %(year)s: cannot be assumed to bear archive loads")
            % {"grade": f.grade or "?", "year": f.year_built or "?"},
        )
    site_limit = criteria["HAZARD_SITE"].parameter if "HAZARD_SITE" in criteria else None
    if site_limit is not None and f.hazard_site_m is not None and f.hazard_site_m < site_limit:
        exclude(
            "HAZARD_SITE",
            _("%(d)s m from a hazard site, %(min)s m required")
            % {"d": round(f.hazard_site_m), "min": round(site_limit)},
        )
    return out


def _scores(f: Facts, criteria: dict[str, Criterion], required: float, roads: bool) -> dict[str, float | None]:
    def param(code, default):
        c = criteria.get(code)
        return c.parameter if c is not None and c.parameter else default

    scores = {
        "CENTRE_DISTANCE": max(0.0, 1 - f.centre_m / param("CENTRE_DISTANCE", 50_000)),
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
    """Excluded candidates (with every constraint that excluded each) and the ranked
    rest, best first; ties go to the lower code."""
    criteria = {c.code: c for c in criteria_list}
    weights = weights or {c.code: c.weight for c in criteria_list if c.kind == CriterionKind.WEIGHTED}
    roads = road_layer_loaded() if roads is None else roads
    required = required_area(need, criteria)
    results = []
    for f in facts:
        result = Result(facts=f, excluded_by=_exclusions(f, need, criteria, required))
        result.scores = _scores(
            f, {k: v for k, v in criteria.items() if v.kind == CriterionKind.WEIGHTED}, required, roads
        )
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


def run_study(study) -> dict:
    """Rank a study's candidates with the active criteria as they are now, and store the
    criteria used and the results on the study."""
    from maps.models import SitingCriterion

    criteria_list = [Criterion.from_model(c) for c in SitingCriterion.objects.filter(is_active=True)]
    need = Need(
        float(study.shelf_metres),
        float(study.growth_metres_per_year),
        study.growth_years,
        study.shelving,
        float(study.office_area),
    )
    facts = candidate_facts(study.candidates.values_list("pk", flat=True), study.centre)
    roads = road_layer_loaded()
    ranked = rank(facts, criteria_list, need, roads=roads)
    study.criteria = [c.__dict__ for c in criteria_list]
    study.results = {
        "required_area": round(required_area(need, {c.code: c for c in criteria_list}), 1),
        # Distances to the centre are straight lines (no road network routing); the road
        # layer, when loaded, scores the distance to a main road.
        "centre_distance": "straight_line",
        "road_layer": roads,
        "ranked": [r.as_dict() for r in ranked if r.rank is not None],
        "excluded": [r.as_dict() for r in ranked if r.rank is None],
        "sensitivity": sensitivity(facts, criteria_list, need, study.seed, study.random_sets, roads=roads),
    }
    study.save(update_fields=["criteria", "results"])
    return study.results


__all__ = [
    "Criterion",
    "Facts",
    "Need",
    "Result",
    "candidate_facts",
    "rank",
    "required_area",
    "run_study",
    "sensitivity",
]
