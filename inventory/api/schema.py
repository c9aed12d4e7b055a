"""The OpenAPI description of every API operation, completed in one place: the error
statuses each can answer (with their JSON bodies), what the non-JSON formats carry, a
description for every filter (its help text, else its label), and free text that may not hold NUL (which
the API refuses). Set as the schema class of every API view (`ApiView`)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from inventory.srs import SRS_LABELS

ERROR = {
    "type": "object",
    "description": "`detail`, or the names of the parameters or fields with what is wrong with each.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
STALE = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "current_version": {"type": "integer"}},
    "required": ["detail", "current_version"],
}
STATUS_TEXT = {
    400: "A parameter or field is wrong; the body names it.",
    401: "No credentials, or a revoked token (`WWW-Authenticate: Token`).",
    403: "The user's role may not do this.",
    404: "No such record in the user's scope, or an unknown format.",
    409: "The record's state does not allow this step (already submitted, not waiting for review, a status "
    "that cannot follow); the body says why.",
    412: "`If-Match` names an older version of the record; the body gives the current one.",
    429: "Too many requests for this user (`API_RATE`); `Retry-After` says when to come back.",
}
PATH_TEXT = {"id": "The record's id (a whole number); any other value, or a record outside your scope, is a 404."}
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
        "numberReturned": {"type": "integer"},
        "links": {"type": "array", "items": {"type": "object"}},
    },
}
NO_NUL = "^[^\\u0000]*$"
# A required text field: DRF trims it, so it must hold something besides spaces (and no NUL).
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _description(filter_field) -> str | None:
    """What the API's documentation says of a filter: its `help_text` (written for
    programs), else its label (written for the HTML form)."""
    if filter_field is None:
        return None
    text = filter_field.extra.get("help_text") or filter_field.label
    return str(text) if text else None


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus what every operation of this API shares."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._describe_filters(operation)
        return operation

    def get_override_parameters(self):
        """`srs` on every spatial list: the system of the exported coordinates."""
        parameters = list(super().get_override_parameters())
        if getattr(self.view, "geometry", None) and getattr(self.view, "action", None) == "list":
            parameters.append(
                OpenApiParameter(
                    "srs",
                    int,
                    enum=list(SRS_LABELS),
                    description=(
                        "Coordinate system of the coordinates in CSV, XLSX and GeoJSON: 4326 (WGS 84, default), "
                        "9208 (VN-2000 TM-3 104°45′, Nghệ An) or 3405 (VN-2000 UTM 48N). In VN-2000 the CSV/XLSX "
                        "columns are X (northing) and Y (easting) in metres; GeoJSON names its system in `crs`."
                    ),
                )
            )
        return parameters

    def _describe_filters(self, operation):
        filterset = getattr(self.view, "filterset_class", None)
        declared = filterset.base_filters if filterset else {}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and not parameter.get("description"):
                parameter["description"] = PATH_TEXT.get(parameter["name"], parameter["name"])
            if parameter["in"] != "query":
                continue
            label = _description(declared.get(parameter["name"]))
            if label and not parameter.get("description", "").startswith(label):
                parameter["description"] = f"{label}\n\n{parameter.get('description', '')}".strip()
            schema = parameter.get("schema", {})
            for item in (schema, schema.get("items", {})):
                if item.get("type") == "string" and not ({"enum", "format", "pattern"} & set(item)):
                    item["pattern"] = NO_NUL

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """Text fields of a request say what DRF accepts: no NUL, and something besides
        spaces unless blank is allowed."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        plain = schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema))
        if direction == "request" and isinstance(field, serializers.CharField) and plain:
            schema["pattern"] = NO_NUL if field.allow_blank or not field.trim_whitespace else NOT_BLANK
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ok = responses.get("200", {}).get("content", {})
        if "application/geo+json" in ok:
            ok["application/geo+json"] = {"schema": FEATURE_COLLECTION}
        if "text/csv" in ok:
            ok["text/csv"] = {"schema": {"type": "string"}}
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if xlsx in ok:
            ok[xlsx] = {"schema": {"type": "string", "format": "binary"}}
        for code in self.error_statuses():
            body = STALE if code == 412 else ERROR
            responses.setdefault(
                str(code), {"content": {"application/json": {"schema": body}}, "description": STATUS_TEXT[code]}
            )
        return responses

    def error_statuses(self) -> list[int]:
        """What this operation can answer besides success, from its shape: every call
        needs a login and is throttled; parameters and bodies can be wrong; a record
        in the path or a format can be missing; writes depend on the role and version."""
        method = self.method.upper()
        write = method not in ("GET", "HEAD", "OPTIONS")
        parameters = [p for p in self._get_parameters() if p["in"] == "query"]
        codes = [401, 429]
        if write or [p for p in parameters if p["name"] != "format"]:
            codes.append(400)
        if write or getattr(self.view, "refuses_some_roles", False):
            codes.append(403)
        if "{" in self.path or any(p["name"] == "format" for p in parameters):
            codes.append(404)
        if write:
            codes += [409, 412]
        return sorted(codes)
