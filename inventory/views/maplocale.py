"""Leaflet's strings in the request's language, as a script (inventory/leaflet_text.py)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from inventory.leaflet_text import map_locale


@require_GET
def map_locale_script(request):
    """`window.MAP_LOCALE = {...};` — public like a static file (no data, only the words of
    the map tools), cached by browsers per language."""
    body = "window.MAP_LOCALE = " + json.dumps(map_locale(), cls=DjangoJSONEncoder, ensure_ascii=False) + ";\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
