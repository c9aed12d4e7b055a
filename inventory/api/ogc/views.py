"""OGC API – Features at /ogc/ (Part 1 core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by
reference; Part 3 filtering with CQL2 and queryables), so that QGIS and GDAL
(`ogrinfo OAPIF:https://host/ogc`) list, filter and read the layers directly.

Every collection reads its rows through the user's scope (`visible_to`) first; `bbox` and
`filter` then narrow them. GIS clients authenticate with HTTP Basic and the user's GIS
password (`auth.GisBasicAuthentication`), programs with an API token, browsers with their
session; the public register's collection needs none. Pages are JSON by default and HTML
for a browser (`Accept: text/html`) or with `f=html`."""

import json
import re
from urllib.parse import urlencode

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from inventory import public
from inventory.api.geojson import feature_collection
from inventory.api.ogc import cql2
from inventory.api.ogc import crs as crs_module
from inventory.api.ogc.auth import GisBasicAuthentication
from inventory.api.ogc.layers import LAYERS
from inventory.api.pagination import BIGINT_MAX
from inventory.models import Premises
from inventory.querysets import without_jit

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
]
# QGIS 3.22 sends the query string of a connection's URL (`…/ogc?filter=…&bbox-crs=…`) with
# every request it makes (landing page, API, collection, items): so the other pages take
# these parameters too and ignore them (their definition says so), and a GIS user can
# give a CQL2 filter or a VN-2000 box that the client itself cannot express.
CARRIED = {"filter", "filter-lang", "filter-crs", "crs", "bbox", "bbox-crs"}
ITEMS_PARAMETERS = {"f", "limit", "offset", *CARRIED}
ITEM_PARAMETERS = {"f", *CARRIED}
PAGE_PARAMETERS = {"f", *CARRIED}


