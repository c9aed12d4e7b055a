"""Form widgets."""

from leaflet.forms.widgets import LeafletWidget

from inventory.middleware import current_csp_nonce


class MapWidget(LeafletWidget):
    """django-leaflet's map widget, whose inline script carries the request's CSP nonce
    (a widget is rendered without the request's template context)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["csp_nonce"] = current_csp_nonce()
        return context
