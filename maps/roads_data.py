"""Seed rows of the road classes and routing parameters (migration 0007). Existing rows
are left as a reviewer edited them. The speeds are planning averages, not legal
limits: every row is marked "verify" until the province's transport department
confirms it."""

SPEED_SOURCE = (
    "Planning average speed (assumption), below the maximum speeds of Circular 38/2024/TT-BGTVT "
    "(formerly 31/2019/TT-BGTVT); road classes of the Law on Roads 35/2024/QH15 Art. 8. "
    "Verify with the Department of Construction (transport) of the province."
)

# code, name, speed km/h, aliases (layer values, OSM `highway` values included), order
ROAD_CLASSES = [
    ("expressway", "Đường cao tốc", 80, "motorway, motorway_link, cao tốc, cao toc, ct", 10),
    ("national", "Quốc lộ", 50, "trunk, trunk_link, quốc lộ, quoc lo, ql", 20),
    (
        "provincial",
        "Đường tỉnh",
        40,
        "primary, primary_link, secondary, secondary_link, đường tỉnh, tỉnh lộ, dt, tl",
        30,
    ),
    ("district", "Đường huyện (cũ)", 30, "tertiary, tertiary_link, đường huyện, huyện lộ, dh", 40),
    ("urban", "Đường đô thị", 30, "residential, living_street, đường đô thị, đường phố", 50),
    ("commune", "Đường xã", 25, "unclassified, đường xã, dx", 60),
    ("village", "Đường thôn, đường nội bộ", 15, "track, service, road, path, đường thôn", 70),
    ("unknown", "Không rõ cấp đường", 20, "", 90),
]
UNKNOWN_CLASS = "unknown"

# code, name, value, unit, source
ROUTING_PARAMETERS = [
    (
        "detour_factor",
        "Hệ số đường vòng (ước tính khi không có đường)",
        "1.40",
        "×",
        "Assumption: road distance is about 1.2–1.5 times the straight-line distance in published circuity "
        "studies, more in mountains. Used only for estimates, which are labelled. Verify against the "
        "province's own network.",
    ),
    (
        "max_snap_m",
        "Khoảng cách tối đa tới đường gần nhất",
        "2000",
        "m",
        "Assumption: a point farther than this from every road of the network is not reached by it; "
        "its distance is then an estimate. Verify.",
    ),
    (
        "access_speed_kmh",
        "Tốc độ đoạn từ điểm tới đường",
        "15",
        "km/h",
        "Assumption: the leg between a point and the road it is snapped to (lane, track, on foot). Verify.",
    ),
    (
        "estimate_speed_kmh",
        "Tốc độ của thời gian ước tính",
        "30",
        "km/h",
        "Assumption: travel time of an estimate (straight line × detour factor). Verify.",
    ),
]


def seed_roads(apps=None):
    if apps is None:
        from maps.models import RoadClass, RoutingParameter
    else:
        RoadClass = apps.get_model("maps", "RoadClass")
        RoutingParameter = apps.get_model("maps", "RoutingParameter")
    for code, name, speed, aliases, order in ROAD_CLASSES:
        RoadClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "speed_kmh": speed,
                "aliases": aliases,
                "source": SPEED_SOURCE,
                "needs_verification": True,
                "sort_order": order,
            },
        )
    for code, name, value, unit, source in ROUTING_PARAMETERS:
        RoutingParameter.objects.get_or_create(
            code=code,
            defaults={"name": name, "value": value, "unit": unit, "source": source, "needs_verification": True},
        )
