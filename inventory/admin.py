"""Django admin for every inventory model; geometry edited on a Leaflet map."""

import posixpath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.gis.db.models import GeometryField
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import BooleanField, DecimalField, ExpressionWrapper, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from inventory import models, services
from inventory.choices import PUBLISHABLE_PREMISES_STATUSES, SitePlanStatus
from inventory.forms import LonLatGeometryField, pdf_upload
from inventory.models.houses import HOUSE_TOTALS
from inventory.models.premises import LAND_USE_FIELDS
from inventory.permissions import can_administer
from inventory.services import deletion, revaluation
from inventory.services import public as public_services
from inventory.text import number_text
from inventory.versioning import StaleVersion, lock
from inventory.views.common import conflict_response
from inventory.widgets import AdminMapWidget

# Book values (what forms print) first, the recomputed check and its flag beside them.
VALUE_FIELDS = (
    "original_cost",
    "in_use_date",
    "book_accumulated_wear",
    "book_remaining_value",
    "book_date",
    "remaining_value",
    "valuation_date",
    "book_check_flag",
)
VALUE_READONLY = ("book_accumulated_wear", "remaining_value", "valuation_date", "book_check_flag")


class BookValueAdminMixin:
    """The book values with the check beside them; a list filter for Finance."""

    @admin.display(description=_("book value vs check"))
    def book_check_flag(self, obj):
        difference = obj.book_check_difference
        if difference is None:
            return "—"
        if obj.book_differs:
            return _("differs from check by %(amount)s VND: to review") % {"amount": f"{difference:+,}"}
        return _("agrees with check")


