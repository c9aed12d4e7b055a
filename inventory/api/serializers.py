"""Serializers of the API. Field names are those of the model; foreign keys are ids
(the same columns the CSV, XLSX and GeoJSON exports carry)."""

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from inventory.models import (
    AdministrativeUnit,
    Agency,
    Asset,
    Decision,
    Declaration,
    HandlingRecord,
    HandlingRequest,
    House,
    Need,
    Premises,
)
from inventory.models.valued import book_value_differs

PREMISES_FIELDS = list(Premises.PUBLIC_FIELDS)
ASSET_FIELDS = list(Asset.PUBLIC_FIELDS)
HOUSE_FIELDS = [
    "id",
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
    "original_cost",
    "cost_state_budget",
    "cost_other_sources",
    "book_remaining_value",
    "book_accumulated_wear",
    "book_date",
    "remaining_value",
    "condition",
]
UNIT_FIELDS = ["id", "level", "code", "name", "type_name", "parent", "province", "area_km2", "valid_from", "valid_to"]
AGENCY_FIELDS = [
    "id",
    "code",
    "name",
    "kind",
    "dkts_code",
    "superior",
    "admin_unit",
    "address",
    "is_active",
    "dissolved_on",
    "is_demo",
]
DECLARATION_FIELDS = [
    "id",
    "agency",
    "kind",
    "status",
    "created_by",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "created_at",
    "updated_at",
]
NEED_FIELDS = [
    "id",
    "code",
    "agency",
    "kind",
    "asset_class",
    "floor_area",
    "quantity",
    "priority_use",
    "purpose",
    "urgency",
    "status",
    "is_demo",
    "updated_at",
]
HANDLING_FIELDS = [
    "id",
    "request",
    "decision",
    "premises",
    "asset",
    "floor_area",
    "quantity",
    "need",
    "form",
    "reason",
    "priority_use",
    "current_use",
    "intended_use",
    "receiving_agency",
    "status",
    "decision_number",
    "decision_date",
    "decider",
    "decision_due",
    "deadline",
    "handover_number",
    "handover_date",
    "closed_on",
    "cancel_reason",
    "basis",
    "temporary_handover",
    "handover_documents",
    "accounts_due",
    "sale_method",
    "revalued_value",
    "liquidation_method",
    "proceeds",
    "proceeds_paid_on",
    "created_at",
    "updated_at",
]
REQUEST_FIELDS = [
    "id",
    "agency",
    "status",
    "purpose",
    "superior_letter",
    "filed_at",
    "return_comment",
    "completed_on",
    "review_opinion",
    "draft_decision",
    "reviewed_at",
    "created_at",
    "updated_at",
]
DECISION_FIELDS = [
    "id",
    "request",
    "number",
    "date",
    "signer",
    "authority",
    "seller",
    "valid_until",
    "extended_until",
    "created_at",
    "updated_at",
]


