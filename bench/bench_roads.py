"""Road distances (maps.routing.road_distances) from 100 candidates to 1 target on a grid
network of about 10^5 edges, against networkx's Dijkstra over the same graph (report).

The network: a 224 × 224 grid of nodes about 210 m apart (99,904 segments, each its own
feature of a road layer, random road classes, built once by `build_network()` into the
bench database and kept for the next run). The candidates are random points off the
grid (snapped), the target too. "Ours" is the whole call: snapping every point and the
two pgRouting calls (shortest by length, quickest by time), each reading the 10^5 edges.
The baseline: networkx's one-to-all Dijkstra by length from the target's nodes over the
same edges, already in memory, plus the same snap legs — the distances only. The two
are measured in turn; the ratio is the median of the paired ratios. The answers must
agree to 1 m, or the bench fails."""

import math
import random

from common import paired, report, use_bench_database

SIDE = 224
STEP = 0.002  # degrees, about 210 m
LON0, LAT0 = 104.60, 18.90
CANDIDATES = 100
REPEAT = 5
LAYER_NAME = "BENCH grid network (synthetic)"


def ensure_network():
    from django.contrib.gis.geos import LineString

    from maps.choices import LayerKind
    from maps.models import HazardFeature, HazardLayer, RoadEdge
    from maps.routing import build_network

    expected = 2 * SIDE * (SIDE - 1)
    if HazardLayer.objects.filter(name=LAYER_NAME).exists() and RoadEdge.objects.count() == expected:
        return expected
    HazardLayer.objects.filter(kind=LayerKind.ROAD).delete()
    layer = HazardLayer.objects.create(name=LAYER_NAME, kind=LayerKind.ROAD, source="bench", is_demo=True)
    rng = random.Random(7)
    classes = ["national", "provincial", "district", "commune", "commune", "village"]

    def node(i, j):
        return (round(LON0 + i * STEP, 7), round(LAT0 + j * STEP, 7))

    features = []
    for i in range(SIDE):
        for j in range(SIDE):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < SIDE and j + dj < SIDE:
                    features.append(
                        HazardFeature(
                            layer=layer,
                            geometry=LineString(node(i, j), node(i + di, j + dj), srid=4326),
                            properties={"road_class": rng.choice(classes)},
                        )
                    )
    HazardFeature.objects.bulk_create(features, batch_size=5000)
    counts = build_network()
    return counts["edges"]


def main():
    use_bench_database()
    import time

    import networkx as nx
    from django.contrib.gis.geos import Point
    from django.db import connection

    from maps.routing import _snap, road_distances

    started = time.perf_counter()
    edges = ensure_network()
    built = time.perf_counter() - started
    rng = random.Random(11)
    span = (SIDE - 1) * STEP

    def somewhere():
        return Point(LON0 + rng.uniform(0, span), LAT0 + rng.uniform(0, span), srid=4326)

    origins = [somewhere() for _ in range(CANDIDATES)]
    target = somewhere()

    with connection.cursor() as cursor:
        cursor.execute("SELECT source, target, length_m FROM maps_roadedge")
        graph = nx.Graph()
        graph.add_weighted_edges_from(cursor.fetchall(), weight="length")
    snaps = _snap([(p.x, p.y) for p in [target, *origins]])
    t = snaps[0]

    def ours():
        return road_distances(origins, target)

    def baseline():
        legs_t = {t.source: t.fraction * t.length_m, t.target: (1 - t.fraction) * t.length_m}
        paths = {b: nx.single_source_dijkstra_path_length(graph, b, weight="length") for b in legs_t}
        found = []
        for n in range(1, CANDIDATES + 1):
            o = snaps[n]
            legs_o = {o.source: o.fraction * o.length_m, o.target: (1 - o.fraction) * o.length_m}
            best = min(la + paths[b][a] + lb for a, la in legs_o.items() for b, lb in legs_t.items())
            if o.edge == t.edge:
                best = min(best, abs(o.fraction - t.fraction) * o.length_m)
            found.append(best + o.snap_m + t.snap_m)
        return found

    ratio, our_time, base_time, our_result, base_result = paired(ours, baseline, REPEAT)
    worst = max(abs(a.metres - b) for a, b in zip(our_result, base_result, strict=True))
    estimates = sum(1 for a in our_result if a.is_estimate)
    if worst > 1.0 or estimates:
        raise SystemExit(f"road distances disagree with networkx: worst {worst:.3f} m, {estimates} estimates")
    report(
        f"road distances, {CANDIDATES} candidates × 1 target, {edges:,} edges (vs networkx Dijkstra)",
        our_time,
        base_time,
        "s",
        None,
        ratio=ratio,
        worst_difference_m=round(worst, 4),
        network_built_s=round(built, 1),
        longest_km=round(max(a.metres for a in our_result) / 1000, 1),
        checked=math.isfinite(worst),
    )


if __name__ == "__main__":
    main()
