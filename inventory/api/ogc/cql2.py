"""CQL2 filters (OGC API – Features Part 3) as Django `Q` objects.

pygeofilter parses the text and JSON encodings into one syntax tree; this module walks the
tree over the collection's queryables only (a name not declared is refused, so a filter can
never reach a column the collection does not publish) and builds a `Q`, which the view
applies AFTER the user's scope (`visible_to`): a filter narrows what a user sees, never
widens it. Supported: basic CQL2 (comparisons, IS NULL, AND/OR/NOT, boolean literals),
advanced comparisons (LIKE, BETWEEN, IN), CASEI() and ACCENTI() (PostgreSQL unaccent:
`ACCENTI(name) = ACCENTI('Vinh')` finds "Vinh" and "Vính"; Vietnamese đ counts as d),
and the spatial predicates (S_INTERSECTS and the other DE-9IM ones) on the collection's
geometry. Geometry literals are in `filter-crs` (CRS84 by default), checked before any
geometry is built.
"""

import datetime as dt
import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.db.models import F, Q
from django.utils.translation import gettext as _
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_json
from pygeofilter.parsers.cql2_text import parse as parse_text

from inventory.api.ogc import crs as crs_module
from inventory.api.pagination import AMOUNT_MAX

TEXT, JSON = "cql2-text", "cql2-json"
MAX_FILTER_LENGTH = 20_000
MAX_NODES = 500
MAX_VERTICES = 10_000


class FilterError(ValueError):
    """The filter cannot be applied; the message is for the client (400)."""


@dataclass(frozen=True)
class Queryable:
    """A property a filter may name: its JSON-schema type and the ORM path it reads."""

    name: str
    type: str  # string, number, integer, boolean, date, geometry
    path: str = ""  # ORM path, the name when empty
    title: str = ""
    enum: tuple = ()
    format: str = ""  # for geometry: geometry-point...
    extra: dict = field(default_factory=dict)

    @property
    def lookup(self):
        return self.path or self.name

    def schema(self) -> dict:
        if self.type == "geometry":
            out = {"format": self.format or "geometry-any", "x-ogc-role": "primary-geometry"}
        elif self.type == "date":
            out = {"type": "string", "format": "date"}
        else:
            out = {"type": self.type}
        if self.title:
            out["title"] = self.title
        if self.enum:
            out["enum"] = list(self.enum)
        return out


def parse(text: str, lang: str | None):
    """The syntax tree of `text` in `lang` (cql2-text by default, /req/filter/filter-lang-default)."""
    lang = lang or TEXT
    if lang not in (TEXT, JSON):
        raise FilterError(_("filter-lang: use cql2-text or cql2-json."))
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(_("The filter is too long."))
    text = unicodedata.normalize("NFC", text)
    try:
        node = parse_json(json.loads(text)) if lang == JSON else parse_text(text)
    except FilterError:
        raise
    except RecursionError:
        raise FilterError(_("The filter is too long.")) from None
    except Exception:  # lark's and json's errors alike: the client's text is not CQL2
        raise FilterError(_("The filter is not valid %(lang)s.") % {"lang": lang}) from None
    if _count(node) > MAX_NODES:
        raise FilterError(_("The filter is too long."))
    return node


