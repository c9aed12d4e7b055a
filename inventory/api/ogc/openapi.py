"""The OpenAPI 3.0 definition of /ogc/ (the landing page's `service-desc`, /conf/oas30):
every path and parameter the endpoint answers, so a client can build its requests from it."""

from inventory.api.ogc import crs as crs_module
from inventory.api.ogc.layers import LAYERS


def _param(name, description, schema, location="query", required=False, **extra):
    return {"name": name, "in": location, "description": description, "required": required, "schema": schema, **extra}


def definition(base: str) -> dict:
    f = _param("f", "Format of the response (json or html).", {"type": "string", "enum": ["json", "html"]})
    crs = _param(
        "crs", "CRS of the geometries in the response.", {"type": "string", "format": "uri", "enum": crs_module.URIS}
    )
    collection_id = _param("collectionId", "A collection.", {"type": "string", "enum": list(LAYERS)}, "path", True)
    json_ok = {
        "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}, "text/html": {}}}
    }
    features_ok = {
        "200": {
            "description": "Features",
            "content": {"application/geo+json": {"schema": {"type": "object"}}, "text/html": {}},
        },
        "400": {"description": "A parameter is invalid."},
        "401": {"description": "Log in (GIS password, API token or session)."},
        "404": {"description": "No such collection or feature."},
    }
    # Carried by GIS clients from the connection URL to every request; used by the items only.
    carried = [
        _param(name, "Used by the features; ignored here (GIS clients send it with every request).", {"type": "string"})
        for name in ("filter", "filter-lang", "filter-crs", "crs", "bbox", "bbox-crs")
    ]
    page = {"get": {"parameters": [f, *carried], "responses": json_ok}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Nghệ An public premises and assets — OGC API – Features", "version": "1.0"},
        "servers": [{"url": base}],
        "components": {
            "securitySchemes": {
                "gisPassword": {"type": "http", "scheme": "basic", "description": "User name and GIS password"},
                "token": {"type": "apiKey", "in": "header", "name": "Authorization"},
            }
        },
        "security": [{}, {"gisPassword": []}, {"token": []}],
        "paths": {
            "/": {"get": {"operationId": "getLandingPage", **page["get"]}},
            "/conformance": {"get": {"operationId": "getConformance", **page["get"]}},
            "/api": {"get": {"operationId": "getApi", **page["get"]}},
            "/collections": {"get": {"operationId": "getCollections", **page["get"]}},
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "describeCollection",
                    "parameters": [collection_id, *page["get"]["parameters"]],
                    "responses": json_ok,
                }
            },
            "/collections/{collectionId}/queryables": {
                "get": {
                    "operationId": "getQueryables",
                    "parameters": [collection_id, *page["get"]["parameters"]],
                    "responses": json_ok,
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "getFeatures",
                    "parameters": [
                        collection_id,
                        f,
                        _param(
                            "limit",
                            "Features per page.",
                            {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100},
                        ),
                        _param("offset", "Features to skip.", {"type": "integer", "minimum": 0, "default": 0}),
                        _param(
                            "bbox",
                            "Lower corner, upper corner, in the axis order of bbox-crs.",
                            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                            style="form",
                            explode=False,
                        ),
                        _param(
                            "bbox-crs",
                            "CRS of bbox (CRS84 by default).",
                            {"type": "string", "format": "uri", "enum": crs_module.URIS},
                        ),
                        crs,
                        _param("filter", "A CQL2 filter over the collection's queryables.", {"type": "string"}),
                        _param(
                            "filter-lang",
                            "cql2-text (default) or cql2-json.",
                            {"type": "string", "enum": ["cql2-text", "cql2-json"]},
                        ),
                        _param(
                            "filter-crs",
                            "CRS of the geometry literals in filter.",
                            {"type": "string", "format": "uri", "enum": crs_module.URIS},
                        ),
                    ],
                    "responses": features_ok,
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "getFeature",
                    "parameters": [
                        collection_id,
                        _param("featureId", "A feature.", {"type": "string"}, "path", True),
                        f,
                        crs,
                    ],
                    "responses": features_ok,
                }
            },
        },
    }
