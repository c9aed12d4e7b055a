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
    list_display = ("code", "name", "kind", "parameter", "unit", "weight", "verify", "is_active")
    list_filter = ("kind", "verify", "is_active")
    search_fields = ("code", "name", "source", "legal_basis")
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
@admin.register(models.ArchiveRecordSource)
class ArchiveRecordSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "units", "metres_per_unit", "verify", "is_active")
    list_filter = ("kind", "verify", "is_active")
    search_fields = ("name", "basis")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)


@admin.register(models.StructuralInspection)
class StructuralInspectionAdmin(admin.ModelAdmin):
    """Inspections are recorded on the inspections page (a PDF report is checked there);
    the admin lists and corrects them, scoped like the premises."""

    list_display = ("premises", "house", "floor_load", "inspected_on", "inspector")
    search_fields = ("premises__code", "premises__name", "inspector", "reference")
    raw_id_fields = ("premises", "house")
    readonly_fields = ("document", "created_by", "created_at")

    def get_queryset(self, request):
        from inventory.models import Premises

        return super().get_queryset(request).filter(premises__in=Premises.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False