def _count(root) -> int:
    """Nodes of the tree, counted without recursion (a deep tree must not exhaust the stack)."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, ast.Node):
            stack.extend(node.get_sub_nodes())
        elif isinstance(node, list):
            stack.extend(node)
        if count > MAX_NODES:
            break
    return count


class Translator:
    """Walks one syntax tree into a `Q` over the queryables of one collection."""

    COMPARISONS = {
        ast.Equal: "exact",
        ast.LessThan: "lt",
        ast.LessEqual: "lte",
        ast.GreaterThan: "gt",
        ast.GreaterEqual: "gte",
    }
    SPATIAL = {
        ast.GeometryIntersects: "intersects",
        ast.GeometryDisjoint: "disjoint",
        ast.GeometryWithin: "within",
        ast.GeometryContains: "contains",
        ast.GeometryTouches: "touches",
        ast.GeometryCrosses: "crosses",
        ast.GeometryOverlaps: "overlaps",
        ast.GeometryEquals: "equals",
    }

    def __init__(self, queryables: list[Queryable], filter_crs: crs_module.Crs):
        self.queryables = {q.name: q for q in queryables}
        self.crs = filter_crs
        # Each kind of node and its translation, tried in this order.
        self.translations = [
            (ast.And, lambda node: self.q(node.lhs) & self.q(node.rhs)),
            (ast.Or, lambda node: self.q(node.lhs) | self.q(node.rhs)),
            (ast.Not, lambda node: ~self.q(node.sub_node)),
            (bool, self._boolean),  # a boolean literal as a whole predicate
            (ast.Include, self._include),
            (ast.NotEqual, self._not_equal),
            *((kind, functools.partial(self._compare, lookup=lookup)) for kind, lookup in self.COMPARISONS.items()),
            (ast.IsNull, self._is_null),
            (ast.Between, self._between),
            (ast.In, self._in),
            (ast.Like, self._like),
            *((kind, functools.partial(self._spatial_node, lookup=lookup)) for kind, lookup in self.SPATIAL.items()),
            (ast.BBox, self._bbox),
        ]

    def q(self, node) -> Q:
        for kind, translate in self.translations:
            if isinstance(node, kind):
                return translate(node)
        raise FilterError(_("This filter uses an operator the server does not support."))

    # -- predicates -----------------------------------------------------------------
    @staticmethod
    def _boolean(node: bool) -> Q:
        return Q() if node else Q(pk__in=[])

    @staticmethod
    def _include(node) -> Q:
        return Q(pk__in=[]) if node.not_ else Q()

    def _not_equal(self, node) -> Q:
        return ~self._comparison(node.lhs, node.rhs, "exact") & self._not_null(node.lhs, node.rhs)

    def _compare(self, node, lookup: str) -> Q:
        return self._comparison(node.lhs, node.rhs, lookup)

    def _is_null(self, node) -> Q:
        q = Q(**{f"{self._attribute(node.lhs).lookup}__isnull": True})
        return ~q if node.not_ else q

    def _between(self, node) -> Q:
        q = self._comparison(node.lhs, node.low, "gte") & self._comparison(node.lhs, node.high, "lte")
        return ~q & self._not_null(node.lhs) if node.not_ else q

    def _in(self, node) -> Q:
        q = Q()
        for value in node.sub_nodes:
            q |= self._comparison(node.lhs, value, "exact")
        return ~q & self._not_null(node.lhs) if node.not_ else q

    def _spatial_node(self, node, lookup: str) -> Q:
        return self._spatial(node.lhs, node.rhs, lookup)

    def _bbox(self, node) -> Q:
        box = values.Envelope(node.minx, node.maxx, node.miny, node.maxy)
        return self._spatial(node.lhs, box, "intersects")

    # -- comparisons ----------------------------------------------------------------
    def _unwrap(self, node):
        """(node, casei, accenti): CASEI() and ACCENTI() around a property or a literal."""
        casei = accenti = False
        # pygeofilter's text parser names CASEI `lower`; its JSON parser keeps `casei`.
        while isinstance(node, ast.Function) and node.name.lower() in ("casei", "lower", "accenti"):
            if len(node.arguments) != 1:
                raise FilterError(_("%(f)s takes one argument.") % {"f": node.name.upper()})
            casei |= node.name.lower() in ("casei", "lower")
            accenti |= node.name.lower() == "accenti"
            node = node.arguments[0]
        return node, casei, accenti

    def _attribute(self, node) -> Queryable:
        if not isinstance(node, ast.Attribute):
            raise FilterError(_("A predicate must name a queryable property."))
        try:
            return self.queryables[node.name]
        except KeyError:
            raise FilterError(
                _("%(name)s is not a queryable of this collection (see its queryables).") % {"name": node.name}
            ) from None

    def _not_null(self, *nodes) -> Q:
        q = Q()
        for node in nodes:
            node = self._unwrap(node)[0]
            if isinstance(node, ast.Attribute):
                q &= Q(**{f"{self._attribute(node).lookup}__isnull": False})
        return q

    def _comparison(self, lhs, rhs, lookup) -> Q:
        left, lcase, lacc = self._unwrap(lhs)
        right, rcase, racc = self._unwrap(rhs)
        if not isinstance(left, ast.Attribute) and isinstance(right, ast.Attribute):
            left, right = right, left  # 5 < floors → floors > 5
            lookup = {"lt": "gt", "gt": "lt", "lte": "gte", "gte": "lte"}.get(lookup, lookup)
        if (lcase or lacc) != (rcase or racc) or lcase != rcase or lacc != racc:
            raise FilterError(_("CASEI() and ACCENTI() must wrap both sides of a comparison."))
        prop = self._attribute(left)
        if prop.type == "geometry":
            raise FilterError(_("Compare geometries with the spatial functions (S_INTERSECTS...)."))
        path, lookup = self._text_path(prop, lookup, lcase, lacc)
        if isinstance(right, ast.Attribute):
            other = self._attribute(right)
            if other.type != prop.type:
                raise FilterError(_("%(a)s and %(b)s are not of the same type.") % {"a": prop.name, "b": other.name})
            return Q(**{f"{path}__{lookup}": F(other.lookup)})
        value = self._literal(prop, right)
        if lcase and lookup not in ("iexact",):
            value = value.upper()
        return Q(**{f"{path}__{lookup}": value})

    @staticmethod
    def _text_path(prop: Queryable, lookup: str, casei: bool, accenti: bool) -> tuple[str, str]:
        """The path and lookup of a property compared under CASEI() and/or ACCENTI()."""
        path = prop.lookup
        if not (accenti or casei):
            return path, lookup
        if prop.type != "string":
            raise FilterError(_("CASEI() and ACCENTI() apply to text."))
        if accenti:
            path += "__unaccent"
        if casei:
            lookup = {"exact": "iexact"}.get(lookup, lookup)
            if lookup != "iexact":
                path += "__upper"  # order comparisons case-insensitively
        return path, lookup

    def _literal(self, prop: Queryable, value):
        if isinstance(value, (ast.Node, values.Geometry, values.Envelope)):
            raise FilterError(_("%(name)s must be compared with a literal value.") % {"name": prop.name})
        literal = self.LITERALS.get(prop.type)
        if literal is None:
            raise FilterError(_("%(name)s cannot be compared.") % {"name": prop.name})
        return literal(prop, value)

    @staticmethod
    def _string(prop: Queryable, value):
        if not isinstance(value, str):
            raise FilterError(_("%(name)s is text: compare it with a quoted string.") % {"name": prop.name})
        if "\x00" in value:
            raise FilterError(_("The filter holds a character that is not allowed."))
        if prop.enum and value not in prop.enum:
            raise FilterError(
                _("%(name)s takes one of: %(values)s.") % {"name": prop.name, "values": ", ".join(prop.enum)}
            )
        return unicodedata.normalize("NFC", value)

    @staticmethod
    def _number(prop: Queryable, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FilterError(_("%(name)s is a number: compare it with a number.") % {"name": prop.name})
        if not math.isfinite(value) or abs(value) > AMOUNT_MAX:
            raise FilterError(_("%(name)s: the number is out of range.") % {"name": prop.name})
        return value

    @staticmethod
    def _true_or_false(prop: Queryable, value):
        if not isinstance(value, bool):
            raise FilterError(_("%(name)s is true or false.") % {"name": prop.name})
        return value

    @staticmethod
    def _date(prop: Queryable, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise FilterError(_("%(name)s is a date: compare it with DATE('YYYY-MM-DD').") % {"name": prop.name})

    # A literal compared with a property, by the property's type.
    LITERALS = {
        "string": _string,
        "number": _number,
        "integer": _number,
        "boolean": _true_or_false,
        "date": _date,
    }

    def _like(self, node) -> Q:
        left, casei, accenti = self._unwrap(node.lhs)
        pattern, pcase, pacc = self._unwrap(node.pattern)
        prop = self._attribute(left)
        if prop.type != "string" or not isinstance(pattern, str):
            raise FilterError(_("LIKE compares a text property with a quoted pattern."))
        casei |= node.nocase or pcase
        accenti |= pacc
        # The pattern becomes a regular expression: CQL2's % any run, _ one character,
        # backslash escapes the next; everything else literal (pygeofilter's text parser
        # would take `.` for one character, as ECQL does).
        regex, escape = "^", False
        for char in unicodedata.normalize("NFC", pattern):
            if escape:
                regex += re.escape(char)
                escape = False
            elif char == "\\":
                escape = True
            elif char == "%":
                regex += ".*"
            elif char == "_":
                regex += "."
            else:
                regex += re.escape(char)
        regex += "$"
        path = prop.lookup + ("__unaccent" if accenti else "")
        q = Q(**{f"{path}__{'iregex' if casei else 'regex'}": regex})
        return ~q & Q(**{f"{prop.lookup}__isnull": False}) if node.not_ else q

    # -- spatial --------------------------------------------------------------------
    def _spatial(self, lhs, rhs, lookup) -> Q:
        if not isinstance(lhs, ast.Attribute) and isinstance(rhs, ast.Attribute):
            lhs, rhs = rhs, lhs
            lookup = {"within": "contains", "contains": "within"}.get(lookup, lookup)
        prop = self._attribute(lhs)
        if prop.type != "geometry":
            raise FilterError(_("%(name)s is not a geometry.") % {"name": prop.name})
        geometry = self.geometry(rhs)
        return Q(**{f"{prop.lookup}__{lookup}": geometry})

    def geometry(self, literal) -> GEOSGeometry:
        """A geometry literal (GeoJSON-like or an envelope) in `filter-crs`, as WGS 84."""
        if isinstance(literal, values.Envelope):
            pairs = [(literal.x1, literal.y1), (literal.x2, literal.y2)]
            _numbers(pairs)
            crs_module.check_xy(self.crs, pairs)
            box = Polygon.from_bbox((literal.x1, literal.y1, literal.x2, literal.y2))
            return crs_module.to_storage(box, self.crs)
        if not isinstance(literal, values.Geometry):
            raise FilterError(_("A spatial function compares the geometry with a geometry literal."))
        data = literal.geometry
        if data.get("type") not in (
            "Point",
            "MultiPoint",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
        ):
            raise FilterError(_("The geometry literal is not a point, line or polygon."))
        pairs = list(_pairs(data.get("coordinates")))
        if len(pairs) > MAX_VERTICES:
            raise FilterError(_("The geometry literal has too many vertices."))
        _numbers(pairs)
        crs_module.check_xy(self.crs, pairs)  # before GEOS sees it
        try:
            geometry = GEOSGeometry(json.dumps({"type": data["type"], "coordinates": data["coordinates"]}))
        except (GEOSException, ValueError, TypeError):
            raise FilterError(_("The geometry literal is not valid.")) from None
        if geometry.empty or not geometry.valid:
            raise FilterError(_("The geometry literal is not valid."))
        return crs_module.to_storage(geometry, self.crs)


def _pairs(coordinates):
    if not isinstance(coordinates, (list, tuple)) or not coordinates:
        raise FilterError(_("The geometry literal is not valid."))
    if all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates):
        if len(coordinates) not in (2, 3):
            raise FilterError(_("The geometry literal is not valid."))
        yield (coordinates[0], coordinates[1])
        return
    for part in coordinates:
        yield from _pairs(part)


def _numbers(pairs):
    for x, y in pairs:
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (x, y)):
            raise FilterError(_("A coordinate is not a finite number."))


def to_q(text: str, lang: str | None, queryables: list[Queryable], filter_crs: crs_module.Crs) -> Q:
    """The `Q` of a `filter` parameter (/req/filter/filter-param)."""
    try:
        return Translator(queryables, filter_crs).q(parse(text, lang))
    except RecursionError:
        raise FilterError(_("The filter is too long.")) from None
