"""Formats besides JSON. GeoJSON, CSV and XLSX answers are built by the views (PostGIS
writes the GeoJSON; exports stream); these renderers make the formats negotiable
(`?format=geojson|csv|xlsx` or the Accept header) and render errors in them."""

import json

from rest_framework.renderers import BaseRenderer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ErrorsAsJson(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class GeoJSONRenderer(_ErrorsAsJson):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(_ErrorsAsJson):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ErrorsAsJson):
    media_type = XLSX
    format = "xlsx"
    charset = None
