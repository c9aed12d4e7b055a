"""Admin of the maps app."""

from django.contrib import admin

from inventory.admin import MapAdmin
from maps import models


class HazardFeatureInline(admin.TabularInline):
    model = models.HazardFeature
    fields = ("label",)
    extra = 0
    show_change_link = True


@admin.register(models.HazardLayer)
class HazardLayerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "source", "source_crs", "is_demo", "imported_at")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "source")
    inlines = [HazardFeatureInline]


@admin.register(models.HazardFeature)
class HazardFeatureAdmin(MapAdmin):
    list_display = ("label", "layer")
    list_filter = ("layer__kind", "layer")
    search_fields = ("label",)
    list_select_related = ("layer",)


@admin.register(models.SitingCriterion)
class SitingCriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parameter", "unit", "weight", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "source")
    list_editable = ("parameter", "weight", "is_active")


class SitingChoiceInline(admin.TabularInline):
    """The handling records proposed from a study (read-only: made by "choose")."""

    model = models.SitingChoice
    fields = ("handling_record", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.SitingStudy)
class SitingStudyAdmin(MapAdmin):
    list_display = ("name", "version", "shelving", "created_by", "created_at")
    search_fields = ("name",)
    readonly_fields = ("criteria", "results", "created_by", "created_at")
    filter_horizontal = ()
    raw_id_fields = ("candidates", "previous")
    inlines = [SitingChoiceInline]


@admin.register(models.RoadClass)
class RoadClassAdmin(admin.ModelAdmin):
    """Road classes and their planning speeds: data with a source, edited here."""

    list_display = ("code", "name", "speed_kmh", "needs_verification", "sort_order")
    list_editable = ("speed_kmh", "needs_verification")
    search_fields = ("code", "name", "aliases", "source")


@admin.register(models.RoutingParameter)
class RoutingParameterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "value", "unit", "needs_verification")
    list_editable = ("value", "needs_verification")
    search_fields = ("code", "name", "source")
