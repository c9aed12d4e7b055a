"""API of the road network (`/api/v1/maps/...`): road distances between points and the
access review. Every distance carries `is_estimate`, its `label` ("estimate") and the
`reason` when no road joins the two places."""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.permissions import sees_everything
from maps.access import MAX_WITHIN_KM, as_data, parse_within_km, review
from maps.routing import road_distances

MAX_ORIGINS = 500
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


def _point(text: str, name: str) -> Point:
    try:
        lon, lat = (float(part) for part in text.split(","))
        point = Point(lon, lat, srid=4326)
    except (TypeError, ValueError) as exc:
        raise ValidationError({name: _("Give a point as longitude,latitude.")}) from exc
    return point


class RoadDistanceView(APIView):
    """Road distance and travel time from each `from` point to the `to` point."""

    permission_classes = [IsAuthenticated, SeesEverything]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, required=True, description="lon,lat[;lon,lat...]"),
            OpenApiParameter("to", OpenApiTypes.STR, required=True, description="lon,lat"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Road distances", value={"results": [ROAD, ESTIMATE]}, response_only=True)],
    )
    def get(self, request):
        sources = [s for s in (request.query_params.get("from") or "").split(";") if s.strip()]
        if not sources or not request.query_params.get("to"):
            raise ValidationError({"from": _("Give from=lon,lat and to=lon,lat.")})
        if len(sources) > MAX_ORIGINS:
            raise ValidationError({"from": _("At most %(n)s points at a time.") % {"n": MAX_ORIGINS}})
        origins = [_point(s, "from") for s in sources]
        target = _point(request.query_params["to"], "to")
        try:
            answers = road_distances(origins, target)
        except DjangoValidationError as exc:
            raise ValidationError({"from": exc.messages}) from exc
        return Response({"results": [a.as_dict() for a in answers]})


class AccessReviewView(APIView):
    """The access and co-location review of every new commune, ranked."""

    permission_classes = [IsAuthenticated, SeesEverything]

    @extend_schema(
        parameters=[
            OpenApiParameter("within_km", OpenApiTypes.NUMBER, description="co-location distance (km)"),
            OpenApiParameter("order", OpenApiTypes.STR, enum=["worst", "average"]),
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
            within_km = parse_within_km(request.query_params.get("within_km"))
        except ValueError as exc:
            raise ValidationError(
                {
                    "within_km": _("The distance must be a number of kilometres above 0 and at most %(max)s.")
                    % {"max": MAX_WITHIN_KM}
                }
            ) from exc
        order = "average" if request.query_params.get("order") == "average" else "worst"
        rows = review(request.user, within_km=within_km, order=order)
        return Response({"within_km": within_km, "order": order, "results": as_data(rows)})
