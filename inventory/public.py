"""The public register of surplus sites (/cong-khai/): what the public may read.

Every public output — the list page, the map, a site's page, CSV and GeoJSON — is built
from the allow-lists below and nothing else: a row is read with `.values()` of named
columns and copied key by key, never from a model serialiser or a model instance, so a
new column of a model (a note, a person, a phone) never reaches the public by itself.
"""

from urllib.parse import quote

import django_filters as filters
from django import forms
from django.contrib.gis.db.models.functions import Transform
from django.db.models import F, FloatField, Func, OuterRef, Subquery
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from inventory.choices import (
    PUBLISHABLE_PREMISES_STATUSES,
    AgencyKind,
    BuildingGrade,
    Condition,
    HandlingStatus,
    InterestStatus,
    PremisesStatus,
    SitePlanStatus,
    SitePlanUse,
)
from inventory.models import (
    AdministrativeUnit,
    HandlingRecord,
    InterestRegistration,
    Premises,
    PriorityUse,
    PublicListing,
    SitePlan,
)
from inventory.srs import WGS84, coordinate_columns, coordinate_values

# The one allow-list of each public output (field names of `public_row`).
LIST_FIELDS = (
    "code",
    "name",
    "commune",
    "former_commune",
    "status",
    "condition",
    "land_area",
    "floor_area",
    "surplus_floor_area",
    "handling_stage",
    "decision_number",
    "decision_date",
    "intended_use",
)
CSV_FIELDS = (*LIST_FIELDS, "url", "longitude", "latitude")
GEOJSON_FIELDS = (*LIST_FIELDS, "url")
PAGE_FIELDS = (*LIST_FIELDS, "address", "building_grade", "floors", "year_built", "summary")

# Column labels, for the CSV heading and the site page.
LABELS = {
    "code": _("code"),
    "name": _("name"),
    "commune": _("commune (since 2025)"),
    "former_commune": _("former commune"),
    "status": _("status"),
    "condition": _("condition"),
    "land_area": _("land area (m²)"),
    "floor_area": _("total floor area (m²)"),
    "surplus_floor_area": _("surplus floor area (m²)"),
    "handling_stage": _("handling stage"),
    "decision_number": _("decision number"),
    "decision_date": _("decision date"),
    "intended_use": _("intended use"),
    "url": _("address of the page"),
    "address": _("address"),
    "building_grade": _("building grade"),
    "floors": _("floors"),
    "year_built": _("year built"),
    "summary": _("public summary"),
    "longitude": _("longitude"),
    "latitude": _("latitude"),
}
# Choice fields shown by their label.
CHOICES = {
    "status": PremisesStatus,
    "condition": Condition,
    "handling_stage": HandlingStatus,
    "building_grade": BuildingGrade,
}


def _latest_handling():
    """The site's latest handling record that is not cancelled."""
    return (
        HandlingRecord.objects.filter(premises=OuterRef("pk"))
        .exclude(status=HandlingStatus.CANCELLED)
        .order_by("-created_at", "-pk")
    )


def _approved_plan():
    return SitePlan.objects.filter(premises=OuterRef("pk"), status=SitePlanStatus.APPROVED)


def published_sites():
    """Live sites in a publishable status whose listing is not withdrawn, with the
    columns the allow-lists name (annotated here, read with `.values()`)."""
    listings = PublicListing.objects.published().values("premises_id")
    return (
        Premises.objects.filter(pk__in=listings)
        .annotate(
            commune=F("admin_unit__name"),
            former_commune=F("legacy_unit__name"),
            summary=F("public_listing__summary"),
            handling_stage=Subquery(_latest_handling().values("status")[:1]),
            decision_number=Subquery(_latest_handling().exclude(decision_number="").values("decision_number")[:1]),
            decision_date=Subquery(_latest_handling().exclude(decision_date=None).values("decision_date")[:1]),
            plan_use=Subquery(_approved_plan().values("use")[:1]),
            plan_priority_use=Subquery(_approved_plan().values("priority_use__name")[:1]),
            plan_priority_code=Subquery(_approved_plan().values("priority_use__code")[:1]),
        )
        .order_by("code")
    )


