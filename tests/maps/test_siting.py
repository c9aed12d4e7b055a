"""Archive repository siting on a hand-built case whose exclusions and ranking are worked
out here by hand."""

import json
import math
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError

from maps.choices import LayerKind
from maps.models import HazardLayer, SitingCriterion, SitingStudy
from maps.services import import_layer
from maps.siting import Criterion, Need, candidate_facts, rank, required_area, run_study, sensitivity
from tests import factories

pytestmark = pytest.mark.django_db

CENTRE = Point(105.70, 18.70, srid=4326)
M_PER_DEG_LAT = 111_320  # near enough for placing candidates; distances are measured by PostGIS


def north_of_centre(metres, east=0.0):
    return Point(CENTRE.x + east, CENTRE.y + metres / M_PER_DEG_LAT, srid=4326)


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def polygon_around(point, half_side_deg=0.002):
    x, y = point.x, point.y
    ring = [
        [x - half_side_deg, y - half_side_deg],
        [x + half_side_deg, y - half_side_deg],
        [x + half_side_deg, y + half_side_deg],
        [x - half_side_deg, y + half_side_deg],
        [x - half_side_deg, y - half_side_deg],
    ]
    return {"type": "Feature", "properties": {"ten": "vùng"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def case(tmp_path):
    """Need: 9,000 m of fixed shelving (÷ 4.5 = 2,000 m² of stacks) + 300 m² of offices = 2,300 m².

    A  3,000 m², grade II 2005, good, land 5,000 − footprint 1,000, 3 floors, 1 km from the centre
    B  4,000 m², grade II 2008, fair, land 3,000 − footprint 1,500, 4 floors, 10 km
    C  2,000 m² — too small                                   → excluded: FLOOR_AREA
    D  3,000 m², grade I, 200 m from a fuel depot             → excluded: HAZARD_SITE (500 m required)
    E  3,000 m², grade IV, inside the flood area              → excluded: FLOOD and FLOOR_LOAD
    F  2,600 m², grade III built 1995 (before 2000)           → excluded: FLOOR_LOAD
    """

    def make(code, metres, east=0.0, **kwargs):
        defaults = {
            "status": "surplus",
            "building_grade": "II",
            "year_built": 2005,
            "condition": "good",
            "floors": 3,
            "footprint_area": Decimal(1000),
            "land_area": Decimal(5000),
        }
        defaults.update(kwargs)
        floor_area = defaults.pop("floor_area")
        return factories.premises(
            code=code,
            name=f"Ứng viên {code}",
            location=north_of_centre(metres, east),
            floor_area=Decimal(floor_area),
            **defaults,
        )

    candidates = {
        "A": make("SIT-A", 1000, floor_area=3000),
        "B": make(
            "SIT-B",
            10_000,
            floor_area=4000,
            year_built=2008,
            condition="fair",
            land_area=Decimal(3000),
            footprint_area=Decimal(1500),
            floors=4,
        ),
        "C": make("SIT-C", 2000, east=0.02, floor_area=2000, footprint_area=Decimal(700)),
        "D": make("SIT-D", 3000, east=0.02, floor_area=3000, building_grade="I"),
        "E": make("SIT-E", 4000, east=0.02, floor_area=3000, building_grade="IV"),
        "F": make("SIT-F", 5000, east=0.02, floor_area=2600, building_grade="III", year_built=1995),
    }
    flood = write_geojson(tmp_path / "lu.geojson", [polygon_around(candidates["E"].location)])
    import_layer(flood, LayerKind.FLOOD, "Vùng ngập (thử)")
    depot = candidates["D"].location
    site = {
        "type": "Feature",
        "properties": {"ten": "Kho xăng"},
        "geometry": {
            "type": "Point",
            "coordinates": [depot.x + 200 / (M_PER_DEG_LAT * math.cos(math.radians(depot.y))), depot.y],
        },
    }
    import_layer(write_geojson(tmp_path / "kho.geojson", [site]), LayerKind.HAZARD_SITE, "Kho xăng (thử)")
    criteria = [Criterion.from_model(c) for c in SitingCriterion.objects.filter(is_active=True)]
    need = Need(shelf_metres=9000, office_area=300)
    facts = candidate_facts([p.pk for p in candidates.values()], CENTRE)
    return candidates, criteria, need, facts


def test_required_area_from_shelf_metres_and_office():
    criteria = {c.code: Criterion.from_model(c) for c in SitingCriterion.objects.all()}
    assert required_area(Need(shelf_metres=9000, office_area=300), criteria) == pytest.approx(2300)
    assert required_area(Need(9000, 100, 10, "mobile", 300), criteria) == pytest.approx(10_000 / 9 + 300)


def test_exclusions_each_with_the_constraint_that_excluded_it(case):
    _candidates, criteria, need, facts = case
    results = {r.facts.code: r for r in rank(facts, criteria, need, roads=False)}
    excluded = {code: sorted(e["code"] for e in r.excluded_by) for code, r in results.items() if r.excluded_by}
    assert excluded == {
        "SIT-C": ["FLOOR_AREA"],
        "SIT-D": ["HAZARD_SITE"],
        "SIT-E": ["FLOOD", "FLOOR_LOAD"],
        "SIT-F": ["FLOOR_LOAD"],
    }


def test_ranking_and_scores_worked_out_by_hand(case):
    _candidates, criteria, need, facts = case
    ranked = [r for r in rank(facts, criteria, need, roads=False) if r.rank]
    assert [r.facts.code for r in ranked] == ["SIT-A", "SIT-B"]
    a, b = ranked
    # Weights without a road layer: centre .25, spare .20, condition .15, land .10, floors .10, storm .10 = .90
    expected_a = (0.25 * (1 - 1000 / 50_000) + 0.20 * (700 / 2300) + 0.15 * 1 + 0.10 * 1 + 0.10 * 1 + 0.10 * 1) / 0.9
    expected_b = (
        0.25 * (1 - 10_000 / 50_000)
        + 0.20 * (1700 / 2300)
        + 0.15 * (2 / 3)
        + 0.10 * (1500 / 2000)
        + 0.10 * (3 / 4)
        + 0.10 * 1
    ) / 0.9
    assert a.total == pytest.approx(expected_a, abs=2e-3)
    assert b.total == pytest.approx(expected_b, abs=2e-3)
    assert a.scores["ROAD_DISTANCE"] is None  # no road layer: not scored, and said so


def test_sensitivity_is_the_same_for_the_same_seed(case):
    _candidates, criteria, need, facts = case
    first = sensitivity(facts, criteria, need, seed=7, sets=50, roads=False)
    again = sensitivity(facts, criteria, need, seed=7, sets=50, roads=False)
    other = sensitivity(facts, criteria, need, seed=8, sets=50, roads=False)
    assert first == again
    assert first["baseline_first"] == "SIT-A"
    assert set(first["first_place_share"]) <= {"SIT-A", "SIT-B"}
    assert sum(first["first_place_share"].values()) == pytest.approx(1)
    assert len(first["weight_moves"]) == 2 * 6  # six weighted criteria with a weight, each ±20%
    assert other["sets"] == 50


def test_a_study_stores_criteria_and_results(case, demo_user):
    candidates, _criteria, _need, _facts = case
    study = SitingStudy.objects.create(
        name="Kho lưu trữ lịch sử",
        shelf_metres=9000,
        office_area=300,
        centre=CENTRE,
        seed=3,
        random_sets=20,
        created_by=demo_user("demo-finance"),
    )
    study.candidates.set(candidates.values())
    results = run_study(study)
    study.refresh_from_db()
    assert [r["code"] for r in study.results["ranked"]] == ["SIT-A", "SIT-B"]
    assert {r["code"] for r in results["excluded"]} == {"SIT-C", "SIT-D", "SIT-E", "SIT-F"}
    assert any(c["code"] == "FLOOD" and c["source"] for c in study.criteria)
    # the demo has a synthetic road network (generate_demo_layers); centre distances stay straight here
    assert results["centre_distance"] == "straight_line" and results["road_layer"] is True


# -- layer import ------------------------------------------------------------------------------

SQUARE_3405 = [[570000, 2064000], [573000, 2064000], [573000, 2067000], [570000, 2067000], [570000, 2064000]]


def test_a_layer_in_another_crs_is_reprojected(tmp_path, call):
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}},
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE_3405]}}
        ],
    }
    path = tmp_path / "ngap.geojson"
    path.write_text(json.dumps(data))
    out = call("import_layer", str(path), "--kind", "flood", "--name", "Ngập lụt")
    assert "1" in out and "VN-2000" in out
    feature = HazardLayer.objects.get(name="Ngập lụt").features.get()
    assert feature.geometry.srid == 4326 and 105.6 < feature.geometry.centroid.x < 105.75


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([], "no features"),
        (
            [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [105.7, 18.7]}}],
            "expected MultiPolygon, Polygon",
        ),
        (
            [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[105.0, 18.0], [105.1, 18.1], [105.1, 18.0], [105.0, 18.1], [105.0, 18.0]]],
                    },
                }
            ],
            "not a valid geometry",
        ),
    ],
)
def test_bad_layers_are_refused_and_change_nothing(tmp_path, call, features, message):
    path = write_geojson(tmp_path / "xau.geojson", features)
    with pytest.raises(CommandError, match=message):
        call("import_layer", str(path), "--kind", "flood", "--name", "Lớp xấu")
    assert not HazardLayer.objects.filter(name="Lớp xấu").exists()


