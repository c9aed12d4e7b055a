"""The Finance department's review map: premises by status with per-commune figures at
low zoom, filters, a side summary, totals of a drawn area and the unit layers.

Every response goes through the user's scope (`Premises.objects.visible_to`); only a
user who sees the whole province, with no filter, is served from the rollups."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inventory.choices import PREMISES_STATUS_COLOURS, PremisesStatus, UnitLevel
from inventory.filtersets import PremisesFilterSet, form_data
from inventory.models import AdministrativeUnit, Premises
from inventory.permissions import scope
from maps import mapdata

GEOJSON = "application/geo+json"


# Parameters of the map requests that are not filters: the view and the drawn area.
NOT_FILTERS = {"z", "bbox", "area"}


def _filters(request, queryset):
    """The premises' one FilterSet over the request's filters (the map's own parameters
    and the form's empty fields left out)."""
    data = form_data(request.GET)
    for key in NOT_FILTERS:
        data.pop(key, None)
    return PremisesFilterSet(data, queryset=queryset, request=request)


def _filtered(request):
    """(queryset or None for 'every premises of the user's province(s)', filterset or
    None). Unfiltered, a user who sees whole provinces reads the rollups of their
    province (every province for a national user): nothing is compiled."""
    whole = scope(request.user).whole_provinces
    filtering = any(request.GET.get(key) for key in request.GET if key not in NOT_FILTERS)
    if whole and not filtering:
        return None, None  # the frequent case: nothing to compile
    filterset = _filters(request, Premises.objects.visible_to(request.user))
    if not filterset.is_valid():
        return None, filterset
    if filterset.is_unfiltered and whole:
        return None, filterset
    return filterset.qs, filterset


def _bad_request(message, errors=None):
    return JsonResponse({"error": message, "errors": errors or {}}, status=400)


@login_required
@require_GET
def review_map(request):
    filterset = _filters(request, Premises.objects.none())
    legend = [
        {"value": status.value, "label": status.label, "colour": PREMISES_STATUS_COLOURS[status]}
        for status in PremisesStatus
    ]
    return render(
        request,
        "maps/review_map.html",
        {
            "filter_fields": filterset.shown,
            "legend": legend,
            "unit_zoom_max": mapdata.UNIT_ZOOM_MAX,
            "without_plan_count": Premises.objects.visible_to(request.user).without_approved_plan().count(),
            "unit_layers": [
                (UnitLevel.COMMUNE, _("Communes (since 2025)")),
                (UnitLevel.LEGACY_DISTRICT, _("Former districts")),
                (UnitLevel.LEGACY_COMMUNE, _("Former communes")),
            ],
        },
    )


@login_required
@require_GET
def map_data(request):
    """GeoJSON of the map at ?z= over ?bbox=west,south,east,north with the map filters."""
    try:
        zoom = int(request.GET.get("z", ""))
    except ValueError:
        message = _("Give the zoom level (z) as a whole number.")
        return _bad_request(message, {"z": [{"message": message}]})
    try:
        bbox = mapdata.parse_bbox(request.GET.get("bbox", ""))
    except ValueError as exc:
        return _bad_request(str(exc), {"bbox": [{"message": str(exc)}]})
    queryset, filterset = _filtered(request)
    if filterset is not None and not filterset.is_valid():
        return _bad_request(_("Some filters are not valid."), filterset.errors.get_json_data())
    return HttpResponse(
        mapdata.map_features(queryset, zoom, bbox, province=scope(request.user).province), content_type=GEOJSON
    )


@login_required
@require_GET
def map_totals(request):
    """Totals for the filters, over everything, a box (?bbox=) or a drawn area (?area=
    GeoJSON polygon)."""
    queryset, filterset = _filtered(request)
    if filterset is not None and not filterset.is_valid():
        return _bad_request(_("Some filters are not valid."), filterset.errors.get_json_data())
    area = bbox = None
    parameter = "area" if request.GET.get("area") else "bbox"
    try:
        if parameter == "area":
            area = mapdata.parse_area(request.GET["area"])
        elif request.GET.get("bbox"):
            bbox = mapdata.parse_bbox(request.GET["bbox"])
    except ValueError as exc:
        return _bad_request(str(exc), {parameter: [{"message": str(exc)}]})
    return JsonResponse(mapdata.totals(queryset, bbox=bbox, area=area, province=scope(request.user).province))


@login_required
@require_GET
def unit_layer(request, level):
    """Units of one level as GeoJSON: the boundary where one was imported, else the
    bounding box, else the centroid (the page says which)."""
    if level not in (UnitLevel.COMMUNE, UnitLevel.LEGACY_DISTRICT, UnitLevel.LEGACY_COMMUNE):
        return _bad_request(_("Unknown unit level."))
    features = []
    for unit in AdministrativeUnit.objects.filter(level=level).only("name", "code", "boundary", "bbox", "centroid"):
        geometry = unit.boundary or unit.bbox or unit.centroid
        features.append(
            {
                "type": "Feature",
                "id": unit.pk,
                "geometry": json.loads(geometry.json),
                "properties": {
                    "name": unit.name,
                    "code": unit.code,
                    "shape": "boundary" if unit.boundary else ("bbox" if unit.bbox else "centroid"),
                },
            }
        )
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = GEOJSON
    response["Cache-Control"] = "private, max-age=3600"
    return response