# What `.values()` reads for the rows: the allow-listed columns that are columns or
# annotations, and what `intended_use` and `url` are made from.
_SOURCE = tuple(
    dict.fromkeys([f for f in PAGE_FIELDS if f not in ("intended_use",)] + ["pk", "plan_use", "plan_priority_use"])
)


def _labels() -> dict[str, dict]:
    """The labels of the choice fields in the active language, once per output (not per row)."""
    return {field: {c.value: str(c.label) for c in choices} for field, choices in CHOICES.items()}


def csv_fields(srid: int = WGS84) -> tuple[str, ...]:
    """The CSV allow-list with its coordinate columns in `srid` (X northing / Y easting
    in VN-2000, see `inventory.srs.coordinate_columns`)."""
    return (*CSV_FIELDS[:-2], *coordinate_columns(srid))


def public_rows(queryset, fields: tuple[str, ...], request=None, srid: int = WGS84):
    """Dicts with exactly the keys `fields` (an allow-list above, or `csv_fields(srid)`),
    in that order; coordinate columns are the location's in `srid` (computed by PostGIS)."""
    columns = coordinate_columns(srid)
    coordinates = [f for f in fields if f in columns]
    source_fields = _SOURCE
    if coordinates:
        point = Transform("location", srid) if srid != WGS84 else F("location")
        queryset = queryset.annotate(
            _x=Func(point, function="ST_X", output_field=FloatField()),
            _y=Func(point, function="ST_Y", output_field=FloatField()),
        )
        source_fields = (*_SOURCE, "_x", "_y")
    labels = _labels()
    plan_uses = {c.value: str(c.label) for c in SitePlanUse}
    # One reverse() for all rows: the page of a site is this path with its code in it.
    marker = "0"
    prefix, suffix = reverse("public:site", args=[marker]).rsplit(marker, 1)
    if request is not None:
        prefix = request.build_absolute_uri(prefix)
    for source in queryset.values(*source_fields):
        row = {}
        if coordinates:
            values = dict(zip(columns, coordinate_values(srid, _XY(source["_x"], source["_y"])), strict=True))
        for field in fields:
            if field in coordinates:
                row[field] = values[field]
            elif field == "intended_use":
                row[field] = source["plan_priority_use"] or plan_uses.get(source["plan_use"], "")
            elif field == "url":
                row[field] = f"{prefix}{quote(source['code'], safe=URL_SAFE)}{suffix}"
            elif field in labels and source[field]:
                row[field] = labels[field].get(source[field], source[field])
            else:
                row[field] = source[field]
        yield row


class _XY:
    """A point's two numbers, as `coordinate_values` reads them."""

    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


# What reverse() leaves unquoted in a path argument (RFC 3986 sub-delimiters and "~:@").
URL_SAFE = "!$&'()*+,;=~:@"


def stage_history(premises) -> list[dict]:
    """The dated history of the site's stage, oldest first: each change of the site's
    status, and each step of its handling records (proposed, approved with the decision's
    number and date, carried out, closed, cancelled) under the form of handling. Read
    from the history tables, allow-listed: date, status, form, decision number and date
    only (no actor, no reason, no other column). Dates are local (Asia/Ho_Chi_Minh)."""
    steps = []
    last = None
    for event_id, created_at, status in premises.events.order_by("pgh_id").values_list(
        "pgh_id", "pgh_created_at", "status"
    ):
        if status != last:
            steps.append((created_at, 0, event_id, str(PremisesStatus(status).label)))
            last = status
    handling_events = (
        HandlingRecord.pgh_event_model.objects.filter(premises_id=premises.pk)
        .order_by("pgh_obj_id", "pgh_id")
        .values_list(
            "pgh_obj_id", "pgh_id", "pgh_created_at", "status", "form__name", "decision_number", "decision_date"
        )
    )
    last = {}
    for record_id, event_id, created_at, status, form, number, date in handling_events:
        if last.get(record_id) == status:
            continue
        last[record_id] = status
        text = _("Handling (%(form)s): %(stage)s") % {"form": form or "—", "stage": HandlingStatus(status).label}
        if status == HandlingStatus.APPROVED and number:
            text += " — " + _("decision %(number)s of %(date)s") % {
                "number": number,
                "date": date.strftime("%d/%m/%Y") if date else "—",
            }
        steps.append((created_at, 1, event_id, str(text)))
    steps.sort()
    return [{"date": timezone.localdate(created_at), "status": text} for created_at, _order, _id, text in steps]


