"""Road distance and travel time over the road network (pgRouting).

The network is built once from the road layers (`build_network()`, run after each road
layer import and by `manage.py build_road_network`): every line of every road layer is
cut where lines cross or meet (PostGIS `ST_Node`), the pieces become edges between
numbered nodes (end points equal to 1e-7°, about 1 cm), each with its length in metres
on the spheroid and the road class of the line it came from.

`road_distances(origins, target)` is the one function other code calls. For each origin
it answers a `RoadDistance`: metres and minutes, the distances each end was snapped to
the road, and whether the answer is an estimate. It is set-based: one nearest-edge
query for all points and one `pgr_dijkstraCost` call (by length, and one by time) over
the pairs asked — each target's edge ends to its origins' edge ends — (undirected; a
road is two-way), whatever the number of origins. `road_distances_many()` does the same for several targets at once.

How an answer is made:
- each point is snapped to the nearest point of the nearest edge (snap distance in
  metres shown); the road part runs from that point along the edge to either of its
  nodes, through the network, and along the target's edge to its snapped point;
- metres = origin snap + road + target snap (the snap legs straight); the road part is
  the shortest by length; two points nearer to each other than to the road are joined
  by the straight leg alone;
- minutes = snap legs at the access speed + the quickest road route (speed of each
  road class, data in `RoadClass`), which can differ from the shortest one;
- when no network is loaded, a point is farther from every road than the maximum snap
  distance, or no road joins the two, the answer says why (`reason`) and falls back to
  the straight line × the detour factor at the estimate speed (`is_estimate`); every
  page, API answer and workbook that shows it labels it as an estimate ("ước tính").
Parameters live in `RoutingParameter` with their source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from inventory.geodata import check_lonlat, reprojectable
from maps.roads_data import UNKNOWN_CLASS

# Why an answer is an estimate (codes, stable in the API) and what the page says.
NO_NETWORK = "no_network"
ORIGIN_OFF = "origin_off_network"
TARGET_OFF = "target_off_network"
UNREACHABLE = "unreachable"
REASONS = {
    NO_NETWORK: _("no road network is loaded"),
    ORIGIN_OFF: _("the starting point is farther from every road than the snap limit"),
    TARGET_OFF: _("the destination is farther from every road than the snap limit"),
    UNREACHABLE: _("no road joins the two points"),
}
ESTIMATE_LABEL = _("estimate")

DEFAULT_PARAMETERS = {"detour_factor": 1.4, "max_snap_m": 2000.0, "access_speed_kmh": 15.0, "estimate_speed_kmh": 30.0}
NODE_GRID = 1e-7  # degrees: end points closer than this are one node


@dataclass(frozen=True)
class RoadDistance:
    """The distance from one origin to the target (see the module docstring)."""

    metres: float
    minutes: float
    is_estimate: bool
    straight_m: float
    road_m: float | None = None
    origin_snap_m: float | None = None
    target_snap_m: float | None = None
    reason: str = ""

    @property
    def km(self) -> float:
        return self.metres / 1000

    @property
    def reason_text(self) -> str:
        return str(REASONS.get(self.reason, ""))

    def as_dict(self) -> dict:
        return {
            "metres": round(self.metres, 1),
            "minutes": round(self.minutes, 1),
            "is_estimate": self.is_estimate,
            "label": str(ESTIMATE_LABEL) if self.is_estimate else "",
            "reason": self.reason,
            "straight_m": round(self.straight_m, 1),
            "road_m": None if self.road_m is None else round(self.road_m, 1),
            "origin_snap_m": None if self.origin_snap_m is None else round(self.origin_snap_m, 1),
            "target_snap_m": None if self.target_snap_m is None else round(self.target_snap_m, 1),
        }


def parameters() -> dict[str, float]:
    """The routing parameters as numbers (the seeded values if a row is missing)."""
    from maps.models import RoutingParameter

    values = dict(DEFAULT_PARAMETERS)
    values.update({code: float(value) for code, value in RoutingParameter.objects.values_list("code", "value")})
    return values


def network_loaded() -> bool:
    from maps.models import RoadEdge

    return RoadEdge.objects.exists()


# -- building the network -------------------------------------------------------------


def road_class_code(value, classes) -> str:
    """The road class code a layer attribute value means (by code or alias, without case)."""
    text = str(value or "").strip().lower()
    if text:
        for road_class in classes:
            if text in road_class.alias_set():
                return road_class.code
    return UNKNOWN_CLASS


@transaction.atomic
def build_network() -> dict[str, int]:
    """Rebuild the edges from every road layer: lines noded where they cross or meet,
    nodes numbered, lengths on the spheroid, the class from the feature's
    `road_class` property (the unknown class otherwise). Returns counts."""
    from maps.models import RoadClass

    unknown = RoadClass.objects.get(code=UNKNOWN_CLASS).pk
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE maps_roadedge IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM maps_roadedge")
        cursor.execute(
            """
            DROP TABLE IF EXISTS road_lines;
            CREATE TEMP TABLE road_lines ON COMMIT DROP AS
            SELECT f.layer_id, coalesce(c.id, %s) AS class_id, coalesce(c.sort_order, 32767) AS rank,
                   (ST_Dump(f.geometry)).geom AS g
              FROM maps_hazardfeature f
              JOIN maps_hazardlayer l ON l.id = f.layer_id AND l.kind = 'road'
              LEFT JOIN maps_roadclass c ON c.code = f.properties->>'road_class'
            """,
            [unknown],
        )
        cursor.execute("CREATE INDEX ON road_lines USING gist (g)")
        cursor.execute("ANALYZE road_lines")
        cursor.execute(
            """
            DROP TABLE IF EXISTS road_pieces;
            CREATE TEMP TABLE road_pieces ON COMMIT DROP AS
            SELECT n.g,
                   ST_SnapToGrid(ST_StartPoint(n.g), %(grid)s) AS a,
                   ST_SnapToGrid(ST_EndPoint(n.g), %(grid)s) AS b
              FROM (SELECT (ST_Dump(ST_Node(ST_Collect(g)))).geom AS g FROM road_lines) n
             WHERE ST_GeometryType(n.g) = 'ST_LineString'
            """,
            {"grid": NODE_GRID},
        )
        cursor.execute("DELETE FROM road_pieces WHERE a = b")
        cursor.execute(
            """
            DROP TABLE IF EXISTS road_nodes;
            CREATE TEMP TABLE road_nodes ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY ST_X(p), ST_Y(p))::int AS id, p
              FROM (SELECT a AS p FROM road_pieces UNION SELECT b FROM road_pieces) q
            """
        )
        cursor.execute("CREATE INDEX ON road_nodes USING hash (p)")
        cursor.execute(
            """
            INSERT INTO maps_roadedge (layer_id, road_class_id, source, target, length_m, geom)
            SELECT l.layer_id, l.class_id, na.id, nb.id, ST_Length(r.g::geography), r.g
              FROM road_pieces r
              JOIN road_nodes na ON na.p = r.a
              JOIN road_nodes nb ON nb.p = r.b
              CROSS JOIN LATERAL (
                SELECT layer_id, class_id FROM road_lines l
                 WHERE ST_DWithin(l.g, ST_LineInterpolatePoint(r.g, 0.5), %(grid)s)
                 ORDER BY l.rank LIMIT 1
              ) l
            """,
            {"grid": NODE_GRID},
        )
        edges = cursor.rowcount
        cursor.execute("SELECT count(*) FROM road_nodes")
        nodes = cursor.fetchone()[0]
        cursor.execute("ANALYZE maps_roadedge")
    return {"edges": edges, "nodes": nodes}


# -- distances -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Snap:
    edge: int
    source: int
    target: int
    length_m: float
    fraction: float
    snap_m: float
    speed_ms: float

    def legs(self, by_time: bool, access_ms: float) -> dict[int, float]:
        """Cost from the snapped point to each node of its edge (metres or seconds)."""
        to_source = self.fraction * self.length_m
        to_target = (1 - self.fraction) * self.length_m
        if by_time:
            to_source, to_target = to_source / self.speed_ms, to_target / self.speed_ms
        legs = {self.source: to_source}
        legs[self.target] = min(to_target, legs.get(self.target, math.inf))
        return legs


def _points(points: Iterable[Point]) -> list[tuple[float, float]]:
    found = []
    for point in points:
        if point.srid not in (None, 4326):
            if not reprojectable(point):
                raise ValidationError(_("The coordinates must be numbers (not NaN or infinity)."), code="coordinates")
            point = point.transform(4326, clone=True)
        check_lonlat(point)
        found.append((float(point.x), float(point.y)))
    return found


def _snap(coords: Sequence[tuple[float, float]]) -> dict[int, _Snap]:
    """The nearest edge of each point (index into coords), with the fraction along it
    and the snap distance in metres: the 8 nearest by the index, the nearest of them on
    the spheroid. The fraction is located with longitudes scaled by cos(latitude), so
    the foot is the perpendicular one on the ground (not in raw degrees) while the
    fraction stays linear along the edge's vertices."""
    if not coords:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH pts AS (
              SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
                FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS u(x, y, i)
            )
            SELECT pts.i - 1, e.id, e.source, e.target, e.length_m,
                   ST_LineLocatePoint(ST_Scale(e.geom, cos(radians(ST_Y(pts.pt))), 1),
                                      ST_Scale(pts.pt, cos(radians(ST_Y(pts.pt))), 1)),
                   e.snap_m, e.speed_kmh
              FROM pts
              CROSS JOIN LATERAL (
                SELECT k.*, ST_Distance(k.geom::geography, pts.pt::geography) AS snap_m
                  FROM (SELECT e.id, e.source, e.target, e.length_m, e.geom, c.speed_kmh
                          FROM maps_roadedge e JOIN maps_roadclass c ON c.id = e.road_class_id
                         ORDER BY e.geom <-> pts.pt LIMIT 8) k
                 ORDER BY snap_m, k.id LIMIT 1
              ) e
            """,
            [[c[0] for c in coords], [c[1] for c in coords]],
        )
        return {
            i: _Snap(edge, s, t, length, fraction, snap_m, float(speed) / 3.6)
            for i, edge, s, t, length, fraction, snap_m, speed in cursor.fetchall()
        }


def _straight(pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]]) -> list[float]:
    if not pairs:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Distance(ST_SetSRID(ST_MakePoint(x1, y1), 4326)::geography,
                               ST_SetSRID(ST_MakePoint(x2, y2), 4326)::geography)
              FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[])
                   WITH ORDINALITY AS u(x1, y1, x2, y2, i)
             ORDER BY i
            """,
            [[p[0][0] for p in pairs], [p[0][1] for p in pairs], [p[1][0] for p in pairs], [p[1][1] for p in pairs]],
        )
        return [row[0] for row in cursor.fetchall()]


