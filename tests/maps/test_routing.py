"""Road distances (maps.routing) on a hand-built grid network whose shortest paths the
test works out itself: networkx's Dijkstra over the same segments, lengths on the WGS 84
ellipsoid from pyproj. Every pair of nodes must agree to 1 m and 0.01 minute."""

import itertools
import json
import math

import networkx as nx
import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from pyproj import Geod

from maps.choices import LayerKind
from maps.models import HazardLayer, RoadClass, RoadEdge, RoutingParameter
from maps.routing import (
    NO_NETWORK,
    ORIGIN_OFF,
    TARGET_OFF,
    UNREACHABLE,
    build_network,
    road_distances,
    road_distances_many,
)
from maps.services import import_layer

pytestmark = pytest.mark.django_db

GEOD = Geod(ellps="WGS84")
LON0, LAT0, STEP = 105.20, 18.60, 0.01
SPEEDS = {"national": 60, "provincial": 40, "commune": 20}  # km/h, set by the test


def xy(i, j):
    return (round(LON0 + i * STEP, 10), round(LAT0 + j * STEP, 10))


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


# The file's lines, as a province would draw them: rows and columns from end to end (two
# vertices each, so the crossings must be found by noding), a gap in column 2, and a
# diagonal that crosses row 2 between two grid nodes. The class attribute is Vietnamese.
LINES = (
    [([xy(0, j), xy(4, j)], "Quốc lộ" if j % 2 == 0 else "Đường xã") for j in range(5)]
    + [([xy(i, 0), xy(i, 4)], "Đường xã") for i in (0, 1, 3, 4)]
    + [([xy(2, 0), xy(2, 1)], "đường xã"), ([xy(2, 2), xy(2, 4)], "ĐƯỜNG XÃ")]
    + [([xy(3, 1), xy(4, 3)], "tỉnh lộ")]
    # an island: a road joined to nothing else
    + [([(LON0 + 0.20, LAT0), (LON0 + 0.21, LAT0)], "Đường xã")]
)
CROSSING = (LON0 + 3.5 * STEP, LAT0 + 2 * STEP)  # the diagonal meets row 2 here


def expected_graph() -> nx.Graph:
    """The network the test expects, segment by segment, written out by hand."""
    graph = nx.Graph()

    def add(a, b, road_class):
        length = metres(a, b)
        graph.add_edge(a, b, length=length, seconds=length / (SPEEDS[road_class] / 3.6))

    for j in range(5):
        row_class = "national" if j % 2 == 0 else "commune"
        stops = [xy(i, j) for i in range(5)]
        if j == 2:
            stops.insert(4, CROSSING)
        for a, b in itertools.pairwise(stops):
            add(a, b, row_class)
    for i in range(5):
        for j in range(4):
            if (i, j) != (2, 1):  # the gap in column 2
                add(xy(i, j), xy(i, j + 1), "commune")
    add(xy(3, 1), CROSSING, "provincial")
    add(CROSSING, xy(4, 3), "provincial")
    return graph


@pytest.fixture
def grid(tmp_path):
    """Only the grid (the demo roads removed in this test's transaction), imported from
    a GeoJSON file through the same path as `import_layer --kind road`."""
    HazardLayer.objects.filter(kind=LayerKind.ROAD).delete()
    for code, speed in SPEEDS.items():
        RoadClass.objects.filter(code=code).update(speed_kmh=speed)
    RoutingParameter.objects.filter(code="detour_factor").update(value="1.5")
    RoutingParameter.objects.filter(code="max_snap_m").update(value="1000")
    RoutingParameter.objects.filter(code="estimate_speed_kmh").update(value="30")
    RoutingParameter.objects.filter(code="access_speed_kmh").update(value="6")
    path = tmp_path / "roads.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"cap": cap},
                        "geometry": {"type": "LineString", "coordinates": [list(p) for p in line]},
                    }
                    for line, cap in LINES
                ],
            }
        )
    )
    layer = import_layer(path, LayerKind.ROAD, "Lưới thử", class_field="cap")
    return layer


def test_the_grid_is_noded_where_roads_cross(grid):
    graph = expected_graph()
    # 25 grid nodes + the crossing, 2 island nodes; edges as written out above + the island
    assert RoadEdge.objects.count() == graph.number_of_edges() + 1
    assert (
        len(
            set(RoadEdge.objects.values_list("source", flat=True))
            | set(RoadEdge.objects.values_list("target", flat=True))
        )
        == graph.number_of_nodes() + 2
    )
    assert set(RoadEdge.objects.values_list("road_class__code", flat=True)) == {"national", "commune", "provincial"}


