"""One FilterSet per model, used by the HTML list (`inventory.views`), the API viewset
(`filterset_class`) and, for the premises, the review map (`maps.views.review`): a
parameter means the same wherever it is given.

- A record referred to in a URL is named by its **code** (`agency`, `admin_unit`,
  `legacy_unit`, `legacy_district`, `asset_class`, `premises`, `asset`, `need`,
  `priority_use`, `form`, `authority`, `parent`, `unit`); a record without a code (a
  handling request) by its id. A code is taken among what the user may pick (the units
  offered to them, the agencies and records they see): any other is refused, in the
  API with a 400 naming the parameter, on a page with a message beside the field.
- `q` searches the same columns of a model everywhere, every word with or without
  diacritics.
- A parameter sent must hold a value (`?near=` is refused); an HTML form sends its empty
  fields, which `form_data` leaves out first.
- `form_fields`: what an HTML form shows; another parameter given by hand (a link, the
  API's names) is shown too, so that its value and any error can be seen.
"""

import unicodedata

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

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
    SitePlanStatus,
    SitePlanUse,
    UnitLevel,
)
from inventory.filterfields import (
    AmountFilter,
    AreaFilter,
    BBoxFilter,
    BooleanFilter,
    ChoiceFilter,
    CodeFilter,
    DateTimeFilter,
    IdFilter,
    NearFilter,
    circle_box,
)
from inventory.models import (
    AdministrativeUnit,
    Agency,
    Asset,
    AssetClass,
    Decision,
    DecisionAuthority,
    Declaration,
    HandlingForm,
    HandlingRecord,
    HandlingRequest,
    Need,
    Premises,
    PriorityUse,
    SitePlan,
)
from inventory.querysets import book_differs


def text_search(fields):
    """A filter method matching every word of the query in any of `fields`, with or
    without Vietnamese diacritics (PostgreSQL unaccent), whatever the Unicode form."""

    def method(queryset, name, value):
        for word in unicodedata.normalize("NFC", value).split():
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__unaccent__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    return method


def form_data(params):
    """The parameters of an HTML form without its empty fields (a form sends every field;
    an empty one is no filter, where the API refuses a parameter sent empty)."""
    data = params.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    return data


def visible(model):
    """A filter's choice of `model`'s records: those the request's user sees."""

    def queryset(request):
        return model.objects.visible_to(request.user) if request else model.objects.none()

    return queryset


def offered_units(units):
    """A filter's choice of units: those of `units` the request's user can pick
    (AdministrativeUnitQuerySet.offered_to), former communes with their district."""

    def queryset(request):
        return units.offered_to(request.user).select_related("parent") if request else units.none()

    return queryset


class Hazard:
    FLOODED = "flooded"
    LANDSLIDE = "landslide"
    STORM = "storm"
    ANY = "any"
    CHOICES = (
        (FLOODED, _("flood-prone")),
        (LANDSLIDE, _("landslide risk")),
        (STORM, _("storm damage")),
        (ANY, _("any hazard")),
    )
    CONDITIONS = {
        FLOODED: Q(is_flooded=True),
        LANDSLIDE: Q(has_landslide=True),
        STORM: Q(storm_damaged=True),
        ANY: Q(is_flooded=True) | Q(has_landslide=True) | Q(storm_damaged=True),
    }


class FilterSet(filters.FilterSet):
    """What every FilterSet here shares: the fields an HTML form shows (`shown`) and
    whether any filter was given (`is_unfiltered`)."""

    form_fields: tuple[str, ...] = ()

    @property
    def shown(self):
        """`form_fields`, then every other parameter the request gave."""
        given = [n for n in self.form.fields if n not in self.form_fields and self.is_bound and n in self.data]
        return [self.form[name] for name in (*self.form_fields, *given)]

    @property
    def is_unfiltered(self) -> bool:
        """No filter given: province-wide figures can come from the rollups."""
        return self.is_valid() and not any(value not in (None, "", [], ()) for value in self.form.cleaned_data.values())


def status_filter(choices):
    return filters.MultipleChoiceFilter(choices=choices, label=_("status"), help_text="status (repeat for several)")


def condition_filter():
    return filters.MultipleChoiceFilter(
        choices=Condition.choices, label=_("condition"), help_text="condition (repeat for several)"
    )


def updated_since_filter():
    return DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("changed since"), help_text="changed at or after (ISO 8601)"
    )


