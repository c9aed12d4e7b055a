"""Vietnamese for the maps' own controls: Leaflet's zoom buttons and Leaflet.draw's tools.

django-leaflet translates only part of Leaflet.draw (and only on pages with its "forms"
plugin; the review map loads Leaflet.draw itself), and nothing of Leaflet's zoom buttons.
Every string of both is here, through gettext; /map-locale.js (`inventory:map_locale`) serves
them in the request's language and static/js/map_locale.js applies them to Leaflet before any
map is made. Both are loaded with Leaflet on every map page, the admin's included
(LEAFLET_CONFIG PLUGINS "locale", auto-included; a page naming its plugins, as the forms'
`plugins="forms,locale"`, names it too): one mechanism for every map."""

from django.utils.translation import gettext_lazy as _


def map_locale() -> dict:
    """Leaflet's zoom titles and the whole of L.drawLocal, in the current language."""
    return {
        "zoom": {"zoomInTitle": _("Zoom in"), "zoomOutTitle": _("Zoom out")},
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete last point drawn"), "text": _("Delete last point")},
                "buttons": {
                    "polyline": _("Draw a line"),
                    "polygon": _("Draw a polygon"),
                    "rectangle": _("Draw a rectangle"),
                    "circle": _("Draw a circle"),
                    "marker": _("Place a marker"),
                    "circlemarker": _("Place a circle marker"),
                },
            },
            "handlers": {
                "circle": {"tooltip": {"start": _("Click and drag to draw a circle.")}, "radius": _("Radius")},
                "circlemarker": {"tooltip": {"start": _("Click the map to place a circle marker.")}},
                "marker": {"tooltip": {"start": _("Click the map to place the marker.")}},
                "polygon": {
                    "tooltip": {
                        "start": _("Click to start drawing the shape."),
                        "cont": _("Click to continue drawing the shape."),
                        "end": _("Click the first point to close the shape."),
                    }
                },
                "polyline": {
                    "error": _("The edges of the shape cannot cross."),
                    "tooltip": {
                        "start": _("Click to start drawing the line."),
                        "cont": _("Click to continue drawing the line."),
                        "end": _("Click the last point to finish the line."),
                    },
                },
                "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                "simpleshape": {"tooltip": {"end": _("Release the mouse to finish drawing.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Save the changes"), "text": _("Save")},
                    "cancel": {"title": _("Cancel editing, discarding every change"), "text": _("Cancel")},
                    "clearAll": {"title": _("Clear every shape"), "text": _("Clear all")},
                },
                "buttons": {
                    "edit": _("Edit shapes"),
                    "editDisabled": _("No shapes to edit"),
                    "remove": _("Delete shapes"),
                    "removeDisabled": _("No shapes to delete"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the handles or the marker to edit the shape."),
                        "subtext": _("Click Cancel to undo the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click a shape to delete it.")}},
            },
        },
    }
