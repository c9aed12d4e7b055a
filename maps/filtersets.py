"""Filters of the review map: one FilterSet feeds the map layer, the side summary and
the totals of a drawn area, so all three always agree."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from inventory.filtersets import PremisesFilterSet, UnitFilter, offered_units
from inventory.models import AdministrativeUnit, Asset, AssetClass, Premises


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


class MapFilterSet(PremisesFilterSet):
    """Premises on the review map: by new or former unit, agency, status, asset class
    held there, condition, hazard and remaining value."""

    legacy_unit = UnitFilter(
        queryset=offered_units(AdministrativeUnit.objects.legacy_communes()), label=_("former commune")
    )
    legacy_district = UnitFilter(
        field_name="legacy_unit__parent",
        queryset=offered_units(AdministrativeUnit.objects.legacy_districts()),
        label=_("former district"),
    )
    asset_class = filters.ModelChoiceFilter(
        queryset=AssetClass.objects.filter(is_active=True),
        method="holding_class",
        label=_("holds assets of class"),
    )
    hazard = filters.ChoiceFilter(choices=Hazard.CHOICES, method="with_hazard", label=_("hazard"))
    value_min = filters.NumberFilter(field_name="remaining_value", lookup_expr="gte", label=_("remaining value from"))
    value_max = filters.NumberFilter(field_name="remaining_value", lookup_expr="lte", label=_("remaining value up to"))

    class Meta:
        model = Premises
        fields = [
            "q",
            "admin_unit",
            "legacy_district",
            "legacy_unit",
            "agency",
            "status",
            "asset_class",
            "condition",
            "hazard",
            "value_min",
            "value_max",
            "without_plan",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One "hazard" filter here instead of the list's separate flood and storm ones.
        for name in ("storm_damaged", "is_flooded"):
            self.filters.pop(name, None)

    def holding_class(self, queryset, name, value):
        return queryset.filter(Exists(Asset.objects.filter(premises=OuterRef("pk"), asset_class=value)))

    def with_hazard(self, queryset, name, value):
        return queryset.filter(Hazard.CONDITIONS[value])

    @property
    def is_unfiltered(self) -> bool:
        """No filter given: the province-wide figures can come from the rollups."""
        return self.is_valid() and not any(value not in (None, "", [], ()) for value in self.form.cleaned_data.values())
