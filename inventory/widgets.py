"""Form widgets."""

from django import forms
from leaflet import PLUGINS
from leaflet.admin import LeafletAdminWidget
from leaflet.forms.widgets import LeafletWidget

from inventory.geodata import lonlat_problem, reprojectable
from inventory.middleware import current_csp_nonce


def displayable(geom) -> bool:
    """True when the geometry may be reprojected and written out for the map: longitude/
    latitude in range, or another system's bounded numbers."""
    if geom.srid in (None, 4326):
        return lonlat_problem(geom) is None
    return reprojectable(geom)


class MapWidget(LeafletWidget):
    """django-leaflet's map widget, whose inline script carries the request's CSP nonce
    (a widget is rendered without the request's template context). A geometry that is
    not `displayable` — a refused form value, or a row stored before the database checked
    coordinates — is shown as an empty map: it is never reprojected or turned into text
    (GEOS 3.11 aborts the process writing a coordinate like 1e300)."""

    def get_context(self, name, value, attrs):
        if value and isinstance(value, str):
            value = self.deserialize(value)
        if value and not displayable(value):
            value = None
        context = super().get_context(name, value, attrs)
        context["csp_nonce"] = current_csp_nonce()
        return context


class AdminMapWidget(MapWidget, LeafletAdminWidget):
    """The same map in the admin, with the scripts and styles the admin page includes, and
    the map tools' Vietnamese (LEAFLET_CONFIG's "locale" plugin, inventory/leaflet_text.py)."""

    @property
    def media(self):
        return super().media + forms.Media(js=PLUGINS["locale"]["js"])