class _FirstRenderer(BaseContentNegotiation):
    """JSON for errors whatever the Accept header (pages choose their format themselves)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def _json(data, content_type=JSON, status=200, headers=None):
    body = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    response = HttpResponse(body, content_type=content_type, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class OgcView(APIView):
    schema = None  # described by /ogc/api, not in /api/schema/
    authentication_classes = [GisBasicAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]  # each collection decides (the public one needs no login)
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer
    parameters = PAGE_PARAMETERS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.GET) - self.parameters)
        if unknown:  # /req/core/query-param-unknown
            raise ValidationError({name: _("Unknown parameter.") for name in unknown})
        self.format = self._format(request)

    @staticmethod
    def _format(request):
        asked = request.GET.get("f")
        if asked is not None:
            if asked not in ("json", "html"):
                raise ValidationError({"f": _("Use json or html.")})
            return asked
        accept = request.headers.get("Accept", "")
        html_at, json_at = accept.find(HTML), max(accept.find("json"), -1)
        return "html" if html_at >= 0 and (json_at < 0 or html_at < json_at) else "json"

    def url(self, path="", **query):
        tail = f"?{urlencode(query)}" if query else ""
        return self.request.build_absolute_uri(f"/ogc/{path}") + tail

    def links(self, path, json_type=JSON, **query):
        """self and alternate links of a page in both formats (/req/core/…-links)."""
        own_json, own_html = ("self", "alternate") if self.format == "json" else ("alternate", "self")
        return [
            {
                "rel": own_json,
                "type": json_type,
                "title": _("This document as JSON"),
                "href": self.url(path, **query, f="json"),
            },
            {
                "rel": own_html,
                "type": HTML,
                "title": _("This document as HTML"),
                "href": self.url(path, **query, f="html"),
            },
        ]

    def layer(self, key):
        layer = LAYERS.get(key)
        if layer is None or not self.may_read(layer):
            if layer is not None and not self.request.user.is_authenticated:
                raise NotAuthenticated
            raise Http404
        return layer

    def may_read(self, layer) -> bool:
        return layer.public or self.request.user.is_authenticated

    def page(self, template, context, data):
        return render(self.request, f"inventory/ogc/{template}", {**context, "data": data})


class LandingPage(OgcView):
    def get(self, request):
        data = {
            "title": _("Public premises and assets of Nghệ An"),
            "description": _("OGC API – Features of the premises and asset inventory."),
            "links": [
                *self.links(""),
                {"rel": "service-desc", "type": OPENAPI, "title": _("API definition"), "href": self.url("api")},
                {
                    "rel": "service-doc",
                    "type": HTML,
                    "title": _("API documentation"),
                    "href": request.build_absolute_uri("/api/docs/"),
                },
                {
                    "rel": "conformance",
                    "type": JSON,
                    "title": _("Conformance classes"),
                    "href": self.url("conformance"),
                },
                {"rel": "data", "type": JSON, "title": _("Collections"), "href": self.url("collections")},
            ],
        }
        if self.format == "html":
            return self.page("landing.html", {}, data)
        return _json(data)


class Conformance(OgcView):
    def get(self, request):
        data = {"conformsTo": CONFORMANCE}
        if self.format == "html":
            return self.page("conformance.html", {}, data)
        return _json(data)


class ApiDefinition(OgcView):
    def get(self, request):
        from inventory.api.ogc.openapi import definition

        return _json(definition(request.build_absolute_uri("/ogc")), OPENAPI)


def _extent(rows, geometry):
    box = rows.aggregate(e=Extent(geometry))["e"]
    return {"spatial": {"bbox": [list(box) if box else [102.8, 18.5, 106.0, 20.0]], "crs": crs_module.CRS84}}


class Collections(OgcView):
    def describe(self, layer):
        key = layer.id
        return {
            "id": key,
            "title": layer.title,
            "description": layer.description,
            "itemType": "feature",
            "crs": crs_module.URIS,  # /req/crs/fc-md-crs-list
            "storageCrs": crs_module.STORAGE.uri,  # /req/crs/fc-md-storageCrs
            "extent": self.extent(layer),
            "links": [
                *self.links(f"collections/{key}"),
                {"rel": "items", "type": GEOJSON, "title": _("Features"), "href": self.url(f"collections/{key}/items")},
                {
                    "rel": "items",
                    "type": HTML,
                    "title": _("Features as HTML"),
                    "href": self.url(f"collections/{key}/items", f="html"),
                },
                {
                    "rel": QUERYABLES_REL,
                    "type": SCHEMA_JSON,
                    "title": _("Queryables"),
                    "href": self.url(f"collections/{key}/queryables"),
                },
            ],
        }

    def extent(self, layer):
        """The layer's extent; a layer drawn at its sites' locations (houses, assets,
        handling, plans) takes the extent of the sites the user sees, which holds it and
        costs one index scan instead of a join over every asset line."""
        if layer.geometry in ("location", "centroid"):
            return _extent(layer.rows(self.request.user), layer.geometry)
        return _extent(Premises.objects.visible_to(self.request.user), "location")

    def get(self, request, key=None):
        if key is not None:
            layer = self.layer(key)
            data = self.describe(layer)
            if self.format == "html":
                return self.page("collection.html", {"layer": layer}, data)
            return _json(data)
        data = {
            "links": self.links("collections"),
            "crs": crs_module.URIS,
            "collections": [self.describe(layer) for layer in LAYERS.values() if self.may_read(layer)],
        }
        if self.format == "html":
            return self.page("collections.html", {}, data)
        return _json(data)


class Queryables(OgcView):
    def get(self, request, key):
        layer = self.layer(key)
        data = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": self.url(f"collections/{key}/queryables"),
            "type": "object",
            "title": layer.title,
            "properties": {q.name: q.schema() for q in layer.all_queryables()},
            "additionalProperties": False,
        }
        if self.format == "html":
            return self.page("queryables.html", {"layer": layer}, data)
        return _json(data, SCHEMA_JSON)


class Items(OgcView):
    parameters = ITEMS_PARAMETERS

    def get(self, request, key):
        layer = self.layer(key)
        limit, offset, out_crs, box, condition = self.arguments(request, layer)
        # A filtered count looks costly to the planner (ST_Intersects, LIKE on every row), and
        # PostgreSQL would JIT-compile it: measured at about 1 s of compiling for a 0.1 s scan
        # of 10^5 sites. No query here runs long enough to win that back.
        with without_jit():
            return self.respond(request, layer, key, limit, offset, out_crs, box, condition)

    def respond(self, request, layer, key, limit, offset, out_crs, box, condition):

        def narrowed(rows):
            # The scope first (`rows` come from visible_to) ... then bbox and filter narrow it.
            if box is not None:
                rows = rows.filter(**{f"{layer.geometry}__intersects": box})
            return rows.filter(condition) if condition is not None else rows

        rows = narrowed(layer.rows(request.user)).order_by("code" if layer.public else "id")
        matched = narrowed(layer.rows_to_count(request.user)).count()
        page = rows[offset : offset + limit]
        returned = min(limit, max(0, matched - offset))
        query = {k: v for k, v in request.GET.items() if k not in ("offset", "f")}
        links = self.links(f"collections/{key}/items", GEOJSON, **{**query, "offset": offset} if offset else query)
        if offset + limit < matched:
            links.append(
                {
                    "rel": "next",
                    "type": GEOJSON,
                    "title": _("Next page"),
                    "href": self.url(f"collections/{key}/items", **{**query, "offset": offset + limit, "limit": limit}),
                }
            )
        if offset > 0:
            links.append(
                {
                    "rel": "prev",
                    "type": GEOJSON,
                    "title": _("Previous page"),
                    "href": self.url(
                        f"collections/{key}/items", **{**query, "offset": max(0, offset - limit), "limit": limit}
                    ),
                }
            )
        links.append({"rel": "collection", "type": JSON, "title": layer.title, "href": self.url(f"collections/{key}")})
        members = {
            "timeStamp": timezone.now().isoformat(timespec="seconds"),
            "numberMatched": matched,
            "numberReturned": returned,
            "links": links,
        }
        if layer.public:
            text = json.dumps(_public_features(page, layer, out_crs, request, members), ensure_ascii=False, default=str)
        else:
            geometry = crs_module.output_geometry(layer.geometry, out_crs)
            text = feature_collection(page, layer.fields, geometry, members, precision=out_crs.precision)
        headers = {"Content-Crs": crs_module.header(out_crs)}
        if self.format == "html":
            response = self.page("items.html", {"layer": layer, "crs": out_crs}, json.loads(text))
            response["Content-Crs"] = headers["Content-Crs"]
            return response
        return _json(text, GEOJSON, headers=headers)

    def arguments(self, request, layer):
        errors = {}
        limit, offset = _paging(request.GET, errors)
        systems = {}
        for name in ("crs", "bbox-crs", "filter-crs"):
            try:
                systems[name] = crs_module.lookup(request.GET.get(name), name)
            except crs_module.CrsError as exc:
                errors[name] = str(exc)
        box = None
        if request.GET.get("bbox") and "bbox-crs" in systems:
            try:
                box = crs_module.bbox(request.GET["bbox"], systems["bbox-crs"])
            except crs_module.CrsError as exc:
                errors["bbox"] = str(exc)
        condition = _condition(request.GET, layer, systems, errors)
        if errors:
            raise ValidationError(errors)
        return limit, offset, systems.get("crs", crs_module.STORAGE), box, condition


def _paging(params, errors: dict) -> tuple[int, int]:
    """`limit` and `offset`, or their defaults with the error noted in `errors`."""
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        errors["limit"] = _("A whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
        limit = DEFAULT_LIMIT
    try:
        offset = int(params.get("offset", 0))
        if not 0 <= offset <= BIGINT_MAX - MAX_LIMIT:  # OFFSET and OFFSET + LIMIT within bigint
            raise ValueError
    except ValueError:
        errors["offset"] = _("A whole number from 0 to %(max)s.") % {"max": BIGINT_MAX - MAX_LIMIT}
        offset = 0
    return limit, offset


def _condition(params, layer, systems: dict, errors: dict):
    """The CQL2 `filter` as a Q (None without one), its error noted in `errors`."""
    text = params.get("filter")
    if text is not None and "filter-crs" in systems:
        try:
            return cql2.to_q(text, params.get("filter-lang"), layer.all_queryables(), systems["filter-crs"])
        except (cql2.FilterError, crs_module.CrsError) as exc:
            errors["filter"] = str(exc)
    elif params.get("filter-lang") and params["filter-lang"] not in (cql2.TEXT, cql2.JSON):
        errors["filter-lang"] = _("filter-lang: use cql2-text or cql2-json.")
    return None


def _public_features(page, layer, out_crs, request, members):
    """The public register's features: properties from `inventory.public`'s allow-list
    (`public_rows`), the location in the asked system, the site's code as its id."""
    geometry = crs_module.output_geometry(layer.geometry, out_crs)
    shapes = dict(page.annotate(_shape=AsGeoJSON(geometry, precision=out_crs.precision)).values_list("code", "_shape"))
    features = [
        {
            "type": "Feature",
            "id": row["code"],
            "geometry": json.loads(shapes[row["code"]]) if shapes.get(row["code"]) else None,
            "properties": row,
        }
        for row in public.public_rows(page, tuple(layer.fields), request)
    ]
    return {"type": "FeatureCollection", "features": features, **members}