class BookDiffersFilter(admin.SimpleListFilter):
    """Records whose book remaining value differs from the check beyond the tolerance."""

    title = _("book value vs check")
    parameter_name = "book_differs"

    def lookups(self, request, model_admin):
        return [("yes", _("differs from check")), ("no", _("agrees with check"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.book_differs(self.value() == "yes")
        return queryset


HOUSE_TOTAL_FIELDS = tuple(column.removesuffix("_id") for column, _house, _how in HOUSE_TOTALS)


def administrators_only(request) -> bool:
    """The admin site is for administrators (role Administrator, or superusers)."""
    return can_administer(request.user)


class GroupedNumbersMixin:
    """Amounts and areas in the admin's lists as officials write them (1.234.567.890; 1.836,5),
    by `inventory.text.number_text` as on the pages: every decimal column of `list_display`
    is shown through it, still sortable (Django's own list leaves them ungrouped)."""

    def get_list_display(self, request):
        return [self._grouped(name) if self._is_decimal(name) else name for name in super().get_list_display(request)]

    def _is_decimal(self, name) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return isinstance(self.model._meta.get_field(name), DecimalField)
        except FieldDoesNotExist:
            return False

    def _grouped(self, name):
        empty = self.get_empty_value_display()

        def column(obj):
            value = getattr(obj, name)
            return empty if value is None else number_text(value, name)

        field = self.model._meta.get_field(name)
        column.short_description = field.verbose_name
        column.admin_order_field = name
        column.__name__ = name
        return column


class MapAdmin(LeafletGeoAdmin):
    """Geometry on a Leaflet map (django-leaflet gives its script the request's CSP nonce),
    its coordinates checked like every other input (`LonLatGeometryField`) and a stored
    out-of-range geometry shown as an empty map, never written out as text."""

    widget = AdminMapWidget

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if isinstance(db_field, GeometryField):
            kwargs["form_class"] = LonLatGeometryField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VersionedAdminMixin:
    """Two administrators editing the same record: the second save, made on a form
    opened at an older version, shows the conflict page and overwrites nothing."""

    def get_form(self, request, obj=None, **kwargs):
        fields = kwargs.pop("fields", None)
        if fields is None and self.fieldsets:
            fields = flatten_fieldsets(self.fieldsets)
        if fields is not None:  # the model form gets model fields only
            readonly = self.get_readonly_fields(request, obj)
            fields = [f for f in fields if f != "opened_version" and f not in readonly]
        form = super().get_form(request, obj, fields=fields, **kwargs)

        class VersionedForm(form):
            opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if self.instance.pk and not self.is_bound:
                    self.fields["opened_version"].initial = self.instance.version

        return VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = [list(f) for f in super().get_fieldsets(request, obj)]
        if not any("opened_version" in options.get("fields", ()) for _name, options in fieldsets):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": (*options.get("fields", ()), "opened_version")})
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            lock(type(obj), obj.pk, form.cleaned_data.get("opened_version"))
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion as exc:
            yours = {k: v for k, v in request.POST.items() if not k.startswith(("csrf", "_", "opened_version"))}
            return conflict_response(request, exc, yours, retry_url=request.get_full_path())


class StoredFilesMixin:
    """Uploaded files are shown as links to their scoped views (nothing serves MEDIA_ROOT,
    so a file field's own link would lead nowhere); on an existing record the stored file
    is not replaced here."""

    file_links: dict[str, str] = {}  # file field → URL name of its view, taking the record's pk

    def get_exclude(self, request, obj=None):
        exclude = super().get_exclude(request, obj) or ()
        return (*exclude, *self.file_links) if obj else exclude

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "stored_files") if obj else readonly

    @admin.display(description=_("files"))
    def stored_files(self, obj):
        links = [
            (reverse(url_name, args=[obj.pk]), posixpath.basename(getattr(obj, field).name))
            for field, url_name in self.file_links.items()
            if getattr(obj, field)
        ]
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links) if links else "—"


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("deleted")), ("all", _("all"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(deleted_at__isnull=True)


class SoftDeleteAdminMixin:
    """Premises and assets are never removed from the admin: "Delete with a reason"
    hides them (Finance, administrators), "Restore" brings them back (administrators)."""

    actions = ["delete_with_reason", "restore_records"]

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    def get_list_filter(self, request):
        return (DeletedFilter, *super().get_list_filter(request))

    def has_delete_permission(self, request, obj=None):
        return False  # see delete_with_reason

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Delete the selected records, with a reason"))
    def delete_with_reason(self, request, queryset):
        reason = request.POST.get("delete_reason", "").strip()
        if "confirm" not in request.POST or not reason:
            return TemplateResponse(
                request,
                "admin/inventory/delete_with_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "records": queryset,
                    "opts": self.model._meta,
                    "action": "delete_with_reason",
                    "missing_reason": "confirm" in request.POST,
                },
            )
        done = 0
        for record in queryset:
            try:
                deletion.soft_delete(request.user, record, reason)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s record(s) deleted; an administrator can restore them.") % {"n": done})
        return None

    @admin.action(description=_("Restore the selected deleted records"))
    def restore_records(self, request, queryset):
        done = 0
        for record in queryset.filter(deleted_at__isnull=False):
            try:
                deletion.restore(request.user, record)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s record(s) restored.") % {"n": done})


class DemoFilterMixin:
    """Demo rows are plainly marked in lists."""

    @admin.display(boolean=True, description=_("demo"))
    def demo(self, obj):
        return obj.is_demo


@admin.register(models.AdministrativeUnit)
class AdministrativeUnitAdmin(MapAdmin):
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
    list_display = ("name", "code", "dkts_code", "kind", "admin_unit", "is_active", "demo")
    list_filter = ("kind", "is_active", "is_demo", "admin_unit__level")
    search_fields = ("name", "code", "dkts_code", "admin_unit__name")
    autocomplete_fields = ("admin_unit", "superior")
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


HOUSE_FIELDS = (
    "name",
    "building_grade",
    "year_built",
    "in_use_date",
    "floors",
    "footprint_area",
    "floor_area",
    "floor_use_office",
    "floor_use_public_service",
    "floor_use_other",
    "floor_load",
    "original_cost",
    "cost_state_budget",
    "cost_other_sources",
    "book_remaining_value",
    "book_date",
    "remaining_value",
    "condition",
)


class HouseInline(admin.StackedInline):
    """The houses of a site; a house is deleted (with a reason) on its own page."""

    model = models.House
    fields = HOUSE_FIELDS
    readonly_fields = ("remaining_value",)
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(models.House)
class HouseAdmin(SoftDeleteAdminMixin, VersionedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "building_grade",
        "year_built",
        "floors",
        "floor_area",
        "original_cost",
        "remaining_value",
    )
    list_filter = ("building_grade", "condition")
    search_fields = ("name", "premises__code", "premises__name")
    autocomplete_fields = ("premises", "building_class")
    list_select_related = ("premises",)
    readonly_fields = ("remaining_value", "valuation_date", "created_at", "updated_at")
    fields = (
        "premises",
        *HOUSE_FIELDS[:-2],
        "building_class",
        "valuation_date",
        "remaining_value",
        "condition",
        "notes",
        "created_at",
        "updated_at",
    )
    show_full_result_count = False


@admin.register(models.RequiredDocument)
class RequiredDocumentAdmin(ReferenceAdmin):
    list_display = ("code", "name", "handling_form", "reason", "applies_to", "legal_basis", "verify", "is_active")
    list_filter = ("handling_form", "applies_to", "verify", "is_active")
    list_select_related = ("handling_form", "reason")
    list_editable = ()


@admin.register(models.HandlingDeadline)
class HandlingDeadlineAdmin(ReferenceAdmin):
    list_display = (
        "code",
        "handling_form",
        "step",
        "period",
        "unit",
        "starts_on",
        "applies_to",
        "legal_basis",
        "verify",
        "is_active",
    )
    list_filter = ("step", "handling_form", "applies_to", "verify", "is_active")
    list_select_related = ("handling_form",)
    list_editable = ()


@admin.register(models.DecisionAuthority)
class DecisionAuthorityAdmin(ReferenceAdmin):
    list_display = ("code", "name", "legal_basis", "verify", "is_active")
    filter_horizontal = ("forms",)
    list_editable = ()


@admin.register(models.SaleMethodLimit)
class SaleMethodLimitAdmin(ReferenceAdmin):
    list_display = ("code", "method", "max_original_cost", "min_value", "max_value", "cars_allowed", "legal_basis")
    list_editable = ()


@admin.register(models.Premises)
class PremisesAdmin(
    BookValueAdminMixin, GroupedNumbersMixin, SoftDeleteAdminMixin, VersionedAdminMixin, DemoFilterMixin, MapAdmin
):
    list_display = (
        "code",
        "name",
        "admin_unit",
        "agency",
        "status",
        "condition",
        "floor_area",
        "book_remaining_value",
        "remaining_value",
        "demo",
    )
    list_filter = (
        BookDiffersFilter,
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
    autocomplete_fields = ("admin_unit", "legacy_unit", "agency")
    list_select_related = ("admin_unit", "agency")
    # The building columns are the totals of the houses (edited below, in the inline).
    readonly_fields = tuple(dict.fromkeys((*VALUE_READONLY, *HOUSE_TOTAL_FIELDS, "created_at", "updated_at")))
    show_full_result_count = False
    inlines = [HouseInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "status", "condition", "agency", "admin_unit", "legacy_unit", "address")}),
        (_("Location"), {"fields": ("location", "parcel")}),
        (
            _("Land"),
            {"fields": ("land_area", "land_value", "land_certificate", *LAND_USE_FIELDS)},
        ),
        (_("Totals of the houses"), {"fields": (*HOUSE_TOTAL_FIELDS, "surplus_floor_area")}),
        (_("Hazards"), {"fields": ("is_flooded", "has_landslide", "storm_damaged")}),
        (None, {"fields": ("notes", "created_at", "updated_at")}),
    )


