"""The test's own road distances, worked out without maps.routing: the edges read from
the database into networkx, each point snapped to the nearest edge by the test's own
projection (longitudes scaled by cos(latitude) around the point), lengths on the WGS 84
ellipsoid by pyproj, the parameters as the data say. Used by the access tests to check
the figures and the ranking the pages show."""

import math

import networkx as nx
from django.db import connection
from pyproj import Geod

from inventory.choices import AgencyKind, PremisesStatus, UnitLevel
from inventory.models import AdministrativeUnit, Premises, UnitLineage
from maps.models import RoutingParameter

GEOD = Geod(ellps="WGS84")


def geod_m(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


class Network:
    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT source, target, length_m, ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom)), "
                "ST_X(ST_EndPoint(geom)), ST_Y(ST_EndPoint(geom)) FROM maps_roadedge"
            )
            self.edges = cursor.fetchall()
        self.graph = nx.Graph()
        for s, t, length, *_ in self.edges:
            if not self.graph.has_edge(s, t) or self.graph[s][t]["length"] > length:
                self.graph.add_edge(s, t, length=length)
        params = dict(RoutingParameter.objects.values_list("code", "value"))
        self.detour = float(params["detour_factor"])
        self.max_snap = float(params["max_snap_m"])
        self._paths = {}

    def snap(self, point):
        """(snap metres, {node: metres along the edge}) of the nearest edge."""
        x, y = point
        k = math.cos(math.radians(y))
        near = []
        for s, t, length, x1, y1, x2, y2 in self.edges:
            ax, ay, bx, by = x1 * k, y1, x2 * k, y2
            dx, dy = bx - ax, by - ay
            f = ((x * k - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)
            f = min(1.0, max(0.0, f))
            rough = math.hypot(x * k - (ax + f * dx), y - (ay + f * dy))
            near.append((rough, s, t, length, f, (x1 + f * (x2 - x1), y1 + f * (y2 - y1))))
        near.sort(key=lambda n: n[0])
        best = None
        for _rough, s, t, length, f, foot in near[:4]:  # the nearest few, measured on the ellipsoid
            d = geod_m(point, foot)
            if best is None or d < best[0] - 1e-6:
                best = (d, {s: f * length, t: (1 - f) * length}, (s, t, f, length))
        return best

    def distances_from(self, node):
        if node not in self._paths:
            self._paths[node] = nx.single_source_dijkstra_path_length(self.graph, node, weight="length")
        return self._paths[node]

    def metres(self, origin, target) -> tuple[float, bool]:
        """(metres, is_estimate) from origin to target, both (lon, lat)."""
        straight = geod_m(origin, target)
        so, st = self.snap(origin), self.snap(target)
        if so[0] > self.max_snap or st[0] > self.max_snap:
            return straight * self.detour, True
        if straight <= so[0] + st[0]:
            return straight, False
        best = math.inf
        for b, leg_b in st[1].items():
            paths = self.distances_from(b)
            for a, leg_a in so[1].items():
                if a in paths:
                    best = min(best, leg_a + paths[a] + leg_b)
        if so[2][:2] == st[2][:2]:
            best = min(best, abs(so[2][2] - st[2][2]) * so[2][3])
        if math.isinf(best):
            return straight * self.detour, True
        return best + so[0] + st[0], False


def expected_access() -> dict[str, dict]:
    """Each new commune's worst and average distance to its main headquarters (the
    commune committee's site in use as headquarters, else the centroid) from its other
    sites in use and its former communes' centres, by the test's network."""
    network = Network()
    found = {}
    for unit in AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE):
        sites = list(
            Premises.objects.filter(
                admin_unit=unit, status__in=(PremisesStatus.IN_USE_HQ, PremisesStatus.OTHER_PUBLIC_USE)
            ).order_by("pk")
        )
        hqs = [s for s in sites if s.status == PremisesStatus.IN_USE_HQ]
        committee = [s for s in hqs if s.agency.kind == AgencyKind.COMMUNE_COMMITTEE]
        hq = (committee or hqs or [None])[0]
        target = (hq.location.x, hq.location.y) if hq else (unit.centroid.x, unit.centroid.y)
        places = [(s.location.x, s.location.y) for s in sites if s != hq] + [
            (link.predecessor.centroid.x, link.predecessor.centroid.y)
            for link in UnitLineage.objects.filter(successor=unit, is_primary=True).select_related("predecessor")
        ]
        answers = [network.metres(p, target) for p in places]
        metres = [m for m, _estimate in answers]
        found[unit.code] = {
            "name": unit.name,
            "worst": max(metres, default=0.0),
            "average": sum(metres) / len(metres) if metres else 0.0,
            "estimate": any(e for _m, e in answers),
        }
    return found
