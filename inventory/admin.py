"""Django admin for every inventory model; geometry edited on a Leaflet map."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from inventory import models, services
from inventory.models.premises import LAND_USE_FIELDS

VALUE_FIELDS = ("original_cost", "in_use_date", "remaining_value", "valuation_date", "declared_remaining_value")


class DemoFilterMixin:
    """Demo rows are plainly marked in lists."""

    @admin.display(boolean=True, description=_("demo"))
    def demo(self, obj):
        return obj.is_demo


@admin.register(models.AdministrativeUnit)
class AdministrativeUnitAdmin(LeafletGeoAdmin):
    list_display = ("name", "code", "level", "type_name", "parent", "area_km2", "valid_to", "has_boundary")
    list_filter = (
        "level",
        "type_name",
        ("valid_to", admin.EmptyFieldListFilter),
        ("boundary", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "search_key", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "province")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(boolean=True, description=_("boundary"), ordering="boundary_loaded")
    def has_boundary(self, obj):
        return obj.boundary_loaded

    def get_queryset(self, request):
        # The list shows whether a boundary exists without loading the polygons.
        return (
            super()
            .get_queryset(request)
            .defer("boundary", "bbox")
            .annotate(boundary_loaded=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField()))
        )


@admin.register(models.UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "is_primary", "effective_date", "legal_basis")
    list_filter = ("is_primary", "effective_date")
    search_fields = ("predecessor__name", "predecessor__search_key", "successor__name", "successor__search_key")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


class AgencySuccessionInline(admin.TabularInline):
    model = models.AgencySuccession
    fk_name = "successor"
    autocomplete_fields = ("predecessor",)
    extra = 0
    verbose_name = _("predecessor agency")
    verbose_name_plural = _("predecessor agencies")


@admin.register(models.Agency)
class AgencyAdmin(DemoFilterMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "admin_unit", "is_active", "demo")
    list_filter = ("kind", "is_active", "is_demo", "admin_unit__level")
    search_fields = ("name", "code", "admin_unit__name")
    autocomplete_fields = ("admin_unit",)
    list_select_related = ("admin_unit",)
    inlines = [AgencySuccessionInline]


@admin.register(models.AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_date", "legal_basis")
    search_fields = ("predecessor__name", "successor__name")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "legal_basis", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "legal_basis")
    list_editable = ("sort_order", "is_active")


@admin.register(models.AssetClass)
class AssetClassAdmin(ReferenceAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "building_grade",
        "useful_life_years",
        "statutory_wear_rate",
        "wear_rate",
        "legal_basis",
        "is_active",
    )
    list_filter = ("category", "building_grade", "is_active")
    list_editable = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "wear_rate" in form.changed_data:
            count = services.revalue_class(obj)
            self.message_user(request, _("%(count)s records revalued with the new wear rate.") % {"count": count})


@admin.register(models.HandlingForm)
class HandlingFormAdmin(ReferenceAdmin):
    list_display = ("code", "name", "applies_to", "legal_basis", "sort_order", "is_active")
    list_filter = ("applies_to", "is_active")


@admin.register(models.HandlingReason)
class HandlingReasonAdmin(ReferenceAdmin):
    list_display = ("code", "name", "handling_form", "legal_basis", "sort_order", "is_active")
    list_filter = ("handling_form", "is_active")
    list_select_related = ("handling_form",)


@admin.register(models.PriorityUse)
class PriorityUseAdmin(ReferenceAdmin):
    pass


@admin.register(models.Premises)
class PremisesAdmin(DemoFilterMixin, LeafletGeoAdmin):
    list_display = (
        "code",
        "name",
        "admin_unit",
        "agency",
        "status",
        "condition",
        "floor_area",
        "remaining_value",
        "demo",
    )
    list_filter = (
        "status",
        "condition",
        "building_grade",
        "is_flooded",
        "has_landslide",
        "storm_damaged",
        "is_demo",
        ("admin_unit", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("code", "name", "address", "agency__name", "admin_unit__name")
    autocomplete_fields = ("admin_unit", "legacy_unit", "agency", "building_class")
    list_select_related = ("admin_unit", "agency")
    readonly_fields = ("remaining_value", "valuation_date", "created_at", "updated_at")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("code", "name", "status", "condition", "agency", "admin_unit", "legacy_unit", "address")}),
        (_("Location"), {"fields": ("location", "parcel")}),
        (
            _("Building"),
            {
                "fields": (
                    "building_grade",
                    "building_class",
                    "year_built",
                    "floors",
                    "footprint_area",
                    "floor_area",
                    "surplus_floor_area",
                )
            },
        ),
        (
            _("Land"),
            {"fields": ("land_area", "land_certificate", *LAND_USE_FIELDS)},
        ),
        (_("Value"), {"fields": VALUE_FIELDS}),
        (_("Hazards"), {"fields": ("is_flooded", "has_landslide", "storm_damaged")}),
        (None, {"fields": ("notes", "created_at", "updated_at")}),
    )


@admin.register(models.Asset)
class AssetAdmin(DemoFilterMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "asset_class",
        "agency",
        "quantity",
        "status",
        "condition",
        "original_cost",
        "remaining_value",
        "demo",
    )
    list_filter = ("status", "condition", "asset_class__category", "asset_class", "is_demo")
    search_fields = ("code", "name", "plate_number", "agency__name")
    autocomplete_fields = ("asset_class", "agency", "premises")
    list_select_related = ("asset_class", "agency")
    readonly_fields = ("remaining_value", "valuation_date", "created_at", "updated_at")
    show_full_result_count = False


@admin.register(models.Need)
class NeedAdmin(DemoFilterMixin, admin.ModelAdmin):
    list_display = ("code", "agency", "kind", "asset_class", "floor_area", "quantity", "urgency", "status", "demo")
    list_filter = ("kind", "urgency", "status", "priority_use", "is_demo")
    search_fields = ("code", "agency__name", "purpose")
    autocomplete_fields = ("agency", "asset_class")
    list_select_related = ("agency", "asset_class")


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "admin_unit", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "admin_unit__name")
    autocomplete_fields = ("admin_unit", "agency")
    list_select_related = ("admin_unit",)
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role and scope"), {"fields": ("role", "admin_unit", "agency")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Role and scope"), {"fields": ("role", "admin_unit", "agency")}))


class DeclarationItemInline(admin.TabularInline):
    model = models.DeclarationItem
    fields = ("target", "action", "code", "status", "requires_approval", "review_comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(models.Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    """Declarations are made and reviewed on the declaration pages; the admin shows them."""

    list_display = ("pk", "agency", "kind", "status", "submitted_at", "reviewed_at", "reviewed_by")
    list_filter = ("status", "kind", ("agency__admin_unit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("agency__name", "agency__code")
    list_select_related = ("agency", "reviewed_by")
    readonly_fields = ("created_by", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "created_at")
    autocomplete_fields = ("agency",)
    inlines = [DeclarationItemInline]


@admin.register(models.DeclarationItem)
class DeclarationItemAdmin(admin.ModelAdmin):
    list_display = ("code", "target", "action", "status", "declaration", "requires_approval")
    list_filter = ("target", "action", "status", "requires_approval")
    search_fields = ("code",)
    list_select_related = ("declaration", "declaration__agency")
    readonly_fields = ("declaration", "premises", "asset", "need", "reviewed_by", "reviewed_at")


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "message")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(models.Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("premises", "kind", "title", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("premises__code", "premises__name", "title")
    list_select_related = ("premises", "uploaded_by")
    autocomplete_fields = ("premises",)
    readonly_fields = ("content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(models.HandlingRecord)
class HandlingRecordAdmin(admin.ModelAdmin):
    """Corrections only: the steps (and the statuses that follow them) go through the
    handling pages, so the status is read-only here."""

    list_display = ("subject", "form", "status", "intended_use", "decision_number", "deadline", "created_at")
    list_filter = ("status", "form", "priority_use")
    search_fields = ("premises__code", "premises__name", "asset__code", "asset__name", "decision_number")
    list_select_related = ("premises", "asset", "form")
    autocomplete_fields = ("premises", "asset", "receiving_agency", "need")
    readonly_fields = ("status", "created_by", "previous_premises_status", "created_at", "updated_at")


class RollupAdmin(admin.ModelAdmin):
    """Rollups are written by PostgreSQL triggers only: read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.PremisesRollup)
class PremisesRollupAdmin(RollupAdmin):
    list_display = (
        "premises",
        "asset_lines",
        "asset_items",
        "asset_value",
        "surplus_asset_items",
        "surplus_asset_value",
    )
    list_select_related = ("premises",)
    search_fields = ("premises__code", "premises__name")


@admin.register(models.UnitRollup)
class UnitRollupAdmin(RollupAdmin):
    list_display = ("admin_unit", "legacy_unit", "status", "premises_count", "floor_area", "asset_value")
    list_filter = ("status",)
    list_select_related = ("admin_unit", "legacy_unit")
    search_fields = ("admin_unit__name", "legacy_unit__name")