class Item(OgcView):
    parameters = ITEM_PARAMETERS

    def get(self, request, key, fid):
        layer = self.layer(key)
        try:
            out_crs = crs_module.lookup(request.GET.get("crs"), "crs")
        except crs_module.CrsError as exc:
            raise ValidationError({"crs": str(exc)}) from None
        rows = layer.rows(request.user)
        if layer.public:
            if len(fid) > 100:
                raise Http404
            one = rows.filter(code=fid)
            if not one.exists():
                raise Http404
            feature = _public_features(one, layer, out_crs, request, {})["features"][0]
        else:
            if not re.fullmatch(r"[0-9]{1,19}", fid) or int(fid) > BIGINT_MAX:
                raise Http404  # checked before it reaches the query: `abc` is no id
            one = rows.filter(id=int(fid))
            if not one.exists():
                raise Http404
            geometry = crs_module.output_geometry(layer.geometry, out_crs)
            feature = json.loads(feature_collection(one, layer.fields, geometry, precision=out_crs.precision))[
                "features"
            ][0]
        feature["links"] = [
            *self.links(f"collections/{key}/items/{fid}", GEOJSON),
            {"rel": "collection", "type": JSON, "title": layer.title, "href": self.url(f"collections/{key}")},
        ]
        if self.format == "html":
            response = self.page("item.html", {"layer": layer, "crs": out_crs}, feature)
        else:
            response = _json(feature, GEOJSON)
        response["Content-Crs"] = crs_module.header(out_crs)
        return response
