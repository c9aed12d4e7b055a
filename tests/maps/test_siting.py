"""Archive repository siting on a hand-built case whose exclusions, floor-load verdicts,
access distances, zones and ranking are worked out here by hand (issue 14 item 4)."""

import datetime as dt
import importlib
import json
import math
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError
from pyproj import Geod

from inventory.models import AdministrativeUnit
from maps.choices import LayerKind
from maps.demo import create_demo_roads
from maps.models import HazardLayer, RoadEdge, SitingCriterion, SitingStudy, StructuralInspection
from maps.services import import_layer
from maps.siting import (
    Criterion,
    Need,
    access_distances,
    add_access,
    candidate_facts,
    rank,
    required_area,
    run_study,
    sensitivity,
    zones,
)
from tests import factories

pytestmark = pytest.mark.django_db

CENTRE = Point(105.70, 18.70, srid=4326)  # a reference point near Vinh
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


def inspect(premises, load, on=dt.date(2026, 3, 1), user=None, house=None):
    return StructuralInspection.objects.create(
        premises=premises,
        house=house,
        floor_load=load,
        inspected_on=on,
        inspector="Trung tâm Kiểm định xây dựng Nghệ An",
        created_by=user or factories.user(),
    )


def criteria_now():
    return [Criterion.from_model(c) for c in SitingCriterion.objects.filter(is_active=True)]


def point_feature(point, east_m=0.0, north_m=0.0, label="nguồn"):
    lon = point.x + east_m / (M_PER_DEG_LAT * math.cos(math.radians(point.y)))
    return {
        "type": "Feature",
        "properties": {"ten": label},
        "geometry": {"type": "Point", "coordinates": [lon, point.y + north_m / M_PER_DEG_LAT]},
    }


@pytest.fixture
def case(tmp_path):
    """Need: 9,000 m of fixed shelving (÷ 4.5 = 2,000 m² of stacks) + 300 m² of offices = 2,300 m².

    A  3,000 m², grade I, no inspection                    → ranked, "needs inspection"
    B  4,000 m², grade II, inspected at 1,500 kg/m²       → excluded: FLOOR_LOAD_FIXED (1,700 needed)
    G  3,000 m², grade IV, inspected at 2,500 kg/m²       → ranked, passes (the grade does not decide)
    C  2,000 m² — too small; inspected at 2,500            → excluded: FLOOR_AREA
    D  3,000 m², grade I, 200 m from a fuel depot          → excluded: HAZARD_SITE (500 m) (and needs inspection)
    E  3,000 m², grade IV, inside the flood area           → excluded: FLOOD
    P  3,000 m², 300 m from a pollution source            → excluded: POLLUTION_SOURCE (500 m)
    V  3,000 m², 400 m from a vibration source            → ranked: VIBRATION_SOURCE needs 300 m only

    Access by the straight line × 1.4 (an estimate): the demo road network is taken away
    here (in the test's transaction); the road case is its own test.
    """
    RoadEdge.objects.all().delete()

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

    c = {
        "A": make("SIT-A", 1000, floor_area=3000, building_grade="I"),
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
        "G": make("SIT-G", 6000, floor_area=3000, building_grade="IV", condition="fair"),
        "C": make("SIT-C", 2000, east=0.02, floor_area=2000, footprint_area=Decimal(700)),
        "D": make("SIT-D", 3000, east=0.02, floor_area=3000, building_grade="I"),
        "E": make("SIT-E", 4000, east=0.02, floor_area=3000, building_grade="IV"),
        "P": make("SIT-P", 5000, east=0.04, floor_area=3000),
        "V": make("SIT-V", 7000, east=0.04, floor_area=3000),
    }
    inspector = factories.user()
    inspect(c["B"], 1500, user=inspector)
    inspect(c["G"], 2500, user=inspector)
    inspect(c["C"], 2500, user=inspector)
    flood = write_geojson(tmp_path / "lu.geojson", [polygon_around(c["E"].location)])
    import_layer(flood, LayerKind.FLOOD, "Vùng ngập (thử)")
    depot = write_geojson(tmp_path / "kho.geojson", [point_feature(c["D"].location, east_m=200, label="Kho xăng")])
    import_layer(depot, LayerKind.HAZARD_SITE, "Kho xăng (thử)")
    dump = write_geojson(tmp_path / "bai-rac.geojson", [point_feature(c["P"].location, east_m=300)])
    import_layer(dump, LayerKind.POLLUTION, "Bãi rác (thử)")
    quarry = write_geojson(tmp_path / "mo-da.geojson", [point_feature(c["V"].location, east_m=400)])
    import_layer(quarry, LayerKind.VIBRATION, "Mỏ đá (thử)")
    need = Need(shelf_metres=9000, office_area=300)
    facts = candidate_facts([p.pk for p in c.values()])
    return c, criteria_now(), need, facts