class AdministrativeUnitSerializer(serializers.ModelSerializer):
    centroid = GeometryField(read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = [*UNIT_FIELDS, "centroid"]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = AGENCY_FIELDS


class HouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = House
        fields = HOUSE_FIELDS
        read_only_fields = HOUSE_FIELDS


class BookDiffersField(serializers.BooleanField):
    """`book_differs` of a record, or of a history row (`?as_of=`), which has the values
    but not the model's property: the one rule (`valued.book_value_differs`) on both."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        return book_value_differs(value.book_remaining_value, value.remaining_value)


class PremisesSerializer(serializers.ModelSerializer):
    """`book_*` are the book values (what forms print); `remaining_value` is the check
    recomputed by the system and `book_differs` flags a difference beyond the tolerance."""

    location = GeometryField(read_only=True)
    book_differs = BookDiffersField()
    houses = serializers.SerializerMethodField(
        help_text="The houses of the site (read-only); the building columns are their totals."
    )

    class Meta:
        model = Premises
        fields = [*PREMISES_FIELDS, "book_differs", "version", "location", "houses"]

    def get_houses(self, obj) -> list[dict]:
        as_of = self.context.get("houses_as_of")  # premises id -> houses from history
        rows = as_of.get(obj.pgh_obj_id, []) if as_of is not None else obj.houses.all()
        return HouseSerializer(rows, many=True).data


class AssetSerializer(serializers.ModelSerializer):
    """Book values and check as for premises."""

    asset_class = serializers.SlugRelatedField(slug_field="code", read_only=True)
    book_differs = BookDiffersField()

    class Meta:
        model = Asset
        fields = [*ASSET_FIELDS, "book_differs", "version"]


class DeclarationSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [*DECLARATION_FIELDS, "version", "items"]

    def get_items(self, declaration) -> list[dict]:
        return [
            {
                "id": item.pk,
                "target": item.target,
                "action": item.action,
                "code": item.code,
                "status": item.status,
                "payload": item.payload,
                "review_comment": item.review_comment,
            }
            for item in declaration.items.all()
        ]


class NeedSerializer(serializers.ModelSerializer):
    asset_class = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    priority_use = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Need
        fields = [*NEED_FIELDS, "version"]


class HandlingRecordSerializer(serializers.ModelSerializer):
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reason = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    priority_use = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HandlingRecord
        fields = [*HANDLING_FIELDS, "version", "overdue"]

    def get_overdue(self, record) -> bool:
        return record.overdue()


class HandlingRequestSerializer(serializers.ModelSerializer):
    """A handling request (form 01/TSC-XLTS) with the ids of its lines and the codes of
    the documents its file holds."""

    lines = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = HandlingRequest
        fields = [*REQUEST_FIELDS, "lines", "documents", "version"]

    def get_documents(self, request) -> list[str]:
        return [d.document.code for d in request.documents.all()]


class DecisionSerializer(serializers.ModelSerializer):
    """A handling decision with the lines it covers."""

    authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lines = HandlingRecordSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [*DECISION_FIELDS, "lines", "version"]


# -- inputs of the write actions ----------------------------------------------------------
class ApproveSerializer(serializers.Serializer):
    decision_number = serializers.CharField(max_length=60)
    decision_date = serializers.DateField()
    decider = serializers.CharField(max_length=255)


class CarryOutSerializer(serializers.Serializer):
    handover_number = serializers.CharField(max_length=60)
    handover_date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField()


class DocumentsSerializer(serializers.Serializer):
    documents = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=255),
        required=False,
        default=dict,
        help_text="required document code → its number, date or note",
    )


class RequestReviewSerializer(serializers.Serializer):
    opinion = serializers.CharField()
    draft_decision = serializers.CharField(required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    date = serializers.DateField()
    signer = serializers.CharField(max_length=255)
    authority_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    seller = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class HistorySerializer(serializers.Serializer):
    """One change: which object, what happened, who, when, from where, and the values
    before and after (for an update, only the fields that changed)."""

    id = serializers.IntegerField(source="pgh_id")
    model = serializers.SerializerMethodField()
    object_id = serializers.IntegerField(source="pgh_obj_id")
    action = serializers.CharField(source="pgh_label")
    time = serializers.DateTimeField(source="pgh_created_at")
    actor = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()

    def _metadata(self, event) -> dict:
        return event.pgh_context.metadata if event.pgh_context_id else {}

    def get_model(self, event) -> str:
        return self.context["model"]

    def get_actor(self, event) -> str | None:
        metadata = self._metadata(event)
        return self.context["usernames"].get(metadata.get("user")) or metadata.get("command")

    def get_url(self, event) -> str | None:
        return self._metadata(event).get("url")

    def _values(self):
        from inventory.history import event_values

        return event_values

    def get_before(self, event) -> dict | None:
        values = self._values()
        if event.pgh_label == "insert":
            return None
        if event.pgh_label == "delete":
            return values(event)
        previous = self.context["previous"].get(event.pgh_id)
        before, after = values(previous) if previous else {}, values(event)
        return {k: before.get(k) for k in after if before.get(k) != after[k]}

    def get_after(self, event) -> dict | None:
        values = self._values()
        if event.pgh_label == "delete":
            return None
        if event.pgh_label == "insert":
            return values(event)
        previous = self.context["previous"].get(event.pgh_id)
        before, after = values(previous) if previous else {}, values(event)
        return {k: v for k, v in after.items() if before.get(k) != v}
