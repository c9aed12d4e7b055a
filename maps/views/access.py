"""Access and co-location review (`/maps/access/`): map, table and workbook of how far
each new commune's agencies and former communes are from its main headquarters by road
(maps.access), for those who see the whole province."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from inventory.permissions import can_review, sees_everything
from inventory.spreadsheets import append
from inventory.views.common import xlsx_response
from maps.access import DEFAULT_WITHIN_KM, MAX_WITHIN_KM, as_data, parse_within_km, review
from maps.routing import ESTIMATE_LABEL, REASONS, network_loaded


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


def _estimate(flag) -> str:
    return str(ESTIMATE_LABEL) if flag else ""


def workbook(data: list[dict], within_km: float) -> bytes:
    """Three sheets: the ranked communes, every distance measured, the co-location
    proposals; an estimate is labelled in its own column with its reason. Text goes
    through inventory.spreadsheets (a name never becomes a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Communes")
    append(
        sheet,
        [
            _("rank"),
            _("commune code"),
            _("commune"),
            _("main headquarters"),
            _("worst (km)"),
            _("worst is"),
            _("average (km)"),
            _("average (min)"),
            _("estimates"),
            _("floor area in use (m²)"),
            _("co-location sites within %(km)s km") % {"km": within_km},
        ],
    )
    for r in data:
        append(
            sheet,
            [
                r["rank"],
                r["commune_code"],
                r["commune"],
                r["hq_name"] or _("no headquarters recorded: the commune centre"),
                round(r["worst_m"] / 1000, 2),
                _estimate(r["worst_is_estimate"]),
                round(r["average_m"] / 1000, 2),
                r["average_minutes"],
                _("some distances are estimates") if r["has_estimate"] else "",
                r["needed_floor_area"],
                len(r["colocation"]),
            ],
        )
    legs = book.create_sheet(_("Distances"))
    append(
        legs,
        [
            _("commune"),
            _("from"),
            _("kind"),
            _("road distance (km)"),
            _("travel time (min)"),
            _("estimate"),
            _("why"),
            _("snapped at the start (m)"),
            _("snapped at the headquarters (m)"),
            _("straight line (km)"),
        ],
    )
    kinds = {"agency": _("agency site"), "former": _("former commune centre")}
    for r in data:
        for leg in r["legs"]:
            append(
                legs,
                [
                    r["commune"],
                    leg["name"],
                    str(kinds[leg["kind"]]),
                    round(leg["metres"] / 1000, 2),
                    leg["minutes"],
                    leg["label"],
                    str(REASONS.get(leg["reason"], "")),
                    leg["origin_snap_m"],
                    leg["target_snap_m"],
                    round(leg["straight_m"] / 1000, 2),
                ],
            )
    places = book.create_sheet(_("Co-location"))
    append(
        places,
        [_("commune"), _("site"), _("code"), _("available floor area (m²)"), _("road distance (km)"), _("estimate")],
    )
    for r in data:
        for c in r["colocation"]:
            append(
                places,
                [
                    r["commune"],
                    c["name"],
                    c["premises"],
                    c["available_floor_area"],
                    round(c["metres"] / 1000, 2),
                    c["label"],
                ],
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
