"""FilterSets of the API: the fields a user filters by, plus spatial filters (a box, a
polygon, a distance from a point) on the record's location."""

import datetime as dt
import math
import re

import django_filters as filters
from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from inventory.api.pagination import AMOUNT_MAX, BIGINT_MAX
from inventory.choices import (
    AgencyKind,
    AssetStatus,
    Condition,
    DeclarationKind,
    DeclarationStatus,
    HandlingStatus,
    NeedKind,
    NeedStatus,
    PremisesStatus,
    RequestStatus,
    UnitLevel,
)
from inventory.filtersets import text_search
from inventory.geodata import check_lonlat
from inventory.models import (
    AdministrativeUnit,
    Agency,
    Asset,
    Decision,
    Declaration,
    HandlingRecord,
    HandlingRequest,
    Need,
    Premises,
)
from inventory.querysets import book_differs

# What the spatial filters take, as the schema states it and the filters check it: plain
# decimal numbers, a longitude within ±180 and a latitude within ±90 by their digits (so
# nothing huge or NaN reaches GEOS), a distance up to 1,000,000 m.
LON = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"
LAT = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
METRES = r"(1000000(\.0+)?|[0-9]{1,6}(\.[0-9]+)?)"
BBOX_PATTERN = rf"^{LON},{LAT},{LON},{LAT}$"
NEAR_PATTERN = rf"^{LON},{LAT},{METRES}$"
_WKT_RING = rf"\({LON} {LAT}(, ?{LON} {LAT}){{3,}}\)"
_JSON_RING = rf"\[\[{LON}, ?{LAT}\](, ?\[{LON}, ?{LAT}\]){{3,}}\]"
WITHIN_PATTERN = (
    rf"^(POLYGON ?\({_WKT_RING}(, ?{_WKT_RING})*\)"
    rf'|\{{"type": ?"Polygon", ?"coordinates": ?\[{_JSON_RING}(, ?{_JSON_RING})*\]\}})$'
)


def _shaped(value, pattern, message):
    """`value` if it has the documented shape; a refusal naming the shape otherwise."""
    if not re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value):
        raise ValidationError(message)
    return value