class SpatialFilterSet(FilterSet):
    """`bbox=west,south,east,north`, `within=<GeoJSON or WKT polygon>`,
    `near=lon,lat,metres` on `location_field` (SRID 4326)."""

    location_field = "location"

    bbox = BBoxFilter(
        method="filter_bbox",
        label=_("in a box"),
        help_text="in a box: west,south,east,north (degrees, EPSG:4326; west < east, south < north)",
    )
    within = AreaFilter(
        method="filter_within",
        label=_("inside a polygon"),
        help_text="inside a polygon, EPSG:4326: WKT `POLYGON((lon lat, …))` or GeoJSON "
        '`{"type":"Polygon","coordinates":[[[lon,lat],…]]}` (closed rings, holes allowed, not self-intersecting)',
    )
    near = NearFilter(
        method="filter_near",
        label=_("within a distance"),
        help_text="within a distance: longitude,latitude,metres (degrees, EPSG:4326; up to 1,000,000 m, on the sphere)",
    )

    def filter_bbox(self, queryset, name, value):
        return queryset.filter(**{f"{self.location_field}__bboverlaps": value})

    def filter_within(self, queryset, name, value):
        return queryset.filter(**{f"{self.location_field}__intersects": value})

    def filter_near(self, queryset, name, value):
        """Exact distance on the sphere, after an index-backed box that holds the circle."""
        point, distance = value
        return queryset.filter(
            **{
                f"{self.location_field}__bboverlaps": circle_box(point, distance),
                f"{self.location_field}__distance_lte": (point, distance),
            }
        )


class IdRangeFilterSet(FilterSet):
    """`id_min`/`id_max`: a range of ids, e.g. to export or synchronise in slices."""

    id_min = IdFilter(field_name="id", lookup_expr="gte", label=_("ids from"), help_text="ids from this one")
    id_max = IdFilter(field_name="id", lookup_expr="lte", label=_("ids up to"), help_text="ids up to this one")


class BookValueFilterSet(FilterSet):
    """`book_differs`: the book remaining value differs from the recomputed check beyond
    `BOOK_CHECK_TOLERANCE_VND` (true) or not (false), for review by Finance."""

    book_differs = BooleanFilter(
        method="filter_book_differs",
        label=_("book value differs from check"),
        help_text="book value differs from the check",
    )

    def filter_book_differs(self, queryset, name, value):
        return book_differs(queryset, value)


class AdministrativeUnitFilterSet(FilterSet):
    level = ChoiceFilter(
        choices=UnitLevel.choices,
        label=_("level"),
        help_text="level: the province, a commune since 2025, a former unit",
    )
    code = filters.CharFilter(label=_("code"), help_text="exact code (mã đơn vị hành chính)")
    q = filters.CharFilter(
        method=text_search(["name"]), label=_("Search"), help_text="words in the name, with or without diacritics"
    )
    parent = CodeFilter(
        queryset=AdministrativeUnit.objects.filter(level__in=(UnitLevel.PROVINCE, UnitLevel.LEGACY_DISTRICT)),
        label=_("parent unit"),
        help_text="code of the parent unit: the province, or a former district",
    )

    class Meta:
        model = AdministrativeUnit
        fields = []


class AgencyFilterSet(FilterSet):
    kind = ChoiceFilter(choices=AgencyKind.choices, label=_("kind"), help_text="kind of agency")
    admin_unit = CodeFilter(
        queryset=offered_units(AdministrativeUnit.objects.filter(level__in=(UnitLevel.PROVINCE, UnitLevel.COMMUNE))),
        label=_("administrative unit"),
        help_text="code of the administrative unit: the province or a commune since 2025",
    )
    is_active = BooleanFilter(
        label=_("still in existence"), help_text="still in existence (true) or merged away (false)"
    )
    q = filters.CharFilter(
        method=text_search(["code", "name"]), label=_("Search"), help_text="words in the code or name"
    )

    class Meta:
        model = Agency
        fields = []


