"""API of the road network (`/api/v1/maps/...`): road distances between points and the
access review. Every distance carries `is_estimate`, its `label` ("estimate") and the
`reason` when no road joins the two places."""

import re

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.api.views import ApiView
from inventory.permissions import sees_everything
from maps.access import MAX_WITHIN_KM, MIN_WITHIN_KM, as_data, parse_within_km, review
from maps.routing import road_distances

MAX_ORIGINS = 500
# A point as a client writes it: longitude,latitude in decimal degrees, in range by the
# pattern itself (the schema says it, and the view holds requests to it).
LON = r"-?(?:180(?:\.0{1,10})?|(?:1[0-7]\d|\d{1,2})(?:\.\d{1,10})?)"
LAT = r"-?(?:90(?:\.0{1,10})?|[1-8]?\d(?:\.\d{1,10})?)"
POINT = rf"{LON},{LAT}"
ONE_POINT = rf"^{POINT}$"
POINTS = rf"^{POINT}(?:;{POINT}){{0,{MAX_ORIGINS - 1}}}$"
ORDERS = ("worst", "average")
WITHIN_KM = {"type": "number", "minimum": MIN_WITHIN_KM, "maximum": MAX_WITHIN_KM}
ROAD = {
    "metres": 3061.0,
    "minutes": 7.5,
    "is_estimate": False,
    "label": "",
    "reason": "",
    "straight_m": 1992.5,
    "road_m": 2561.5,
    "origin_snap_m": 98.4,
    "target_snap_m": 401.1,
}
ESTIMATE = {
    "metres": 244139.3,
    "minutes": 488.3,
    "is_estimate": True,
    "label": "ước tính",
    "reason": "origin_off_network",
    "straight_m": 174385.2,
    "road_m": None,
    "origin_snap_m": 9832.1,
    "target_snap_m": 388.6,
}


class SeesEverything(BasePermission):
    """Finance, auditors and administrators: the road figures span every unit."""

    def has_permission(self, request, view):
        return sees_everything(request.user)


def _points(text, name: str, pattern: str) -> list[Point]:
    if not isinstance(text, str) or not re.fullmatch(pattern, text):
        raise ValidationError({name: _("Give points as longitude,latitude in degrees, separated by “;”.")})
    return [Point(*(float(n) for n in pair.split(",")), srid=4326) for pair in text.split(";")]


class RoadDistanceView(ApiView, APIView):
    """Road distance and travel time from each `from` point to the `to` point (up to 500
    points), each an estimate, labelled with its reason, where no road joins them."""

    permission_classes = [IsAuthenticated, SeesEverything]
    refuses_some_roles = True  # a commune declarant: 403

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                {"type": "string", "pattern": POINTS},
                required=True,
                description="lon,lat[;lon,lat...] in degrees (EPSG:4326), up to 500 points",
            ),
            OpenApiParameter(
                "to",
                {"type": "string", "pattern": ONE_POINT},
                required=True,
                description="lon,lat in degrees (EPSG:4326)",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Road distances", value={"results": [ROAD, ESTIMATE]}, response_only=True)],
    )
    def get(self, request):
        origins = _points(request.query_params.get("from"), "from", POINTS)
        [target] = _points(request.query_params.get("to"), "to", ONE_POINT)
        try:
            answers = road_distances(origins, target)
        except DjangoValidationError as exc:
            raise ValidationError({"from": exc.messages}) from exc
        return Response({"results": [a.as_dict() for a in answers]})


class AccessReviewView(ApiView, APIView):
    """The access and co-location review of every new commune, ranked by the worst road
    distance to its main headquarters (or the average); estimates labelled."""

    permission_classes = [IsAuthenticated, SeesEverything]
    refuses_some_roles = True  # a commune declarant: 403

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "within_km",
                WITHIN_KM,
                description="co-location distance by road, km (0.001 to 200; default 5)",
            ),
            OpenApiParameter(
                "order",
                OpenApiTypes.STR,
                enum=list(ORDERS),
                description="rank by the worst distance (default) or the average",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Access review",
                value={
                    "within_km": 5.0,
                    "order": "worst",
                    "results": [
                        {
                            "rank": 1,
                            "commune_code": "17344",
                            "commune": "Xã Nhân Hòa",
                            "hq": "DEMO-TS-000231",
                            "hq_name": "Trụ sở UBND xã Cẩm Sơn (cũ)",
                            "hq_lon": 104.999888,
                            "hq_lat": 18.984738,
                            "worst_m": 85613.5,
                            "worst_is_estimate": False,
                            "average_m": 22981.3,
                            "average_minutes": 53.2,
                            "has_estimate": False,
                            "needed_floor_area": 860.5,
                            "legs": [
                                {
                                    "kind": "agency",
                                    "name": "Trụ sở UBND xã Hùng Sơn (cũ)",
                                    "premises": "DEMO-TS-000230",
                                    "lon": 105.016567,
                                    "lat": 18.99324,
                                    **ROAD,
                                }
                            ],
                            "colocation": [
                                {
                                    "premises": "DEMO-TS-000444",
                                    "name": "Trung tâm Văn hóa (cũ)",
                                    "available_floor_area": 3304.8,
                                    **ROAD,
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        try:
            given = request.query_params.get("within_km")
            if given is not None and not given.strip():
                raise ValueError(given)  # sent empty: not a number, as the schema says
            within_km = parse_within_km(given)
        except ValueError as exc:
            raise ValidationError(
                {
                    "within_km": _("The distance must be a number of kilometres above 0 and at most %(max)s.")
                    % {"max": MAX_WITHIN_KM}
                }
            ) from exc
        order = request.query_params.get("order", "worst")
        if order not in ORDERS:
            raise ValidationError({"order": _("Rank by “worst” or “average”.")})
        rows = review(request.user, within_km=within_km, order=order)
        return Response({"within_km": within_km, "order": order, "results": as_data(rows)})