@admin.register(models.Asset)
class AssetAdmin(
    BookValueAdminMixin,
    GroupedNumbersMixin,
    SoftDeleteAdminMixin,
    VersionedAdminMixin,
    DemoFilterMixin,
    admin.ModelAdmin,
):
    list_display = (
        "code",
        "group_code",
        "name",
        "asset_class",
        "agency",
        "is_fixed_asset",
        "quantity",
        "status",
        "condition",
        "original_cost",
        "book_remaining_value",
        "remaining_value",
        "demo",
    )
    list_filter = (
        BookDiffersFilter,
        "status",
        "condition",
        "is_fixed_asset",
        "asset_class__category",
        "asset_class",
        "is_demo",
    )
    search_fields = ("code", "group_code", "name", "plate_number", "agency__name")
    autocomplete_fields = ("asset_class", "agency", "premises")
    list_select_related = ("asset_class", "agency")
    readonly_fields = ("is_fixed_asset", *VALUE_READONLY, "created_at", "updated_at")
    show_full_result_count = False


@admin.register(models.Need)
class NeedAdmin(GroupedNumbersMixin, VersionedAdminMixin, DemoFilterMixin, admin.ModelAdmin):
    list_display = ("code", "agency", "kind", "asset_class", "floor_area", "quantity", "urgency", "status", "demo")
    list_filter = ("kind", "urgency", "status", "priority_use", "is_demo")
    search_fields = ("code", "agency__name", "purpose")
    autocomplete_fields = ("agency", "asset_class")
    list_select_related = ("agency", "asset_class")


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "province", "admin_unit", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "admin_unit__name")
    autocomplete_fields = ("admin_unit", "agency")
    list_select_related = ("admin_unit", "province")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "province", "admin_unit", "agency")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "province", "admin_unit", "agency")}),
    )