class PremisesFilterSet(BookValueFilterSet, SpatialFilterSet, IdRangeFilterSet):
    """Premises in the list, the API and on the review map (its layer, side summary and
    drawn-area totals)."""

    form_fields = (
        "q",
        "status",
        "condition",
        "admin_unit",
        "legacy_district",
        "legacy_unit",
        "agency",
        "asset_class",
        "hazard",
        "value_min",
        "value_max",
        "without_plan",
        "book_differs",
    )

    q = filters.CharFilter(
        method=text_search(["code", "name", "address", "agency__name"]),
        label=_("Search"),
        help_text="words in the code, name, address or managing agency's name, with or without diacritics",
    )
    code = filters.CharFilter(label=_("code"), help_text="exact code")
    status = status_filter(PremisesStatus.choices)
    condition = condition_filter()
    admin_unit = CodeFilter(
        queryset=offered_units(AdministrativeUnit.objects.communes()),
        label=_("commune (since 2025)"),
        help_text="code of the commune since 2025 where it stands",
    )
    legacy_district = CodeFilter(
        field_name="legacy_unit__parent",
        queryset=offered_units(AdministrativeUnit.objects.legacy_districts()),
        label=_("former district"),
        help_text="code of the former district (until 2025) where it stands",
    )
    legacy_unit = CodeFilter(
        queryset=offered_units(AdministrativeUnit.objects.legacy_communes()),
        label=_("former commune"),
        help_text="code of the former commune (until 2025) where it stands",
    )
    agency = CodeFilter(queryset=visible(Agency), label=_("managing agency"), help_text="code of the managing agency")
    asset_class = CodeFilter(
        queryset=AssetClass.objects.all(),
        method="filter_asset_class",
        label=_("holds assets of class"),
        help_text="holds assets of this class (its code)",
    )
    building_grade = filters.CharFilter(label=_("building grade"), help_text="building grade (cấp công trình)")
    is_flooded = BooleanFilter(label=_("flood-prone"), help_text="in a flood-prone area")
    has_landslide = BooleanFilter(label=_("landslide risk"), help_text="at risk of landslide")
    storm_damaged = BooleanFilter(label=_("storm damage"), help_text="damaged by storms")
    hazard = ChoiceFilter(
        choices=Hazard.CHOICES,
        method="filter_hazard",
        label=_("hazard"),
        help_text="flood-prone, at risk of landslide, damaged by storms, or any of them",
    )
    floor_area_min = AmountFilter(
        field_name="floor_area", lookup_expr="gte", label=_("floor area from"), help_text="floor area from (m²)"
    )
    floor_area_max = AmountFilter(
        field_name="floor_area", lookup_expr="lte", label=_("floor area up to"), help_text="floor area up to (m²)"
    )
    value_min = AmountFilter(
        field_name="remaining_value",
        lookup_expr="gte",
        label=_("remaining value from"),
        help_text="remaining value from (VND)",
    )
    value_max = AmountFilter(
        field_name="remaining_value",
        lookup_expr="lte",
        label=_("remaining value up to"),
        help_text="remaining value up to (VND)",
    )
    without_plan = BooleanFilter(
        method="filter_without_plan",
        label=_("without an approved site plan"),
        help_text="needs a site plan and has no approved one (true), or not (false)",
    )
    updated_since = updated_since_filter()

    class Meta:
        model = Premises
        fields = []

    def filter_asset_class(self, queryset, name, value):
        """Premises holding assets of the class (by id, so history rows filter too)."""
        return queryset.filter(Exists(Asset.objects.filter(premises_id=OuterRef("id"), asset_class=value)))

    def filter_hazard(self, queryset, name, value):
        return queryset.filter(Hazard.CONDITIONS[value])

    def filter_without_plan(self, queryset, name, value):
        """Sites needing a plan with no approved one (by id, so history rows filter too)."""
        ids = Premises.objects.without_approved_plan().values("id")
        return queryset.filter(id__in=ids) if value else queryset.exclude(id__in=ids)


class AssetFilterSet(BookValueFilterSet, SpatialFilterSet, IdRangeFilterSet):
    location_field = "premises__location"
    form_fields = ("q", "asset_class", "status", "condition", "premises", "agency", "book_differs", "group_code")

    q = filters.CharFilter(
        method=text_search(["code", "name", "plate_number", "premises__name"]),
        label=_("Search"),
        help_text="words in the code, name, plate number or premises' name, with or without diacritics",
    )
    code = filters.CharFilter(label=_("code"), help_text="exact code")
    group_code = filters.CharFilter(
        label=_("group code"), help_text="group code: the assets declared in one row or split from one line"
    )
    is_fixed_asset = BooleanFilter(
        label=_("fixed asset"), help_text="fixed assets (true) or tool and instrument lines (false)"
    )
    asset_class = CodeFilter(queryset=AssetClass.objects.all(), label=_("asset class"), help_text="asset class code")
    category = filters.CharFilter(
        field_name="asset_class__category", label=_("asset category"), help_text="asset category (e.g. car)"
    )
    status = status_filter(AssetStatus.choices)
    condition = condition_filter()
    premises = CodeFilter(
        queryset=visible(Premises),
        widget=forms.TextInput,
        label=_("premises code"),
        help_text="code of the premises where it is kept",
    )
    agency = CodeFilter(queryset=visible(Agency), label=_("managing agency"), help_text="code of the managing agency")
    cost_min = AmountFilter(
        field_name="original_cost",
        lookup_expr="gte",
        label=_("original cost from"),
        help_text="original cost from (VND)",
    )
    cost_max = AmountFilter(
        field_name="original_cost",
        lookup_expr="lte",
        label=_("original cost up to"),
        help_text="original cost up to (VND)",
    )
    updated_since = updated_since_filter()

    class Meta:
        model = Asset
        fields = []


