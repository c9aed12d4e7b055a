"""Formatting of report cells: numbers with thousands separators, text as it is."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def cell(value):
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, int | float | Decimal):
        return floatformat(value, "0g")
    return value
