"""The form fields and filters the FilterSets (`inventory.filtersets`) are made of: strict
values as the API documents them (a parameter sent must hold a value of its shape), the
spatial shapes (a box, a polygon, a distance from a point), records referred to by their
code, and yes/no as a select an HTML form shows."""

import datetime as dt
import math
import re
import zoneinfo

import django_filters as filters
from django import forms
from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField, ModelChoiceField
from drf_spectacular.utils import extend_schema_field

from inventory.api.pagination import AMOUNT_MAX, BIGINT_MAX
from inventory.geodata import check_lonlat

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
    """ISO 8601 date-time, as UTC; a date alone (YYYY-MM-DD, what a form's date box sends)
    is that whole day in Viet Nam: from its first moment, or with `end_of_day` up to its
    last. A moment before year 1 or after 9999 in UTC (a far offset on 0001-01-01 or
    9999-12-31) is the first or last moment Python holds: every record lies between them,
    so the filter means the same."""

    def __init__(self, *args, end_of_day=False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not _given(value):
            return None
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            day = forms.DateField().clean(value.strip())
            moment = dt.datetime.combine(day, dt.time.max if self.end_of_day else dt.time.min)
            value = moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        else:
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


class QuickSelect(forms.Select):
    """A select whose options are written in Python: the elements, values, labels and
    attributes Django's templates write (attributes in flatatt's order). A province's
    reviewer picks among hundreds of agencies and former communes, and one template
    render per option made a list page take 0.6 s to render."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (("" if o["value"] is None else str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
        body = format_html_join("", "{}", ((group,) for group in groups))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), body)


class BooleanSelect(QuickSelect):
    """Yes, no or either, as a select whose values are what the API takes (`true`,
    `false`, nothing), passed on as sent so that anything else can be refused."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=(("", "---------"), ("true", _("Yes")), ("false", _("No"))))

    def format_value(self, value):
        return [{True: "true", False: "false"}.get(value, "" if value is None else str(value))]


class StrictBooleanField(forms.Field):
    """`true` or `false`; anything else is refused rather than read as "no filter"."""

    widget = BooleanSelect
    VALUES = {"true": True, "false": False}

    def clean(self, value):
        if not _given(value):
            return None
        if str(value).lower() not in self.VALUES:
            raise ValidationError(_("Write true or false."))
        return self.VALUES[str(value).lower()]


class CodeField(ModelChoiceField):
    """One record of the field's queryset (what the user may pick) by its code: anything
    else — an unknown code, a record out of the user's reach — is refused."""

    widget = QuickSelect

    def clean(self, value):
        if not _given(value):
            return None
        if "\x00" in str(value):
            raise ValidationError(_("Null characters are not allowed."))
        return super().clean(value)

    def label_from_instance(self, obj):
        return getattr(obj, "name_with_district", None) or str(obj)


def circle_box(point, distance):
    """A box (SRID 4326) holding the circle of `distance` around `point`, for an index."""
    dlat = distance.m / 111_000 + 1e-6
    dlon = distance.m / (111_000 * max(0.01, math.cos(math.radians(point.y)))) + 1e-6
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = 4326
    return box


class GivenChoiceField(ChoiceField):
    """A choice whose select offers an empty first option (no filter), as django-filter's own."""

    widget = QuickSelect

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


@extend_schema_field({"type": "string"})
class CodeFilter(filters.ModelChoiceFilter):
    """A record by its code (`to_field_name="code"`), among `queryset` (a callable of the
    request where it depends on the user). A form shows it as a select of what the user
    may pick, or as a text box (`widget=forms.TextInput`) where there are too many."""

    field_class = CodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)