def _numbers(value, pattern, count, out_of_range):
    """The `count` numbers of `value` if it matches `pattern`; otherwise a refusal saying
    either how many numbers to give or, when they are numbers, their range."""
    parts = value.split(",")
    if len(parts) != count or not all(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", p) for p in parts):
        raise ValidationError(_("Give %(n)s numbers separated by commas.") % {"n": count})
    _shaped(value, pattern, out_of_range)
    return [float(p) for p in parts]


class BBoxField(forms.CharField):
    """west,south,east,north in degrees → a polygon (SRID 4326)."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        message = _("The box is outside longitude −180…180 and latitude −90…90, or empty.")
        w, s, e, n = _numbers(value, BBOX_PATTERN, 4, message)
        if not (w < e and s < n):
            raise ValidationError(message)
        box = Polygon.from_bbox((w, s, e, n))  # only from numbers checked above
        box.srid = 4326
        return box


class AreaField(forms.CharField):
    """A polygon as GeoJSON or WKT (EPSG:4326)."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        _shaped(value, WITHIN_PATTERN, _("The area is not a GeoJSON or WKT polygon."))
        try:
            geometry = GEOSGeometry(value, srid=4326)
        except (ValueError, TypeError, GEOSException, GDALException):
            raise ValidationError(_("The area is not a GeoJSON or WKT polygon.")) from None
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.empty:
            raise ValidationError(_("The area must be a valid polygon."))
        check_lonlat(geometry)  # before anything else looks at it (`.valid` included)
        if not geometry.valid:
            raise ValidationError(_("The area must be a valid polygon."))
        return geometry


class NearField(forms.CharField):
    """longitude,latitude,metres → (point, distance)."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        lon, lat, metres = _numbers(value, NEAR_PATTERN, 3, _("Longitude −180…180, latitude −90…90, up to 1,000 km."))
        return Point(lon, lat, srid=4326), D(m=metres)


def _given(value) -> bool:
    """Whether the parameter was sent; one sent must have a value: `?x=` is refused,
    not read as "no filter" (the schema says what a value looks like)."""
    if value is None:
        return False
    if isinstance(value, str) and not value.strip():
        raise ValidationError(_("Give a value or leave the parameter out."), code="empty")
    return True


class DateTimeField(forms.DateTimeField):
    """ISO 8601 date-time, as UTC. A moment before year 1 or after 9999 in UTC (a
    far offset on 0001-01-01 or 9999-12-31) is the first or last moment Python
    holds: every record lies between them, so the filter means the same."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        if value.tzinfo is None:
            value = timezone.make_aware(value, dt.UTC)
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            edge = dt.datetime.min if value.year == 1 else dt.datetime.max
            return edge.replace(tzinfo=dt.UTC)


class IdField(forms.CharField):
    """The id of a record: a whole number within PostgreSQL's bigint."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        if not re.fullmatch(r"[0-9]{1,19}", value) or not 1 <= int(value) <= BIGINT_MAX:
            raise ValidationError(_("A whole number from 1 to %(max)s.") % {"max": BIGINT_MAX})
        return int(value)


class AmountField(forms.DecimalField):
    """An area or an amount of money: a finite number within ±10^15."""

    def clean(self, value):
        if not _given(value):
            return None
        value = super().clean(value)
        if not -AMOUNT_MAX <= value <= AMOUNT_MAX:
            raise ValidationError(_("A number from −%(max)s to %(max)s.") % {"max": AMOUNT_MAX})
        return value


class StrictBooleanField(forms.Field):
    """`true` or `false`; anything else is refused rather than read as "no filter"."""

    VALUES = {"true": True, "false": False}

    def clean(self, value):
        if not _given(value):
            return None
        if str(value).lower() not in self.VALUES:
            raise ValidationError(_("Write true or false."))
        return self.VALUES[str(value).lower()]


class GivenChoiceField(forms.ChoiceField):
    def clean(self, value):
        return super().clean(value) if _given(value) else None


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = DateTimeField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(filters.Filter):
    field_class = IdField


@extend_schema_field({"type": "number", "minimum": -AMOUNT_MAX, "maximum": AMOUNT_MAX})
class AmountFilter(filters.NumberFilter):
    field_class = AmountField


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class ChoiceFilter(filters.ChoiceFilter):
    field_class = GivenChoiceField


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN, "example": "105.5,18.5,105.8,18.8"})
class BBoxFilter(filters.Filter):
    field_class = BBoxField


@extend_schema_field(
    {
        "type": "string",
        "pattern": WITHIN_PATTERN,
        "example": '{"type":"Polygon","coordinates":[[[105.5,18.5],[105.8,18.5],[105.8,18.8],[105.5,18.5]]]}',
    }
)
class AreaFilter(filters.Filter):
    field_class = AreaField


@extend_schema_field({"type": "string", "pattern": NEAR_PATTERN, "example": "105.68,18.67,3000"})
class NearFilter(filters.Filter):
    field_class = NearField


class SpatialFilterSet(filters.FilterSet):
    """`bbox=west,south,east,north`, `within=<GeoJSON or WKT polygon>`,
    `near=lon,lat,metres` on `location_field` (SRID 4326)."""

    location_field = "location"

    bbox = BBoxFilter(
        method="filter_bbox",
        label="in a box: west,south,east,north (degrees, EPSG:4326; west < east, south < north)",
    )
    within = AreaFilter(
        method="filter_within",
        label="inside a polygon, EPSG:4326: WKT `POLYGON((lon lat, …))` or GeoJSON "
        '`{"type":"Polygon","coordinates":[[[lon,lat],…]]}` (closed rings, holes allowed, not self-intersecting)',
    )
    near = NearFilter(
        method="filter_near",
        label="within a distance: longitude,latitude,metres (degrees, EPSG:4326; up to 1,000,000 m, on the sphere)",
    )

    def filter_bbox(self, queryset, name, value):
        return queryset.filter(**{f"{self.location_field}__bboverlaps": value})

    def filter_within(self, queryset, name, value):
        return queryset.filter(**{f"{self.location_field}__intersects": value})

    def filter_near(self, queryset, name, value):
        """Exact distance on the sphere, after an index-backed box that holds the circle."""
        point, distance = value
        dlat = distance.m / 111_000 + 1e-6
        dlon = distance.m / (111_000 * max(0.01, math.cos(math.radians(point.y)))) + 1e-6
        box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
        box.srid = 4326
        return queryset.filter(
            **{f"{self.location_field}__bboverlaps": box, f"{self.location_field}__distance_lte": (point, distance)}
        )


class AdministrativeUnitFilterSet(filters.FilterSet):
    level = ChoiceFilter(choices=UnitLevel.choices, label="level: the province, a commune since 2025, a former unit")
    code = filters.CharFilter(label="exact code (mã đơn vị hành chính)")
    q = filters.CharFilter(method=text_search(["name"]), label="words in the name, with or without diacritics")
    parent = IdFilter(field_name="parent_id", label="id of the parent unit")

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "code", "q", "parent"]


class AgencyFilterSet(filters.FilterSet):
    kind = ChoiceFilter(choices=AgencyKind.choices, label="kind of agency")
    admin_unit = IdFilter(field_name="admin_unit_id", label="id of the administrative unit")
    is_active = BooleanFilter(label="still in existence (true) or merged away (false)")
    q = filters.CharFilter(method=text_search(["code", "name"]), label="words in the code or name")

    class Meta:
        model = Agency
        fields = ["kind", "admin_unit", "is_active", "q"]


class IdRangeFilterSet(filters.FilterSet):
    """`id_min`/`id_max`: a range of ids, e.g. to export or synchronise in slices."""

    id_min = IdFilter(field_name="id", lookup_expr="gte", label="ids from this one")
    id_max = IdFilter(field_name="id", lookup_expr="lte", label="ids up to this one")


class BookValueFilterSet(filters.FilterSet):
    """`book_differs`: the book remaining value differs from the recomputed check beyond
    `BOOK_CHECK_TOLERANCE_VND` (true) or not (false), for review by Finance."""

    book_differs = BooleanFilter(method="filter_book_differs", label="book value differs from the check")

    def filter_book_differs(self, queryset, name, value):
        return book_differs(queryset, value)


class PremisesFilterSet(BookValueFilterSet, SpatialFilterSet, IdRangeFilterSet):
    q = filters.CharFilter(method=text_search(["code", "name", "address"]), label="words in the code, name or address")
    code = filters.CharFilter(label="exact code")
    status = filters.MultipleChoiceFilter(choices=PremisesStatus.choices, label="status (repeat for several)")
    condition = filters.MultipleChoiceFilter(choices=Condition.choices, label="condition (repeat for several)")
    admin_unit = IdFilter(field_name="admin_unit_id", label="id of the commune since 2025")
    legacy_unit = IdFilter(field_name="legacy_unit_id", label="id of the former commune or district")
    agency = IdFilter(field_name="agency_id", label="id of the managing agency")
    building_grade = filters.CharFilter(label="building grade (cấp công trình)")
    is_flooded = BooleanFilter(label="in a flood-prone area")
    has_landslide = BooleanFilter(label="at risk of landslide")
    storm_damaged = BooleanFilter(label="damaged by storms")
    floor_area_min = AmountFilter(field_name="floor_area", lookup_expr="gte", label="floor area from (m²)")
    floor_area_max = AmountFilter(field_name="floor_area", lookup_expr="lte", label="floor area up to (m²)")
    value_min = AmountFilter(field_name="remaining_value", lookup_expr="gte", label="remaining value from (VND)")
    value_max = AmountFilter(field_name="remaining_value", lookup_expr="lte", label="remaining value up to (VND)")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte", label="changed at or after (ISO 8601)")

    class Meta:
        model = Premises
        fields = []


class AssetFilterSet(BookValueFilterSet, SpatialFilterSet, IdRangeFilterSet):
    location_field = "premises__location"

    q = filters.CharFilter(
        method=text_search(["code", "name", "plate_number"]), label="words in the code, name or plate number"
    )
    code = filters.CharFilter(label="exact code")
    group_code = filters.CharFilter(label="group code: the assets declared in one row or split from one line")
    is_fixed_asset = BooleanFilter(label="fixed assets (true) or tool and instrument lines (false)")
    asset_class = filters.CharFilter(field_name="asset_class__code", label="asset class code")
    category = filters.CharFilter(field_name="asset_class__category", label="asset category (e.g. car)")
    status = filters.MultipleChoiceFilter(choices=AssetStatus.choices, label="status (repeat for several)")
    condition = filters.MultipleChoiceFilter(choices=Condition.choices, label="condition (repeat for several)")
    premises = IdFilter(field_name="premises_id", label="id of the premises where it is kept")
    agency = IdFilter(field_name="agency_id", label="id of the managing agency")
    cost_min = AmountFilter(field_name="original_cost", lookup_expr="gte", label="original cost from (VND)")
    cost_max = AmountFilter(field_name="original_cost", lookup_expr="lte", label="original cost up to (VND)")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte", label="changed at or after (ISO 8601)")

    class Meta:
        model = Asset
        fields = []


class DeclarationFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=DeclarationStatus.choices, label="status (repeat for several)")
    kind = ChoiceFilter(choices=DeclarationKind.choices, label="kind of declaration")
    agency = IdFilter(field_name="agency_id", label="id of the declaring agency")
    submitted_after = DateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", label="submitted at or after (ISO 8601)"
    )
    submitted_before = DateTimeFilter(
        field_name="submitted_at", lookup_expr="lte", label="submitted at or before (ISO 8601)"
    )

    class Meta:
        model = Declaration
        fields = []


class NeedFilterSet(filters.FilterSet):
    kind = ChoiceFilter(choices=NeedKind.choices, label="floor area or asset items")
    status = filters.MultipleChoiceFilter(choices=NeedStatus.choices, label="status (repeat for several)")
    agency = IdFilter(field_name="agency_id", label="id of the agency in need")
    priority_use = filters.CharFilter(field_name="priority_use__code", label="code of the priority use")

    class Meta:
        model = Need
        fields = []


class HandlingRequestFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=RequestStatus.choices, label="status (repeat for several)")
    agency = IdFilter(field_name="agency_id", label="id of the holding agency")

    class Meta:
        model = HandlingRequest
        fields = []


class DecisionFilterSet(filters.FilterSet):
    number = filters.CharFilter(field_name="number", label="decision number")
    request = IdFilter(field_name="request_id", label="id of the request decided")
    authority = filters.CharFilter(field_name="authority__code", label="code of the decision authority")

    class Meta:
        model = Decision
        fields = []


class HandlingRecordFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=HandlingStatus.choices, label="status (repeat for several)")
    form = filters.CharFilter(field_name="form__code", label="form of handling code")
    premises = IdFilter(field_name="premises_id", label="id of the premises handled")
    asset = IdFilter(field_name="asset_id", label="id of the asset line handled")
    need = IdFilter(field_name="need_id", label="id of the need it serves")
    overdue = BooleanFilter(method="filter_overdue", label="past its deadline and not done")

    class Meta:
        model = HandlingRecord
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = HandlingRecord.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
