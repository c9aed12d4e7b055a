"""The premises form's location check: while the declarant places the pin, the page asks
whether the place needs confirming (outside the commune, or far from its centre) and shows
the answer beside the map. The rule is the form's own (`declared_values.location_warning`)."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inventory.models import Premises
from inventory.services import declarations as services
from inventory.services import declared_values
from inventory.views.common import require_declarant


def _coordinate(text: str, limit: int) -> float | None:
    """A latitude or longitude typed by a person, within ±limit, or None."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > limit:
        return None
    return float(value)


@login_required
@require_GET
def location_check(request):
    """`{"warning": text or null}` for a pin at ?lat=&lon= of a premises of ?agency= (a
    code among the agencies the user may declare for); 400 with `{"error": text}` for a
    place that is not one or an agency that is not the user's."""
    require_declarant(request.user)
    lat = _coordinate(request.GET.get("lat", ""), 90)
    lon = _coordinate(request.GET.get("lon", ""), 180)
    if lat is None or lon is None:
        return JsonResponse(
            {"error": _("Latitude must be between -90 and 90 and longitude between -180 and 180.")}, status=400
        )
    agency = services.declarable_agencies(request.user).filter(code=request.GET.get("agency", "")).first()
    if agency is None:
        return JsonResponse({"error": _("You may only declare for the agencies of your own unit.")}, status=400)
    warning = declared_values.location_warning(Premises(agency=agency, location=Point(lon, lat, srid=4326)))
    return JsonResponse({"warning": str(warning) if warning else None})
