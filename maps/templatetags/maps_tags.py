"""Small template filters of the map pages."""

from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def div1000(value):
    """Metres to kilometres."""
    return (value or 0) / 1000
