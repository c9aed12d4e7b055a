"""OGC API – Features (Part 1: Core, GeoJSON) at /ogc/, so that QGIS and GDAL
(`ogrinfo OAPIF:https://host/ogc`) list and read the layers directly: the landing page,
conformance, the collections (premises; communes since 2025; asset totals by premises),
their items with `bbox`, `limit` and next links, and single items. The same scope and
authentication (session or token) as the REST API."""

import json
import re

from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from inventory.api.filters import BBoxField
from inventory.api.geojson import feature_collection
from inventory.api.pagination import BIGINT_MAX
from inventory.api.serializers import PREMISES_FIELDS
from inventory.models import AdministrativeUnit, Premises

GEOJSON = "application/geo+json"
JSON = "application/json"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _premises(user):
    return Premises.objects.visible_to(user)


def _premises_assets(user):
    return Premises.objects.visible_to(user).annotate(
        asset_lines=F("rollup__asset_lines"),
        asset_items=F("rollup__asset_items"),
        asset_value=F("rollup__asset_value"),
        surplus_asset_items=F("rollup__surplus_asset_items"),
        surplus_asset_value=F("rollup__surplus_asset_value"),
    )


def _communes(user):
    return AdministrativeUnit.objects.communes()


# id: (title, description, rows for a user, properties, geometry field)
COLLECTIONS = {
    "premises": (
        "Premises",
        "Headquarters and other public premises (cơ sở nhà, đất): status, areas, values, hazards.",
        _premises,
        PREMISES_FIELDS,
        "location",
    ),
    "units": (
        "Communes since 2025",
        "Communes and wards of the two-level government (xã, phường), at their centroids.",
        _communes,
        ["id", "code", "name", "type_name", "area_km2"],
        "centroid",
    ),
    "assets-by-premises": (
        "Assets by premises",
        "Asset totals of each premises: lines, items, remaining value, and how much is surplus.",
        _premises_assets,
        [
            "id",
            "code",
            "name",
            "status",
            "asset_lines",
            "asset_items",
            "asset_value",
            "surplus_asset_items",
            "surplus_asset_value",
        ],
        "location",
    ),
}


def _respond(data, content_type=JSON, status=200):
    body = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    return HttpResponse(body, content_type=content_type, status=status)


class OgcView(APIView):
    schema = None  # described by the OGC specification, not in /api/schema/

    def url(self, path=""):
        return self.request.build_absolute_uri(f"/ogc/{path}")


class LandingPage(OgcView):
    def get(self, request):
        return _respond(
            {
                "title": _("Public premises and assets of Nghệ An"),
                "description": _("OGC API – Features of the premises and asset inventory."),
                "links": [
                    {"rel": "self", "type": JSON, "href": self.url()},
                    {
                        "rel": "service-desc",
                        "type": "application/vnd.oai.openapi+json;version=3.0",
                        "href": request.build_absolute_uri("/api/schema/?format=json"),
                    },
                    {"rel": "service-doc", "type": "text/html", "href": request.build_absolute_uri("/api/docs/")},
                    {"rel": "conformance", "type": JSON, "href": self.url("conformance")},
                    {"rel": "data", "type": JSON, "href": self.url("collections")},
                ],
            }
        )


class Conformance(OgcView):
    def get(self, request):
        return _respond({"conformsTo": CONFORMANCE})


def _extent(rows, geometry):
    from django.contrib.gis.db.models import Extent

    box = rows.aggregate(e=Extent(geometry))["e"]
    return {"spatial": {"bbox": [list(box) if box else [-180, -90, 180, 90]], "crs": CRS84}}


class Collections(OgcView):
    def describe(self, key):
        title, description, rows, _fields, geometry = COLLECTIONS[key]
        return {
            "id": key,
            "title": title,
            "description": description,
            "itemType": "feature",
            "crs": [CRS84],
            "extent": _extent(rows(self.request.user), geometry),
            "links": [
                {"rel": "self", "type": JSON, "href": self.url(f"collections/{key}")},
                {"rel": "items", "type": GEOJSON, "href": self.url(f"collections/{key}/items")},
            ],
        }

    def get(self, request, key=None):
        if key is not None:
            if key not in COLLECTIONS:
                raise Http404
            return _respond(self.describe(key))
        return _respond(
            {
                "links": [{"rel": "self", "type": JSON, "href": self.url("collections")}],
                "collections": [self.describe(k) for k in COLLECTIONS],
            }
        )


class Items(OgcView):
    def get(self, request, key, fid=None):
        if key not in COLLECTIONS:
            raise Http404
        _title, _description, rows_for, fields, geometry = COLLECTIONS[key]
        rows = rows_for(request.user).order_by("id")
        if fid is not None:
            if not re.fullmatch(r"[0-9]{1,19}", fid) or int(fid) > BIGINT_MAX:
                raise Http404  # checked before it reaches the query: `abc` is no id
            one = rows.filter(id=int(fid))
            if not one.exists():
                raise Http404
            collection = json.loads(feature_collection(one, fields, geometry))
            feature = collection["features"][0]
            feature["links"] = [
                {"rel": "self", "type": GEOJSON, "href": self.url(f"collections/{key}/items/{fid}")},
                {"rel": "collection", "type": JSON, "href": self.url(f"collections/{key}")},
            ]
            return _respond(feature, GEOJSON)
        limit, offset, box = self.paging(request)
        if box is not None:
            rows = rows.filter(**{f"{geometry}__bboverlaps": box})
        matched = rows.count()
        page = rows[offset : offset + limit]
        returned = min(limit, max(0, matched - offset))
        links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        if offset + limit < matched:
            query = request.GET.copy()
            query["offset"] = offset + limit
            query["limit"] = limit
            links.append(
                {"rel": "next", "type": GEOJSON, "href": self.url(f"collections/{key}/items?{query.urlencode()}")}
            )
        text = feature_collection(
            page,
            fields,
            geometry,
            {"numberMatched": matched, "numberReturned": returned, "links": links},
        )
        return _respond(text, GEOJSON)

    def paging(self, request):
        errors = {}
        try:
            limit = int(request.GET.get("limit", DEFAULT_LIMIT))
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError
        except ValueError:
            errors["limit"] = _("A whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
            limit = DEFAULT_LIMIT
        try:
            offset = int(request.GET.get("offset", 0))
            if not 0 <= offset <= BIGINT_MAX - MAX_LIMIT:  # OFFSET and OFFSET + LIMIT within bigint
                raise ValueError
        except ValueError:
            errors["offset"] = _("A whole number from 0 to %(max)s.") % {"max": BIGINT_MAX - MAX_LIMIT}
            offset = 0
        box = None
        if request.GET.get("bbox"):
            try:
                box = BBoxField().clean(
                    ",".join(request.GET["bbox"].split(",")[:2] + request.GET["bbox"].split(",")[-2:])
                )
            except Exception as exc:
                errors["bbox"] = getattr(exc, "messages", [str(exc)])
        if errors:
            raise ValidationError(errors)
        return limit, offset, box