def by_code(results):
    return {r.facts.code: r for r in results}


def test_the_five_zones_recomputed_by_hand():
    criteria = {c.code: c for c in criteria_now()}
    need = Need(9000, 100, 10, "fixed", office_area=300, processing_area=150, reading_area=120, technical_area=80)
    # Stacks: (9,000 + 100 × 10) m ÷ 4.5 m/m² = 2,222.2 m²; rooms of at most 200 m²: 12.
    stacks = 10_000 / 4.5
    assert zones(need, criteria) == pytest.approx(
        {
            "stacks": stacks,
            "processing": 150,
            "reading": 120,
            "technical": 80,
            "offices": 300,
            "total": stacks + 150 + 120 + 80 + 300,
            "stack_rooms": 12,
        }
    )
    assert required_area(need, criteria) == pytest.approx(2872.22, abs=0.01)
    mobile = Need(9000, 100, 10, "mobile", office_area=300)  # 9 m per m² with mobile shelving
    assert zones(mobile, criteria)["stacks"] == pytest.approx(10_000 / 9)
    assert zones(mobile, criteria)["stack_rooms"] == 6  # 1,111.1 m² ÷ 200, rounded up


def test_floor_load_only_by_a_recorded_inspection(case):
    _c, criteria, need, facts = case
    results = by_code(rank(facts, criteria, need, roads=False))
    excluded = {code: sorted(e["code"] for e in r.excluded_by) for code, r in results.items() if r.excluded_by}
    assert excluded == {
        "SIT-B": ["FLOOR_LOAD_FIXED"],  # inspected 1,500 < 1,700 kg/m²
        "SIT-C": ["FLOOR_AREA"],  # 2,000 < 2,300 m²
        "SIT-D": ["HAZARD_SITE"],  # 200 < 500 m
        "SIT-E": ["FLOOD"],
        "SIT-P": ["POLLUTION_SOURCE"],  # 300 < 500 m
    }
    # Grade I without an inspection: ranked, flagged, neither excluded nor passed by its grade.
    a = results["SIT-A"]
    assert a.rank is not None and a.floor_load_status == "needs_inspection"
    assert [f["code"] for f in a.flags] == ["FLOOR_LOAD_FIXED"] and "1.700" in a.flags[0]["reason"]
    # Grade IV inspected at 2,500 kg/m² ≥ 1,700: passes; the grade does not matter.
    g = results["SIT-G"]
    assert g.rank is not None and g.floor_load_status == "passes" and g.flags == []
    assert "1.500" in results["SIT-B"].excluded_by[0]["reason"]
    assert results["SIT-V"].rank is not None  # 400 m from the quarry, 300 m required
    # Mobile shelving needs 2,400 kg/m²: 2,500 still passes, 1,500 still fails.
    mobile = Need(shelf_metres=18_000, office_area=300, shelving="mobile")  # same 2,000 m² of stacks
    results = by_code(rank(facts, criteria, mobile, roads=False))
    assert results["SIT-G"].floor_load_status == "passes"
    assert [e["code"] for e in results["SIT-B"].excluded_by] == ["FLOOR_LOAD_MOBILE"]
    assert results["SIT-A"].floor_load_status == "needs_inspection"


def test_an_inspection_between_the_two_loads_depends_on_the_shelving(case):
    c, criteria, need, _facts = case
    inspect(c["A"], 2000)  # ≥ 1,700 (fixed), < 2,400 (mobile)
    facts = candidate_facts([c["A"].pk])
    assert rank(facts, criteria, need, roads=False)[0].floor_load_status == "passes"
    mobile = Need(shelf_metres=18_000, office_area=300, shelving="mobile")
    assert [e["code"] for e in rank(facts, criteria, mobile, roads=False)[0].excluded_by] == ["FLOOR_LOAD_MOBILE"]