class NeedFilterSet(IdRangeFilterSet):
    form_fields = ("q", "kind", "status", "agency", "priority_use")

    q = filters.CharFilter(
        method=text_search(["code", "purpose", "agency__name"]),
        label=_("Search"),
        help_text="words in the code, purpose or agency's name, with or without diacritics",
    )
    kind = ChoiceFilter(choices=NeedKind.choices, label=_("kind of need"), help_text="floor area or asset items")
    status = status_filter(NeedStatus.choices)
    agency = CodeFilter(queryset=visible(Agency), label=_("agency in need"), help_text="code of the agency in need")
    priority_use = CodeFilter(
        queryset=PriorityUse.objects.all(), label=_("priority use"), help_text="code of the priority use"
    )

    class Meta:
        model = Need
        fields = []


class DeclarationFilterSet(IdRangeFilterSet):
    form_fields = ("q", "status", "kind", "unit", "submitted_after", "submitted_before")

    q = filters.CharFilter(
        method=text_search(["agency__name", "agency__admin_unit__name"]),
        label=_("Search"),
        help_text="words in the declaring agency's name or its commune's, with or without diacritics",
    )
    status = status_filter(DeclarationStatus.choices)
    kind = ChoiceFilter(choices=DeclarationKind.choices, label=_("kind"), help_text="kind of declaration")
    unit = CodeFilter(
        field_name="agency__admin_unit",
        queryset=offered_units(AdministrativeUnit.objects.communes()),
        label=_("commune (since 2025)"),
        help_text="code of the declaring agency's commune since 2025",
    )
    agency = CodeFilter(queryset=visible(Agency), label=_("declaring agency"), help_text="code of the declaring agency")
    submitted_after = DateTimeFilter(
        field_name="submitted_at",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("submitted from"),
        help_text="submitted at or after (ISO 8601; a date alone: from the start of that day, Viet Nam time)",
    )
    submitted_before = DateTimeFilter(
        field_name="submitted_at",
        lookup_expr="lte",
        end_of_day=True,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("submitted until"),
        help_text="submitted at or before (ISO 8601; a date alone: up to the end of that day, Viet Nam time)",
    )

    class Meta:
        model = Declaration
        fields = []


class HandlingRequestFilterSet(IdRangeFilterSet):
    status = status_filter(RequestStatus.choices)
    agency = CodeFilter(queryset=visible(Agency), label=_("holding agency"), help_text="code of the holding agency")

    class Meta:
        model = HandlingRequest
        fields = []


class DecisionFilterSet(IdRangeFilterSet):
    number = filters.CharFilter(field_name="number", label=_("decision number"), help_text="decision number")
    request = IdFilter(
        field_name="request_id", label=_("request"), help_text="id of the request decided (a request has no code)"
    )
    authority = CodeFilter(
        queryset=DecisionAuthority.objects.all(), label=_("authority"), help_text="code of the decision authority"
    )

    class Meta:
        model = Decision
        fields = []


class HandlingRecordFilterSet(IdRangeFilterSet):
    form_fields = ("status", "form", "premises", "overdue")

    status = status_filter(HandlingStatus.choices)
    form = CodeFilter(
        queryset=HandlingForm.objects.all(), label=_("form of handling"), help_text="form of handling code"
    )
    premises = CodeFilter(
        queryset=visible(Premises),
        widget=forms.TextInput,
        label=_("premises code"),
        help_text="code of the premises handled",
    )
    asset = CodeFilter(
        queryset=visible(Asset),
        widget=forms.TextInput,
        label=_("asset code"),
        help_text="code of the asset line handled",
    )
    need = CodeFilter(
        queryset=visible(Need), widget=forms.TextInput, label=_("need code"), help_text="code of the need it serves"
    )
    overdue = BooleanFilter(
        method="filter_overdue", label=_("overdue only"), help_text="past its deadline and not done"
    )

    class Meta:
        model = HandlingRecord
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = HandlingRecord.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class SitePlanFilterSet(IdRangeFilterSet):
    status = status_filter(SitePlanStatus.choices)
    use = filters.MultipleChoiceFilter(
        choices=SitePlanUse.choices, label=_("chosen use"), help_text="chosen use (repeat for several)"
    )
    premises = CodeFilter(
        queryset=visible(Premises), widget=forms.TextInput, label=_("premises code"), help_text="code of the site"
    )
    priority_use = CodeFilter(
        queryset=PriorityUse.objects.all(), label=_("priority use"), help_text="code of the priority use"
    )

    class Meta:
        model = SitePlan
        fields = []