def interest_counts(premises) -> dict:
    """Counts of registrations of interest by outcome (the only thing the public sees of them)."""
    counts = dict.fromkeys(InterestStatus.values, 0)
    for status in InterestRegistration.objects.filter(premises=premises).values_list("status", flat=True):
        counts[status] += 1
    return {"total": sum(counts.values()), **counts}


def priority_uses_first():
    """The choices of the use dropdown: Công điện 213's priority uses (in their legal order)."""
    return PriorityUse.objects.filter(is_active=True).order_by("sort_order", "code")


# What a unit's option needs (its code and name): not its boundary polygon, which a
# province's 562 units make megabytes of.
_UNIT_CHOICE = ("id", "code", "name", "level", "parent_id")


class PlainSelect(forms.Select):
    """A select whose options are written in Python, escaped, instead of one template
    per option: the public filters offer 130 communes, 412 former communes and more,
    which Django's per-option templates took about 0.3 s to render on every page."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                str(option_value),
                mark_safe(" selected") if str(option_value) in chosen else "",
                label,
            )
            for option_value, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


class PublicSiteFilterSet(filters.FilterSet):
    """Filters of the public list, map, CSV and GeoJSON (codes in URLs)."""

    commune = filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="admin_unit",
        to_field_name="code",
        queryset=AdministrativeUnit.objects.communes().only(*_UNIT_CHOICE),
        label=_("commune (since 2025)"),
    )
    former_commune = filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="legacy_unit",
        to_field_name="code",
        queryset=AdministrativeUnit.objects.legacy_communes().only(*_UNIT_CHOICE),
        label=_("former commune"),
    )
    former_district = filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="legacy_unit__parent",
        to_field_name="code",
        queryset=AdministrativeUnit.objects.legacy_districts().only(*_UNIT_CHOICE),
        label=_("former district"),
    )
    unit_type = filters.ChoiceFilter(
        widget=PlainSelect, field_name="agency__kind", choices=AgencyKind.choices, label=_("type of the managing unit")
    )
    status = filters.MultipleChoiceFilter(
        choices=[(s.value, s.label) for s in PremisesStatus if s in PUBLISHABLE_PREMISES_STATUSES], label=_("status")
    )
    building_grade = filters.ChoiceFilter(widget=PlainSelect, choices=BuildingGrade.choices, label=_("building grade"))
    condition = filters.ChoiceFilter(widget=PlainSelect, choices=Condition.choices, label=_("condition"))
    land_area = filters.RangeFilter(label=_("land area (m²)"))
    floor_area = filters.RangeFilter(label=_("total floor area (m²)"))
    stage = filters.ChoiceFilter(
        widget=PlainSelect, field_name="handling_stage", choices=HandlingStatus.choices, label=_("handling stage")
    )
    use = filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="plan_priority_code",
        to_field_name="code",
        queryset=PriorityUse.objects.all(),
        method="filter_use",
        label=_("intended use"),
    )

    class Meta:
        model = Premises
        fields = []

    def filter_use(self, queryset, name, value):
        return queryset.filter(plan_priority_code=value.code) if value else queryset


def filtered(params):
    """The published sites under the filters of `params`, and the filter form; a bad
    filter value gives no rows (never a wider list than asked) and its error on the form."""
    filterset = PublicSiteFilterSet(params, queryset=published_sites())
    queryset = filterset.qs if filterset.is_valid() else published_sites().none()
    return filterset, queryset


def published_site_or_none(code: str):
    return published_sites().filter(code=code).first()


__all__ = [
    "CSV_FIELDS",
    "GEOJSON_FIELDS",
    "LABELS",
    "LIST_FIELDS",
    "PAGE_FIELDS",
    "PublicSiteFilterSet",
    "csv_fields",
    "filtered",
    "interest_counts",
    "priority_uses_first",
    "public_rows",
    "published_site_or_none",
    "published_sites",
    "stage_history",
]