def test_a_known_floor_load_decides_and_a_damaged_building_is_excluded(case):
    candidates, criteria, need, _facts = case
    a, b = candidates["A"], candidates["B"]
    a.floor_load = 600  # grade II would pass by proxy, but the known load is too low for 800 kg/m²
    a.save()
    b.condition = "damaged"
    b.save()
    f = candidates["F"]
    f.floor_load = 1000  # grade III from 1995 fails by proxy; a known 1,000 kg/m² is enough for fixed shelving
    f.save()
    facts = candidate_facts([p.pk for p in candidates.values()], CENTRE)
    results = {r.facts.code: r for r in rank(facts, criteria, need, roads=False)}
    assert [e["code"] for e in results["SIT-A"].excluded_by] == ["FLOOR_LOAD"]
    assert "600" in results["SIT-A"].excluded_by[0]["reason"]
    assert [e["code"] for e in results["SIT-B"].excluded_by] == ["FLOOR_LOAD"]
    assert results["SIT-F"].rank == 1  # the only one left
    mobile = Need(shelf_metres=9000 * 2, office_area=300, shelving="mobile")  # same stack area, 1,200 kg/m²
    results = {r.facts.code: r for r in rank(facts, criteria, mobile, roads=False)}
    assert [e["code"] for e in results["SIT-F"].excluded_by] == ["FLOOR_LOAD"]
