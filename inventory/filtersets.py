"""One FilterSet per listed model, used by the HTML lists (and later the API)."""

import unicodedata

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from inventory.choices import (
    AssetStatus,
    Condition,
    DeclarationKind,
    DeclarationStatus,
    NeedKind,
    NeedStatus,
    PremisesStatus,
)
from inventory.models import AdministrativeUnit, Agency, Asset, AssetClass, Declaration, Need, Premises
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


def visible_agencies(request):
    return Agency.objects.visible_to(request.user) if request else Agency.objects.none()


def offered_units(units):
    """A filter's choice of units: those of `units` the request's user can pick
    (AdministrativeUnitQuerySet.offered_to), former communes with their district."""

    def queryset(request):
        return units.offered_to(request.user).select_related("parent") if request else units.none()

    return queryset


class UnitChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name_with_district


class UnitFilter(filters.ModelChoiceFilter):
    """A unit to filter by: only units the user can pick, named with their district."""

    field_class = UnitChoiceField


def book_differs_filter(queryset, name, value):
    """Records whose book value differs from the check (for review by Finance), or not."""
    return book_differs(queryset, value)


class PremisesFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method=text_search(["code", "name", "address", "agency__name"]))
    status = filters.MultipleChoiceFilter(choices=PremisesStatus.choices, label=_("status"))
    condition = filters.ChoiceFilter(choices=Condition.choices, label=_("condition"))
    admin_unit = UnitFilter(
        queryset=offered_units(AdministrativeUnit.objects.communes()), label=_("commune (since 2025)")
    )
    agency = filters.ModelChoiceFilter(queryset=visible_agencies, label=_("managing agency"))
    storm_damaged = filters.BooleanFilter(label=_("storm damage"))
    is_flooded = filters.BooleanFilter(label=_("flood-prone"))
    without_plan = filters.BooleanFilter(method="filter_without_plan", label=_("without an approved site plan"))
    book_differs = filters.BooleanFilter(method=book_differs_filter, label=_("book value differs from check"))

    class Meta:
        model = Premises
        fields = [
            "q",
            "status",
            "condition",
            "admin_unit",
            "agency",
            "storm_damaged",
            "is_flooded",
            "without_plan",
            "book_differs",
        ]

    def filter_without_plan(self, queryset, name, value):
        """Sites needing a plan with no approved one (by id, so history rows filter too)."""
        if value is None:
            return queryset
        ids = Premises.objects.without_approved_plan().values("id")
        return queryset.filter(id__in=ids) if value else queryset.exclude(id__in=ids)


class AssetFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method=text_search(["code", "name", "plate_number", "premises__name"]))
    asset_class = filters.ModelChoiceFilter(queryset=AssetClass.objects.all(), label=_("asset class"))
    status = filters.MultipleChoiceFilter(choices=AssetStatus.choices, label=_("status"))
    condition = filters.ChoiceFilter(choices=Condition.choices, label=_("condition"))
    premises = filters.CharFilter(field_name="premises__code", label=_("premises code"))
    book_differs = filters.BooleanFilter(method=book_differs_filter, label=_("book value differs from check"))
    group_code = filters.CharFilter(label=_("group code"))

    class Meta:
        model = Asset
        fields = ["q", "asset_class", "status", "condition", "premises", "book_differs", "group_code"]


class NeedFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method=text_search(["code", "purpose", "agency__name"]))
    kind = filters.ChoiceFilter(choices=NeedKind.choices, label=_("kind of need"))
    status = filters.ChoiceFilter(choices=NeedStatus.choices, label=_("status"))

    class Meta:
        model = Need
        fields = ["q", "kind", "status"]


class DeclarationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method=text_search(["agency__name", "agency__admin_unit__name"]))
    status = filters.MultipleChoiceFilter(choices=DeclarationStatus.choices, label=_("status"))
    kind = filters.ChoiceFilter(choices=DeclarationKind.choices, label=_("kind"))
    unit = UnitFilter(
        field_name="agency__admin_unit",
        queryset=offered_units(AdministrativeUnit.objects.communes()),
        label=_("commune (since 2025)"),
    )
    submitted_after = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from"))
    submitted_before = filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("submitted until")
    )

    class Meta:
        model = Declaration
        fields = ["q", "status", "kind", "unit", "submitted_after", "submitted_before"]