EDGES_BY_LENGTH = "SELECT id, source, target, length_m AS cost FROM maps_roadedge"
EDGES_BY_TIME = (
    "SELECT e.id, e.source, e.target, e.length_m / (c.speed_kmh::float8 / 3.6) AS cost "
    "FROM maps_roadedge e JOIN maps_roadclass c ON c.id = e.road_class_id"
)


def _costs(edges_sql: str, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """Least cost of every (start node, end node) pair asked (undirected), in one call:
    pgRouting runs one Dijkstra per start node and answers only the pairs asked."""
    asked = {(int(a), int(b)) for a, b in pairs if a != b}
    costs = {(a, b): 0.0 for a, b in pairs if a == b}
    if not asked:
        return costs
    starts, ends = zip(*sorted(asked), strict=True)
    with connection.cursor() as cursor:
        # The pairs go to pgRouting through a session-local table its inner query reads.
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS road_pairs (source bigint, target bigint)")
        cursor.execute("DELETE FROM road_pairs")
        cursor.execute(
            "INSERT INTO road_pairs SELECT * FROM unnest(%s::bigint[], %s::bigint[])", [list(starts), list(ends)]
        )
        cursor.execute(
            "SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(%s, %s, directed => false)",
            [edges_sql, "SELECT source, target FROM road_pairs"],
        )
        costs.update({(s, e): c for s, e, c in cursor.fetchall()})
    return costs


def _through(origin: _Snap, target: _Snap, costs, by_time: bool, access_ms: float) -> float:
    """Least cost from the origin's snapped point to the target's along the roads."""
    best = math.inf
    target_legs = target.legs(by_time, access_ms)
    for a, leg_a in origin.legs(by_time, access_ms).items():
        for b, leg_b in target_legs.items():
            cost = costs.get((b, a))
            if cost is not None:
                best = min(best, leg_a + cost + leg_b)
    if origin.edge == target.edge:
        along = abs(origin.fraction - target.fraction) * origin.length_m
        best = min(best, along / origin.speed_ms if by_time else along)
    return best


def road_distances_many(requests: Sequence[tuple[Sequence[Point], Point]]) -> list[list[RoadDistance]]:
    """For each (origins, target): a RoadDistance per origin, in order. All of them in
    one snapping query and two pgRouting calls (by length, by time)."""
    coords, slots = [], []
    for origins, target in requests:
        target_i = len(coords)
        coords.extend(_points([target]))
        origin_is = list(range(len(coords), len(coords) + len(origins)))
        coords.extend(_points(origins))
        slots.append((target_i, origin_is))
    pairs = [(coords[i], coords[t]) for t, origin_is in slots for i in origin_is]
    straight = iter(_straight(pairs))
    p = parameters()
    access_ms = p["access_speed_kmh"] / 3.6
    estimate_ms = p["estimate_speed_kmh"] / 3.6
    snaps = _snap(coords) if network_loaded() else {}
    on_network = {i: s for i, s in snaps.items() if s.snap_m <= p["max_snap_m"]}

    pairs = _network_pairs(slots, on_network)
    by_length = _costs(EDGES_BY_LENGTH, pairs)
    by_time = _costs(EDGES_BY_TIME, pairs)

    answers = []
    for t, origin_is in slots:
        row = []
        for i in origin_is:
            line = next(straight)
            origin, target = snaps.get(i), snaps.get(t)
            reason = _off_network(snaps, on_network, i, t)
            if not reason:
                answer = _by_road(line, origin, target, by_length, by_time, access_ms)
                if isinstance(answer, RoadDistance):
                    row.append(answer)
                    continue
                reason = answer
            metres = line * p["detour_factor"]
            row.append(
                RoadDistance(
                    metres=metres,
                    minutes=metres / estimate_ms / 60,
                    is_estimate=True,
                    straight_m=line,
                    origin_snap_m=origin.snap_m if origin else None,
                    target_snap_m=target.snap_m if target else None,
                    reason=reason,
                )
            )
        answers.append(row)
    return answers


def _network_pairs(slots, on_network: dict) -> set:
    """(vertex near the target, vertex near the origin) of every request both ends of
    which are near the network: the vertices pgRouting is asked about."""
    pairs = set()
    for t, origin_is in slots:
        if t not in on_network:
            continue
        target = on_network[t]
        for i in origin_is:
            if i in on_network:
                origin = on_network[i]
                pairs |= {(b, a) for b in (target.source, target.target) for a in (origin.source, origin.target)}
    return pairs


def _off_network(snaps: dict, on_network: dict, origin_i: int, target_i: int) -> str:
    """Why an origin and a target cannot be joined by road ("" when they may be)."""
    if not snaps:
        return NO_NETWORK
    if origin_i not in on_network:
        return ORIGIN_OFF
    if target_i not in on_network:
        return TARGET_OFF
    return ""


def _by_road(line: float, origin, target, by_length, by_time, access_ms: float) -> RoadDistance | str:
    """The road distance between two points near the network, or UNREACHABLE."""
    road = _through(origin, target, by_length, False, access_ms)
    seconds = _through(origin, target, by_time, True, access_ms)
    if math.isinf(road):
        return UNREACHABLE
    snap = origin.snap_m + target.snap_m
    if line <= snap:
        # Nearer to each other than to the road: the direct leg, no road.
        road, snap, seconds = 0.0, line, 0.0
    return RoadDistance(
        metres=road + snap,
        minutes=(seconds + snap / access_ms) / 60,
        is_estimate=False,
        straight_m=line,
        road_m=road,
        origin_snap_m=origin.snap_m,
        target_snap_m=target.snap_m,
    )


def road_distances(origins: Sequence[Point], target: Point) -> list[RoadDistance]:
    """Road distance and travel time from each origin to the target (SRID 4326 points),
    in the order given; an estimate, labelled, where the network does not join them."""
    return road_distances_many([(origins, target)])[0]