def test_network_distances_equal_dijkstra_for_every_pair(grid):
    graph = expected_graph()
    nodes = sorted(graph.nodes)
    requests = [([Point(*o, srid=4326) for o in nodes if o != t], Point(*t, srid=4326)) for t in nodes]
    answers = road_distances_many(requests)
    checked = 0
    for t, row in zip(nodes, answers, strict=True):
        lengths = nx.single_source_dijkstra_path_length(graph, t, weight="length")
        seconds = nx.single_source_dijkstra_path_length(graph, t, weight="seconds")
        for o, answer in zip([o for o in nodes if o != t], row, strict=True):
            assert not answer.is_estimate
            assert answer.origin_snap_m < 0.01 and answer.target_snap_m < 0.01
            assert answer.metres == pytest.approx(lengths[o], abs=1.0), (o, t)
            assert answer.minutes == pytest.approx(seconds[o] / 60, abs=0.01), (o, t)
            checked += 1
    assert checked == 26 * 25


def test_one_target_many_origins_in_order(grid):
    graph = expected_graph()
    target = xy(4, 4)
    origins = [xy(0, 0), xy(2, 1), xy(2, 2), CROSSING]
    lengths = nx.single_source_dijkstra_path_length(graph, target, weight="length")
    answers = road_distances([Point(*o, srid=4326) for o in origins], Point(*target, srid=4326))
    assert [round(a.metres) for a in answers] == [round(lengths[o]) for o in origins]


def test_a_point_off_the_road_is_snapped_and_the_snap_distance_shown(grid):
    graph = expected_graph()
    # 300 m north of the middle of the row-0 segment between (1,0) and (2,0)
    foot = ((xy(1, 0)[0] + xy(2, 0)[0]) / 2, LAT0)
    lon, lat, _back = GEOD.fwd(foot[0], foot[1], 0, 300)
    target = xy(4, 4)
    lengths = nx.single_source_dijkstra_path_length(graph, target, weight="length")
    via = min(metres(foot, xy(1, 0)) + lengths[xy(1, 0)], metres(foot, xy(2, 0)) + lengths[xy(2, 0)])
    [answer] = road_distances([Point(lon, lat, srid=4326)], Point(*target, srid=4326))
    assert not answer.is_estimate
    assert answer.origin_snap_m == pytest.approx(300, abs=1)
    assert answer.metres == pytest.approx(300 + via, abs=1.0)


def test_a_point_no_road_reaches_is_an_estimate_with_its_reason(grid):
    far = (LON0 + 0.10, LAT0 + 0.02)  # about 6 km east of the grid, 1000 m is the limit
    target = xy(0, 0)
    [answer] = road_distances([Point(*far, srid=4326)], Point(*target, srid=4326))
    straight = metres(far, target)
    assert answer.is_estimate and answer.reason == ORIGIN_OFF
    assert answer.origin_snap_m > 1000
    assert answer.straight_m == pytest.approx(straight, abs=0.5)
    assert answer.metres == pytest.approx(straight * 1.5, abs=1.0)
    assert answer.minutes == pytest.approx(straight * 1.5 / (30 / 3.6) / 60, abs=0.01)
    [back] = road_distances([Point(*target, srid=4326)], Point(*far, srid=4326))
    assert back.is_estimate and back.reason == TARGET_OFF


def test_two_roads_joined_by_nothing_are_unreachable(grid):
    island = (LON0 + 0.205, LAT0)
    target = xy(4, 0)
    [answer] = road_distances([Point(*island, srid=4326)], Point(*target, srid=4326))
    assert answer.is_estimate and answer.reason == UNREACHABLE
    assert answer.origin_snap_m < 0.01
    assert answer.metres == pytest.approx(metres(island, target) * 1.5, abs=1.0)


def test_no_network_at_all_says_so(db):
    HazardLayer.objects.filter(kind=LayerKind.ROAD).delete()
    build_network()
    [answer] = road_distances([Point(105.3, 18.7, srid=4326)], Point(105.4, 18.7, srid=4326))
    assert answer.is_estimate and answer.reason == NO_NETWORK
    assert answer.origin_snap_m is None


def test_speeds_are_data(grid):
    """A reviewer's edit of a class speed changes travel times at once."""
    a, b = xy(0, 0), xy(4, 0)  # along row 0, national
    [before] = road_distances([Point(*a, srid=4326)], Point(*b, srid=4326))
    RoadClass.objects.filter(code="national").update(speed_kmh=30)
    [after] = road_distances([Point(*a, srid=4326)], Point(*b, srid=4326))
    assert before.metres == pytest.approx(after.metres)
    assert after.minutes > before.minutes


@pytest.mark.parametrize("bad", [(math.nan, 18.6), (1e300, 18.6), (105.2, 91)])
def test_hostile_coordinates_are_refused(grid, bad):
    with pytest.raises(ValidationError):
        road_distances([Point(*bad, srid=4326)], Point(*xy(0, 0), srid=4326))


def test_points_in_another_reference_system_are_reprojected(grid):
    graph = expected_graph()
    a, b = xy(0, 0), xy(4, 4)
    mercator = Point(*a, srid=4326).transform(3857, clone=True)
    [answer] = road_distances([mercator], Point(*b, srid=4326))
    assert answer.metres == pytest.approx(nx.dijkstra_path_length(graph, a, b, weight="length"), abs=1.0)
    with pytest.raises(ValidationError):
        road_distances([Point(1e300, 1e300, srid=3857)], Point(*b, srid=4326))
