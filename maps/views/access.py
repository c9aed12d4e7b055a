"""Access and co-location review (`/maps/access/`): map, table and workbook of how far
each new commune's agencies and former communes are from its main headquarters by road
(maps.access), for those who see the whole province."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from inventory.permissions import can_review, sees_everything
from inventory.views.common import xlsx_response
from maps.access import DEFAULT_WITHIN_KM, MAX_WITHIN_KM, as_data, parse_within_km, review, workbook
from maps.routing import network_loaded


def _require_read(user):
    """The access review spans every commune: those who see the whole province."""
    if not sees_everything(user):
        raise PermissionDenied


def _options(request):
    """(within_km, order, error) from the query string; a bad distance is an error shown
    on the page and the default used."""
    order = "average" if request.GET.get("order") == "average" else "worst"
    try:
        return parse_within_km(request.GET.get("within_km")), order, None
    except ValueError:
        return (
            float(DEFAULT_WITHIN_KM),
            order,
            _("The distance must be a number of kilometres above 0 and at most %(max)s.") % {"max": MAX_WITHIN_KM},
        )


@login_required
def access_review(request):
    _require_read(request.user)
    within_km, order, error = _options(request)
    if error:
        messages.error(request, error)
    rows = review(request.user, within_km=within_km, order=order)
    markers = [
        {
            "rank": r.rank,
            "name": r.unit.name,
            "lat": r.hq_point.y,
            "lon": r.hq_point.x,
            "worst_km": round(r.worst_m / 1000, 1),
            "estimate": r.has_estimate,
            "legs": [
                {"lat": leg.location.y, "lon": leg.location.x, "name": leg.name, "estimate": leg.road.is_estimate}
                for leg in r.legs
            ],
        }
        for r in rows
    ]
    return render(
        request,
        "maps/access.html",
        {
            "rows": rows,
            "within_km": within_km,
            "order": order,
            "markers": markers,
            "network": network_loaded(),
            "may_review": can_review(request.user),
            "estimates": sum(1 for r in rows if r.has_estimate),
        },
        status=400 if error else 200,
    )


@login_required
def access_xlsx(request):
    _require_read(request.user)
    within_km, order, error = _options(request)
    if error:
        raise BadRequest(error)
    data = as_data(review(request.user, within_km=within_km, order=order))
    return xlsx_response(workbook(data, within_km), "ra-soat-khoang-cach.xlsx")
