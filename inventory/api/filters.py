"""FilterSets of the API: the fields a user filters by, plus spatial filters (a box, a
polygon, a distance from a point) on the record's location."""

import datetime as dt
import math

import django_filters as filters
from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

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
    UnitLevel,
)
from inventory.filtersets import text_search
from inventory.models import (
    AdministrativeUnit,
    Agency,
    Asset,
    Declaration,
    HandlingRecord,
    Need,
    Premises,
)


def _numbers(value, count):
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n or abs(n) == float("inf") for n in numbers):
        raise ValidationError(_("Give %(n)s numbers separated by commas.") % {"n": count})
    return numbers


class BBoxField(forms.CharField):
    """west,south,east,north in degrees → a polygon (SRID 4326)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        w, s, e, n = _numbers(value, 4)
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise ValidationError(_("The box is outside longitude −180…180 and latitude −90…90, or empty."))
        box = Polygon.from_bbox((w, s, e, n))
        box.srid = 4326
        return box


class AreaField(forms.CharField):
    """A polygon as GeoJSON or WKT (EPSG:4326)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            geometry = GEOSGeometry(value, srid=4326)
        except (ValueError, TypeError, GEOSException, GDALException):
            raise ValidationError(_("The area is not a GeoJSON or WKT polygon.")) from None
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.empty or not geometry.valid:
            raise ValidationError(_("The area must be a valid polygon."))
        return geometry


class NearField(forms.CharField):
    """longitude,latitude,metres → (point, distance)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lon, lat, metres = _numbers(value, 3)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90 and 0 <= metres <= 1_000_000):
            raise ValidationError(_("Longitude −180…180, latitude −90…90, up to 1,000 km."))
        return Point(lon, lat, srid=4326), D(m=metres)


class DateTimeField(forms.DateTimeField):
    """ISO 8601 date-time, as UTC: an offset PostgreSQL does not take (beyond ±15:59)
    or a year out of range is refused here, not by the database."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        try:
            value = value.astimezone(dt.UTC) if value.tzinfo else value
        except OverflowError:
            raise ValidationError(_("The date is out of range.")) from None
        if not 1900 <= value.year <= 9999:
            raise ValidationError(_("The date is out of range."))
        return value


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = DateTimeField


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(filters.Filter):
    field_class = BBoxField


@extend_schema_field(OpenApiTypes.STR)
class AreaFilter(filters.Filter):
    field_class = AreaField


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(filters.Filter):
    field_class = NearField


class SpatialFilterSet(filters.FilterSet):
    """`bbox=west,south,east,north`, `within=<GeoJSON or WKT polygon>`,
    `near=lon,lat,metres` on `location_field` (SRID 4326)."""

    location_field = "location"

    bbox = BBoxFilter(method="filter_bbox", label=_("box: west,south,east,north (degrees)"))
    within = AreaFilter(method="filter_within", label=_("inside a polygon (GeoJSON or WKT, EPSG:4326)"))
    near = NearFilter(method="filter_near", label=_("within a distance: longitude,latitude,metres"))

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
    level = filters.ChoiceFilter(choices=UnitLevel.choices)
    code = filters.CharFilter()
    q = filters.CharFilter(method=text_search(["name"]), label=_("Search"))
    parent = filters.NumberFilter(field_name="parent_id")

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "code", "q", "parent"]


class AgencyFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=AgencyKind.choices)
    admin_unit = filters.NumberFilter(field_name="admin_unit_id")
    is_active = filters.BooleanFilter()
    q = filters.CharFilter(method=text_search(["code", "name"]), label=_("Search"))

    class Meta:
        model = Agency
        fields = ["kind", "admin_unit", "is_active", "q"]


class IdRangeFilterSet(filters.FilterSet):
    """`id_min`/`id_max`: a range of ids, e.g. to export or synchronise in slices."""

    id_min = filters.NumberFilter(field_name="id", lookup_expr="gte")
    id_max = filters.NumberFilter(field_name="id", lookup_expr="lte")


class PremisesFilterSet(SpatialFilterSet, IdRangeFilterSet):
    q = filters.CharFilter(method=text_search(["code", "name", "address"]), label=_("Search"))
    code = filters.CharFilter()
    status = filters.MultipleChoiceFilter(choices=PremisesStatus.choices)
    condition = filters.MultipleChoiceFilter(choices=Condition.choices)
    admin_unit = filters.NumberFilter(field_name="admin_unit_id")
    legacy_unit = filters.NumberFilter(field_name="legacy_unit_id")
    agency = filters.NumberFilter(field_name="agency_id")
    building_grade = filters.CharFilter()
    is_flooded = filters.BooleanFilter()
    has_landslide = filters.BooleanFilter()
    storm_damaged = filters.BooleanFilter()
    floor_area_min = filters.NumberFilter(field_name="floor_area", lookup_expr="gte")
    floor_area_max = filters.NumberFilter(field_name="floor_area", lookup_expr="lte")
    value_min = filters.NumberFilter(field_name="remaining_value", lookup_expr="gte")
    value_max = filters.NumberFilter(field_name="remaining_value", lookup_expr="lte")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Premises
        fields = []


class AssetFilterSet(SpatialFilterSet, IdRangeFilterSet):
    location_field = "premises__location"

    q = filters.CharFilter(method=text_search(["code", "name", "plate_number"]), label=_("Search"))
    code = filters.CharFilter()
    asset_class = filters.CharFilter(field_name="asset_class__code", label=_("asset class code"))
    category = filters.CharFilter(field_name="asset_class__category")
    status = filters.MultipleChoiceFilter(choices=AssetStatus.choices)
    condition = filters.MultipleChoiceFilter(choices=Condition.choices)
    premises = filters.NumberFilter(field_name="premises_id")
    agency = filters.NumberFilter(field_name="agency_id")
    cost_min = filters.NumberFilter(field_name="original_cost", lookup_expr="gte")
    cost_max = filters.NumberFilter(field_name="original_cost", lookup_expr="lte")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Asset
        fields = []


class DeclarationFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=DeclarationStatus.choices)
    kind = filters.ChoiceFilter(choices=DeclarationKind.choices)
    agency = filters.NumberFilter(field_name="agency_id")
    submitted_after = DateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = DateTimeFilter(field_name="submitted_at", lookup_expr="lte")

    class Meta:
        model = Declaration
        fields = []


class NeedFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=NeedKind.choices)
    status = filters.MultipleChoiceFilter(choices=NeedStatus.choices)
    agency = filters.NumberFilter(field_name="agency_id")
    priority_use = filters.CharFilter(field_name="priority_use__code")

    class Meta:
        model = Need
        fields = []


class HandlingRecordFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=HandlingStatus.choices)
    form = filters.CharFilter(field_name="form__code", label=_("form of handling code"))
    premises = filters.NumberFilter(field_name="premises_id")
    asset = filters.NumberFilter(field_name="asset_id")
    need = filters.NumberFilter(field_name="need_id")
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = HandlingRecord
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = HandlingRecord.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