def test_the_latest_inspection_of_a_building_counts(case):
    c, criteria, need, _facts = case
    inspect(c["A"], 2500, on=dt.date(2024, 5, 1))
    inspect(c["A"], 1500, on=dt.date(2026, 5, 1))  # a later inspection found the floor weaker
    result = rank(candidate_facts([c["A"].pk]), criteria, need, roads=False)[0]
    assert result.floor_load_status == "fails" and "1.500" in result.excluded_by[0]["reason"]


def test_an_edited_load_parameter_changes_the_verdict(case):
    c, _criteria, need, _facts = case
    SitingCriterion.objects.filter(code="FLOOR_LOAD_FIXED").update(parameter=1400)
    result = by_code(rank(candidate_facts([c["B"].pk]), criteria_now(), need, roads=False))["SIT-B"]
    assert result.floor_load_status == "passes"  # 1,500 ≥ 1,400


def expected_access(point):
    """Mean geodesic distance (WGS 84 ellipsoid, pyproj) from the 20 former district
    centres, × the detour factor 1.4."""
    geod = Geod(ellps="WGS84")
    centres = AdministrativeUnit.objects.filter(level="legacy_district")
    metres = [geod.inv(u.centroid.x, u.centroid.y, point.x, point.y)[2] for u in centres]
    assert len(metres) == 20
    return sum(metres) / len(metres) * 1.4


def test_access_is_straight_line_times_the_detour_factor_labelled_estimate(case):
    c, _criteria, _need, _facts = case
    origins = list(AdministrativeUnit.objects.filter(level="legacy_district"))
    distances = access_distances(origins, c["A"].location)
    assert len(distances) == 20 and all(d.estimate and d.method == "straight_line_x_detour" for d in distances)
    assert sum(d.metres for d in distances) / 20 == pytest.approx(expected_access(c["A"].location), abs=1)


def test_the_detour_factor_is_the_routing_parameter_and_siting_has_none_of_its_own(case, demo_user):
    """One detour factor: the routing's data row. Set to 1.5, the siting's estimates
    are the straight line × 1.5 and the study says 1.5; the criteria carry no second one."""
    from maps.models import RoutingParameter

    c, _criteria, _need, _facts = case
    assert not SitingCriterion.objects.filter(code="DETOUR_FACTOR").exists()
    RoutingParameter.objects.filter(code="detour_factor").update(value=Decimal("1.5"))
    origins = list(AdministrativeUnit.objects.filter(level="legacy_district"))
    distances = access_distances(origins, c["A"].location)
    assert sum(d.metres for d in distances) / 20 == pytest.approx(expected_access(c["A"].location) / 1.4 * 1.5, abs=1)
    study = SitingStudy.objects.create(
        name="Hệ số 1,5",
        shelf_metres=9000,
        office_area=300,
        processing_area=100,
        centre=CENTRE,
        seed=1,
        random_sets=5,
        created_by=demo_user("demo-finance"),
    )
    study.candidates.set([c["A"]])
    assert run_study(study)["access"]["detour_factor"] == 1.5


def test_access_goes_by_road_where_the_network_joins_the_ends(case):
    """With the (synthetic) demo road network back: a road is never shorter than the
    straight line, the network reaches most former district centres, and only the
    centres it does not reach are estimates (straight line × 1.4)."""
    c, _criteria, _need, facts = case
    create_demo_roads()
    origins = list(AdministrativeUnit.objects.filter(level="legacy_district"))
    distances = access_distances(origins, c["A"].location)
    straight = expected_access(c["A"].location) / 1.4 * 20  # the sum of the 20 straight lines
    assert sum(d.metres for d in distances) >= straight - 1
    by_road = [d for d in distances if not d.estimate]
    assert len(by_road) >= 10 and all(d.method == "road_network" for d in by_road)
    assert all(d.method == "straight_line_x_detour" for d in distances if d.estimate)
    add_access(facts, origins)
    a = next(f for f in facts if f.code == "SIT-A")
    assert a.access_estimates == len(distances) - len(by_road)
    assert a.access_mean_m == pytest.approx(sum(d.metres for d in distances) / 20, abs=1)