class DeclarationItemInline(admin.TabularInline):
    model = models.DeclarationItem
    fields = ("target", "action", "code", "status", "requires_approval", "review_comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(models.Declaration)
class DeclarationAdmin(VersionedAdminMixin, admin.ModelAdmin):
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
class AttachmentAdmin(StoredFilesMixin, admin.ModelAdmin):
    file_links = {"file": "inventory:attachment_file", "thumbnail": "inventory:attachment_thumbnail"}
    list_display = ("premises", "item", "kind", "title", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("premises__code", "premises__name", "item__code", "title")
    list_select_related = ("premises", "item", "uploaded_by")
    autocomplete_fields = ("premises",)
    readonly_fields = ("item", "content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(models.IdempotentRequest)
class IdempotentRequestAdmin(admin.ModelAdmin):
    """Writes answered once (the phone's outbox): read-only, the evidence of what a replay got."""

    list_display = ("user", "key", "status_code", "created_at")
    list_filter = ("status_code",)
    search_fields = ("user__username", "key")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.HandlingRecord)
class HandlingRecordAdmin(GroupedNumbersMixin, StoredFilesMixin, VersionedAdminMixin, admin.ModelAdmin):
    """Corrections only: the steps (and the statuses that follow them) go through the
    handling pages, so the status is read-only here."""

    file_links = {"decision_document": "inventory:decision_document"}
    list_display = ("subject", "form", "status", "intended_use", "decision_number", "deadline", "created_at")
    list_filter = ("status", "form", "priority_use")
    search_fields = ("premises__code", "premises__name", "asset__code", "asset__name", "decision_number")
    list_select_related = ("premises", "asset", "form")
    # The request and decision a line belongs to are set by the procedure's steps.
    autocomplete_fields = ("premises", "asset", "receiving_agency", "need")
    readonly_fields = (
        "status",
        "request",
        "decision",
        "created_by",
        "previous_premises_status",
        "created_at",
        "updated_at",
    )


class RequestDocumentInline(admin.TabularInline):
    model = models.RequestDocument
    extra = 0
    autocomplete_fields = ("document",)


@admin.register(models.HandlingRequest)
class HandlingRequestAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Corrections only: the steps go through the request pages and the API, so the
    status and who took each step are read-only here."""

    list_display = ("pk", "agency", "status", "filed_at", "completed_on")
    list_filter = ("status",)
    search_fields = ("agency__code", "agency__name", "purpose")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
    inlines = (RequestDocumentInline,)
    readonly_fields = (
        "status",
        "filed_by",
        "filed_at",
        "returned_by",
        "completed_on",
        "completed_by",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    )


@admin.register(models.RequestDocument)
class RequestDocumentAdmin(admin.ModelAdmin):
    list_display = ("request", "document", "reference")
    list_select_related = ("request__agency", "document")
    search_fields = ("document__code", "document__name", "reference")
    autocomplete_fields = ("request", "document")


@admin.register(models.Decision)
class DecisionAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Corrections of a recorded decision (its lines are set by the decision step)."""

    list_display = ("number", "date", "signer", "authority", "request")
    list_filter = ("authority",)
    search_fields = ("number", "signer")
    list_select_related = ("authority", "request__agency")
    readonly_fields = ("request", "recorded_by", "created_at", "updated_at")


class RollupAdmin(GroupedNumbersMixin, admin.ModelAdmin):
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


@admin.register(models.FixedAssetCriteria)
class FixedAssetCriteriaAdmin(admin.ModelAdmin):
    """The dated fixed-asset criteria; a change applies to assets saved from then on."""

    list_display = (
        "effective_from",
        "min_useful_life_years",
        "min_unit_cost",
        "categories_any_value",
        "classes_any_value",
        "legal_basis",
        "verify",
    )
    list_filter = ("verify",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(models.WearRate)
class WearRateAdmin(admin.ModelAdmin):
    """Dated lives and rates; saving one revalues the records of its class."""

    list_display = (
        "asset_class",
        "effective_from",
        "effective_to",
        "useful_life_years",
        "statutory_rate",
        "applied_rate",
        "legal_basis",
        "provincial_decision",
        "verify",
    )
    list_filter = ("verify", "asset_class__category", "effective_from")
    list_select_related = ("asset_class",)
    search_fields = ("asset_class__code", "asset_class__name", "legal_basis", "provincial_decision")
    readonly_fields = ("created_at", "updated_at")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each followed by its revaluation
        return actions

    def _revalue(self, request, obj):
        count = services.revalue_class(models.AssetClass.objects.get(pk=obj.asset_class_id))
        self.message_user(request, _("%(count)s records revalued with the new wear rate.") % {"count": count})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._revalue(request, obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._revalue(request, obj)


class LedgerAdmin(RollupAdmin):
    """Written by the year-end run only (`manage.py book_wear`): read-only, like the rollups."""


@admin.register(models.WearRun)
class WearRunAdmin(LedgerAdmin):
    list_display = ("id", "year", "booked_at", "booked_by", "entries", "total_wear")
    list_filter = ("year",)


@admin.register(models.BookedWear)
class BookedWearAdmin(LedgerAdmin):
    list_display = (
        "year",
        "asset",
        "premises",
        "original_cost",
        "rate",
        "amount",
        "accumulated_wear",
        "remaining_value",
        "note",
        "run",
    )
    list_filter = ("year", "note")
    list_select_related = ("asset", "premises", "run")
    search_fields = ("asset__code", "premises__code")
    show_full_result_count = False


@admin.register(models.SitePlan)
class SitePlanAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Corrections of a draft only: a new plan and its approval go through the site-plan
    pages or the API (`inventory.services.plans`), which check the rules; the status
    and the approval are read-only here, and an approved plan cannot be changed."""

    list_display = ("premises", "managing_agency", "responsible_person", "use", "status", "end_date", "approved_at")
    list_filter = ("status", "use", "priority_use")
    search_fields = ("premises__code", "premises__name", "responsible_person", "decision_ref")
    list_select_related = ("premises", "managing_agency")
    autocomplete_fields = ("premises", "managing_agency", "borrower")
    readonly_fields = ("status", "approved_by", "approved_at", "decision_ref", "created_by", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == SitePlanStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return False


class RevaluationAdminForm(forms.ModelForm):
    """A revaluation after damage, checked like the service checks it."""

    class Meta:
        model = models.Revaluation
        fields = (
            "asset",
            "house",
            "date",
            "appraisal_reference",
            "document",
            "new_original_cost",
            "new_remaining_value",
            "remaining_life_years",
        )

    def clean_document(self):
        return pdf_upload(self.cleaned_data.get("document"), _("The appraisal document must be a PDF document."))

    def clean(self):
        data = super().clean()
        asset, house = data.get("asset"), data.get("house")
        if bool(asset) == bool(house):
            raise ValidationError(_("Choose either an asset or a house."))
        for name, message in revaluation.refusals(
            asset or house, data.get("date"), data.get("remaining_life_years")
        ).items():
            self.add_error(name, message)
        return data


@admin.register(models.Revaluation)
class RevaluationAdmin(StoredFilesMixin, admin.ModelAdmin):
    """Revaluations after damage (Circular 23/2023 Art. 10.5, 13.1.c, 14.7): added here,
    applied by `inventory.services.revaluation.apply_revaluation` (it writes the record's
    book values), never changed afterwards."""

    form = RevaluationAdminForm
    file_links = {"document": "inventory:revaluation_document"}
    list_display = (
        "date",
        "asset",
        "house",
        "appraisal_reference",
        "new_original_cost",
        "new_remaining_value",
        "remaining_life_years",
        "annual_wear",
        "made_by",
    )
    list_filter = ("date",)
    list_select_related = ("asset", "house__premises", "made_by")
    search_fields = ("asset__code", "house__premises__code", "appraisal_reference")
    autocomplete_fields = ("asset", "house")
    readonly_fields = ("annual_wear", "original_cost_before", "remaining_value_before", "made_by", "legal_basis")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        applied = revaluation.apply_revaluation(
            data.get("asset") or data.get("house"),
            date=data["date"],
            appraisal_reference=data["appraisal_reference"],
            new_original_cost=data["new_original_cost"],
            new_remaining_value=data["new_remaining_value"],
            remaining_life_years=data["remaining_life_years"],
            document=data.get("document") or None,
            actor=request.user,
        )
        obj.pk = applied.pk
        obj.annual_wear = applied.annual_wear


@admin.register(models.WeeklyReturn)
class WeeklyReturnAdmin(RollupAdmin):
    """Issued weekly returns: frozen (PostgreSQL refuses changes), read-only here."""

    list_display = ("week", "cutoff", "issued_by", "issued_at")
    readonly_fields = ("week", "cutoff", "figures", "issued_by", "issued_at")


class PublicListingForm(forms.ModelForm):
    class Meta:
        model = models.PublicListing
        fields = ("premises", "summary", "photos")

    def clean(self):
        data = super().clean()
        premises, photos = data.get("premises"), data.get("photos")
        if premises and premises.status not in PUBLISHABLE_PREMISES_STATUSES:
            self.add_error(
                "premises", _("Only a surplus, partly surplus, under-handling or handled site can be published.")
            )
        if premises and photos and any(p.premises_id != premises.pk or p.kind != "photo" for p in photos):
            self.add_error("photos", _("Choose photos of this site only."))
        return data


@admin.register(models.PublicListing)
class PublicListingAdmin(admin.ModelAdmin):
    """Sites in the public register (/cong-khai/): published and withdrawn through
    `inventory.services.public`, which records who and when."""

    form = PublicListingForm
    list_display = ("premises", "published_by", "published_at", "withdrawn", "withdrawn_at")
    list_filter = ("withdrawn",)
    search_fields = ("premises__code", "premises__name")
    list_select_related = ("premises", "published_by")
    autocomplete_fields = ("premises",)
    filter_horizontal = ("photos",)
    readonly_fields = ("published_by", "published_at", "withdrawn", "withdrawn_at")
    actions = ("withdraw_selected", "publish_selected")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "premises") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        listing = public_services.publish(request.user, form.cleaned_data.get("premises") or obj.premises, obj.summary)
        obj.pk, obj._state.adding = listing.pk, False
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw from the public register"))
    def withdraw_selected(self, request, queryset):
        for listing in queryset.select_related("premises"):
            public_services.withdraw(request.user, listing)

    @admin.action(description=_("Publish in the public register"))
    def publish_selected(self, request, queryset):
        for listing in queryset.select_related("premises"):
            try:
                public_services.publish(request.user, listing.premises)
            except ValidationError as exc:
                self.message_user(request, f"{listing.premises}: {' '.join(exc.messages)}", messages.ERROR)


@admin.register(models.InterestRegistration)
class InterestRegistrationAdmin(admin.ModelAdmin):
    """Registrations of interest from /cong-khai/ (private): Finance sets the outcome."""

    list_display = ("premises", "name", "organisation", "priority_use", "contact", "status", "created_at")
    list_filter = ("status", "priority_use")
    search_fields = ("premises__code", "name", "organisation", "contact")
    list_select_related = ("premises", "priority_use")
    fields = ("premises", "name", "organisation", "priority_use", "use_details", "contact", "message", "status")
    readonly_fields = ("premises", "name", "organisation", "priority_use", "use_details", "contact", "message")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs: read-only (the services start them); a dead or failed one can be run
    again, its committed steps skipped."""

    list_display = ("id", "kind", "status", "done", "total", "owner", "admin_unit", "attempts", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("key",)
    list_select_related = ("owner", "admin_unit")
    readonly_fields = [f.name for f in models.Job._meta.fields]
    actions = ["run_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Run again (failed or dead jobs)"))
    def run_again(self, request, queryset):
        from inventory.services import jobs

        for job in queryset:
            jobs.retry(job)


@admin.register(models.JobStep)
class JobStepAdmin(admin.ModelAdmin):
    """The committed steps of background jobs (what a job run again skips)."""

    list_display = ("job", "index", "finished_at")
    search_fields = ("job__key",)
    list_select_related = ("job",)
    readonly_fields = ("job", "index", "summary", "finished_at")

    def has_add_permission(self, request):
        return False


@admin.register(models.GisPassword)
class GisPasswordAdmin(admin.ModelAdmin):
    """GIS passwords (HTTP Basic on /ogc/ only): made and shown once on the user's account
    page; here an administrator sees who holds one and can revoke it (only a hash is kept)."""

    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    readonly_fields = ("user", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
