"""Small template filters of the map pages."""

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def dictget(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def div1000(value):
    """Metres to kilometres."""
    return (value or 0) / 1000


@register.filter
def isodate(value):
    """An ISO date string (as stored in a study's criteria) as a date, for `|date`."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@register.filter
def layer_sources(layers):
    """[{name, kind, url}] of hazard layers, for a map script to read with json_script (the
    names stay data: the script sets them as text)."""
    return [
        {"name": layer.name, "kind": layer.kind, "url": reverse("maps:layer_geojson", args=[layer.pk])}
        for layer in layers
    ]