def test_ranking_and_scores_worked_out_by_hand(case):
    c, criteria, need, facts = case
    origins = list(AdministrativeUnit.objects.filter(level="legacy_district"))
    add_access(facts, origins)
    ranked = [r for r in rank(facts, criteria, need, roads=False) if r.rank]
    assert sorted(r.facts.code for r in ranked) == ["SIT-A", "SIT-G", "SIT-V"]

    def access(code):
        return max(0.0, 1 - expected_access(c[code].location) / 150_000)

    # Weights without a road layer: access .25, spare .20, condition .15, land .10, floors .10, storm .10 = .90
    expected = {
        "SIT-A": (0.25 * access("A") + 0.20 * (700 / 2300) + 0.15 * 1 + 0.10 * 1 + 0.10 * 1 + 0.10 * 1) / 0.9,
        "SIT-G": (0.25 * access("G") + 0.20 * (700 / 2300) + 0.15 * (2 / 3) + 0.10 * 1 + 0.10 * 1 + 0.10) / 0.9,
        "SIT-V": (0.25 * access("V") + 0.20 * (700 / 2300) + 0.15 * 1 + 0.10 * 1 + 0.10 * 1 + 0.10 * 1) / 0.9,
    }
    for r in ranked:
        assert r.total == pytest.approx(expected[r.facts.code], abs=1e-4), r.facts.code
        assert r.scores["ROAD_DISTANCE"] is None  # no road layer: not scored, and said so
    assert [r.facts.code for r in ranked] == sorted(expected, key=lambda code: -expected[code])


def test_sensitivity_is_the_same_for_the_same_seed(case):
    _c, criteria, need, facts = case
    first = sensitivity(facts, criteria, need, seed=7, sets=50, roads=False)
    again = sensitivity(facts, criteria, need, seed=7, sets=50, roads=False)
    assert first == again
    assert set(first["first_place_share"]) <= {"SIT-A", "SIT-G", "SIT-V"}
    assert sum(first["first_place_share"].values()) == pytest.approx(1)
    assert len(first["weight_moves"]) == 2 * 6  # six weighted criteria with a weight, each ±20%


def test_a_study_stores_criteria_and_results(case, demo_user):
    c, _criteria, _need, _facts = case
    study = SitingStudy.objects.create(
        name="Kho lưu trữ lịch sử",
        shelf_metres=9000,
        office_area=300,
        processing_area=100,
        centre=CENTRE,
        seed=3,
        random_sets=20,
        created_by=demo_user("demo-finance"),
    )
    study.candidates.set(c.values())
    results = run_study(study)
    study.refresh_from_db()
    assert {r["code"] for r in study.results["ranked"]} == {"SIT-A", "SIT-G", "SIT-V"}
    assert {r["code"] for r in results["excluded"]} == {"SIT-B", "SIT-C", "SIT-D", "SIT-E", "SIT-P"}
    # 9,000 ÷ 4.5 + 300 + 100 = 2,400 m²: C (2,000) is still the only one too small.
    assert results["required_area"] == pytest.approx(2400)
    assert results["access"] == {
        "method": "straight_line_x_detour",
        "estimate": True,
        "detour_factor": 1.4,
        "origins": results["access"]["origins"],
    }
    assert len(results["access"]["origins"]) == 20
    assert results["needs_inspection"] == 2  # A and V have no inspection; G passes
    a = next(r for r in results["ranked"] if r["code"] == "SIT-A")
    assert a["access_mean_m"] == pytest.approx(expected_access(c["A"].location), abs=1)
    assert a["floor_load_status"] == "needs_inspection" and a["grade"] == "I"
    codes = {x["code"] for x in study.criteria}
    assert {"FLOOR_LOAD_FIXED", "FLOOR_LOAD_MOBILE", "STACK_ROOM_MAX", "ACCESS"} <= codes
    assert "CENTRE_DISTANCE" not in codes  # "near the provincial centre" is not in the Circular
    assert all(x["source"] for x in study.criteria)


def test_every_archive_figure_is_data_with_its_source_and_verify_mark():
    rows = {c.code: c for c in SitingCriterion.objects.all()}
    assert rows["FLOOR_LOAD_FIXED"].parameter == 1700 and rows["FLOOR_LOAD_MOBILE"].parameter == 2400
    assert rows["STACK_ROOM_MAX"].parameter == 200
    for code in ("FLOOR_LOAD_FIXED", "FLOOR_LOAD_MOBILE", "STACK_ROOM_MAX"):  # a secondary summary
        assert rows[code].verify and "09/2007" in rows[code].legal_basis and rows[code].effective_from
    for code in ("HAZARD_SITE", "POLLUTION_SOURCE", "VIBRATION_SOURCE"):
        assert rows[code].kind == "hard" and rows[code].layer_kind and rows[code].verify
    assert rows["FLOOD"].verify is False  # the general part, confirmed by the Department's guidance
    assert not any("trung tâm tỉnh" in c.name.lower() for c in rows.values())


def test_the_migration_turns_the_old_criteria_into_the_new_and_keeps_studies(demo_user):
    """The criteria as 0002 left them (floor load as a minimum year, the shelving density
    on FLOOR_AREA, "near the provincial centre") and a study made then: the data step of
    0007 keeps each row's id, moves a reviewer's density, and keeps the study's results."""
    from django.apps import apps

    migration = importlib.import_module("maps.migrations.0008_archive_siting_criteria_inspections")
    load = SitingCriterion.objects.get(code="FLOOR_LOAD_FIXED")
    access = SitingCriterion.objects.get(code="ACCESS")
    SitingCriterion.objects.filter(pk=load.pk).update(code="FLOOR_LOAD", parameter=2000, unit="năm")
    SitingCriterion.objects.filter(pk=access.pk).update(code="CENTRE_DISTANCE", name="Gần trung tâm tỉnh")
    SitingCriterion.objects.filter(code="FLOOR_AREA").update(parameter=5)  # a reviewer's density
    SitingCriterion.objects.filter(code__in=["FLOOR_LOAD_MOBILE", "SHELF_DENSITY_FIXED", "STACK_ROOM_MAX"]).delete()
    old_results = {"required_area": 2177.8, "ranked": [{"code": "X", "rank": 1}], "excluded": []}
    study = SitingStudy.objects.create(
        name="Cũ", shelf_metres=6000, office_area=400, centre=CENTRE, created_by=demo_user("demo-finance")
    )
    SitingStudy.objects.filter(pk=study.pk).update(results=old_results, criteria=[{"code": "CENTRE_DISTANCE"}])
    migration.upgrade_criteria(apps, None)
    rows = {c.code: c for c in SitingCriterion.objects.all()}
    assert rows["FLOOR_LOAD_FIXED"].pk == load.pk and rows["FLOOR_LOAD_FIXED"].parameter == 1700
    assert rows["ACCESS"].pk == access.pk and "CENTRE_DISTANCE" not in rows
    assert rows["FLOOR_LOAD_MOBILE"].parameter == 2400 and rows["STACK_ROOM_MAX"].parameter == 200
    assert rows["SHELF_DENSITY_FIXED"].parameter == 5 and rows["FLOOR_AREA"].parameter is None
    study.refresh_from_db()
    assert study.results == {**old_results, "method_version": 1}
    assert study.criteria == [{"code": "CENTRE_DISTANCE"}]


@pytest.mark.parametrize(
    ("siting_value", "routing_value", "expected"),
    [("1.60", "1.40", "1.60"), ("1.40", "1.40", "1.40"), ("1.60", "1.30", "1.30")],
)
def test_the_migration_keeps_one_detour_factor(siting_value, routing_value, expected):
    """0009: a reviewer's siting detour factor moves to the routing row unless that row
    was edited too (then the routing's stays); the siting row is gone either way."""
    from django.apps import apps

    from maps.models import RoutingParameter

    migration = importlib.import_module("maps.migrations.0009_one_detour_factor")
    SitingCriterion.objects.create(
        code="DETOUR_FACTOR", name="Hệ số", kind="parameter", parameter=Decimal(siting_value), source="dự án"
    )
    RoutingParameter.objects.filter(code="detour_factor").update(value=Decimal(routing_value))
    migration.one_detour_factor(apps, None)
    assert not SitingCriterion.objects.filter(code="DETOUR_FACTOR").exists()
    assert RoutingParameter.objects.get(code="detour_factor").value == Decimal(expected)


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
