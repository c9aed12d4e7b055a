"""API views. Every list goes through the user's scope (`visible_to`), its FilterSet and
keyset pagination; spatial lists also answer GeoJSON (written by PostGIS); every list
exports as CSV and XLSX with the same filters. Writes are actions that call the same
services as the web pages, which decide who may do what."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory import filterfields, filtersets, history, reports
from inventory.api import exports
from inventory.api import serializers as api_serializers
from inventory.api.geojson import feature_collection
from inventory.api.pagination import BIGINT_MAX, HistoryPagination, KeysetPagination
from inventory.api.renderers import CSVRenderer, GeoJSONRenderer, XLSXRenderer
from inventory.api.schema import ApiSchema
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
    RequestDocument,
    SitePlan,
    User,
)
from inventory.permissions import can_read_history, sees_every_record
from inventory.querysets import history_visible_to
from inventory.services import declarations as declaration_services
from inventory.services import handling as handling_services
from inventory.services import jobs
from inventory.srs import SRS_LABELS, WGS84, parse_srid
from inventory.versioning import StaleVersion, parse_version

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The records as they stood at the end of this day (YYYY-MM-DD, today or earlier), from history.",
)


def format_parameter(spatial: bool) -> OpenApiParameter:
    formats = ["json", "geojson", "csv", "xlsx"] if spatial else ["json", "csv", "xlsx"]
    return OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=formats,
        description="json (paginated), "
        + ("geojson (a FeatureCollection per page), " if spatial else "")
        + "csv or xlsx (every row, streamed).",
    )


def _example(name, value):
    return OpenApiExample(name, value=value, response_only=True)


def _request_example(name, value):
    return OpenApiExample(name, value=value, request_only=True)


def documented(name: str, example: dict, as_of: bool = False):
    """The schema of a list viewset: its formats (and as_of) and one example, shown on
    the list (inside a page) and on the single record."""
    extra = [AS_OF] if as_of else []

    def decorate(viewset):
        fmt = format_parameter(bool(viewset.geometry))
        return extend_schema_view(
            list=extend_schema(parameters=[fmt, *extra], examples=[_example(name, example)]),
            retrieve=extend_schema(parameters=extra, examples=[_example(name, example)]),
        )(viewset)

    return decorate


class ApiView:
    """What every API view shares: its schema is completed by `ApiSchema`, and errors
    are JSON whatever format was asked for (a CSV or XLSX client gets a JSON 400, not
    a JSON body labelled text/csv)."""

    schema = ApiSchema()
    refuses_some_roles = False  # True where a signed-in user may get 403 on a read

    def initial(self, request, *args, **kwargs):
        """No parameter may hold NUL (PostgreSQL takes none in text; the schema says so),
        including those a view ignores, such as an unknown `ordering`. A method the view
        does not answer is a 405 before anything else (not a 404 for a `format` that only
        the list has)."""
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        bad = sorted({key for key, value in request.query_params.lists() if any("\x00" in v for v in value)})
        if bad:
            raise ValidationError({key: _("Null characters are not allowed.") for key in bad})

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class ListViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A read-only list of one model: scope, filters, ordering, keyset pages, exports."""

    model = None
    fields: list[str] = []
    related: tuple = ()
    geometry: str | None = None  # field path of the geometry of a spatial list
    export_name = "export"
    pagination_class = KeysetPagination
    lookup_value_regex = "[^/]+"  # any id reaches the view, which answers a JSON 404 for a bad one
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["id", "code", "name", "updated_at"]

    def get_renderers(self):
        """Lists in every format (GeoJSON when spatial); a record and a step in JSON."""
        renderers = [JSONRenderer(), BrowsableAPIRenderer()]
        if getattr(self, "action", None) == "list":
            renderers += [GeoJSONRenderer()] if self.geometry else []
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.base_queryset().select_related(*self.related)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        version = response.data.get("version") if isinstance(response.data, dict) else None
        if version is not None:
            response["ETag"] = f'"{version}"'  # send it back in If-Match to change the record
        return response

    def list(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        srid = self.export_srid()  # checked in every format, used by the exports
        queryset = self.filter_queryset(self.get_queryset())
        if fmt in ("csv", "xlsx"):  # every row, in the order of the pages
            self.paginator.check_parameters(queryset, request, self)  # not used, but checked as in every format
            queryset = self.paginator.ordered(queryset, request, self)[0]
            job = self._export_job(request, queryset, fmt)
            if job is not None:
                return job
        if fmt == "csv":
            return exports.csv_response(queryset, self.fields, self.export_name, self.geometry, srid)
        if fmt == "xlsx":
            return exports.xlsx_response(queryset, self.fields, self.export_name, self.geometry, srid)
        if fmt == "geojson":
            return self._geojson(queryset)
        return super().list(request, *args, **kwargs)

    def export_srid(self) -> int:
        """`?srs=`: the system of the coordinates of a CSV, XLSX or GeoJSON list (WGS 84
        unless told; VN-2000 TM-3 104°45′ 9208 or UTM 48N 3405); anything else is a 400."""
        values = self.request.query_params.getlist("srs")
        if not values:
            return WGS84
        srid = parse_srid(values[0]) if len(values) == 1 else None
        if srid is None:
            raise ValidationError(
                {"srs": _("Use one of %(srids)s.") % {"srids": ", ".join(str(s) for s in SRS_LABELS)}}
            )
        return srid

    def _export_job(self, request, queryset, fmt):
        """An export of more rows than JOB_EXPORT_ROWS is written by a background job: the
        answer is 202 with the job's status URL (its page shows progress, then the file)."""
        limit = settings.JOB_EXPORT_ROWS
        if jobs.IN_JOB.get() is not None or queryset.order_by()[: limit + 1].count() <= limit:
            return None
        job = jobs.start_export(request, fmt, total=queryset.order_by().count())
        status = reverse("inventory:job_status", args=[job.pk])
        response = JsonResponse(
            {"job": job.pk, "status": job.status, "status_url": request.build_absolute_uri(status),
             "page": request.build_absolute_uri(reverse("inventory:job_detail", args=[job.pk]))},
            status=202,
        )
        response["Location"] = request.build_absolute_uri(status)
        return response

    def _geojson(self, queryset):
        """One page as a FeatureCollection: the page's keys by keyset pagination, the
        features by PostGIS in one query."""
        paginator = self.paginator
        ordered, ordering = paginator.ordered(queryset, self.request, self)
        keys = paginator.paginate_queryset(ordered.values(*{f.lstrip("-") for f in ordering}), self.request, view=self)
        ids = [k["id"] for k in keys]
        if ordering in (("id",), ("-id",)) and ids:
            # In id order a page is a range of ids, which the primary key index reads directly.
            page = queryset.filter(id__gte=min(ids), id__lte=max(ids)).order_by(*ordering)
        else:
            page = paginator.with_sort_keys(queryset.filter(id__in=ids), ordering).order_by(*ordering)
        links = [{"rel": "self", "type": "application/geo+json", "href": self.request.build_absolute_uri()}]
        if paginator.get_next_link():
            links.append({"rel": "next", "type": "application/geo+json", "href": paginator.get_next_link()})
        text = feature_collection(
            page, self.fields, self.geometry, {"numberReturned": len(keys), "links": links}, srid=self.export_srid()
        )
        return HttpResponse(text, content_type="application/geo+json")


def as_of_param(request):
    """The `as_of` day of an API request, or None; a bad one (empty or repeated
    included) is a 400 naming it."""
    values = request.query_params.getlist("as_of")
    if not values:
        return None
    try:
        if len(values) > 1 or not values[0].strip():
            raise ValueError(_("The date must be written as YYYY-MM-DD."))
        return reports.parse_as_of(values[0])
    except ValueError as exc:
        raise ValidationError({"as_of": str(exc)}) from None


class AsOfMixin:
    """`?as_of=YYYY-MM-DD`: the records from history, as they stood at the end of that day."""

    def as_of(self):
        return as_of_param(self.request)

    def base_queryset(self):
        as_of = self.as_of()
        if as_of is None:
            return super().base_queryset()
        return history_visible_to(self.model, reports.as_of_rows(self.model, as_of), self.request.user)

    def filter_queryset(self, queryset):
        """The same filters on history rows (the event tables carry the same columns)."""
        if self.as_of() is None:
            return super().filter_queryset(queryset)
        filterset = self.filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return OrderingFilter().filter_queryset(self.request, filterset.qs, self)

    def get_object(self):
        if self.as_of() is None:
            return super().get_object()
        pk = self.kwargs["pk"]
        obj = None
        if pk.isascii() and pk.isdigit() and int(pk) <= BIGINT_MAX:  # no id, no query (and no 500)
            obj = self.filter_queryset(self.get_queryset()).filter(id=int(pk)).first()
        if obj is None:
            from django.http import Http404

            raise Http404
        return obj


@documented("A commune", {"id": 2, "level": "commune", "code": "16735", "name": "Phường Thành Vinh"})
class AdministrativeUnitViewSet(ListViewSet):
    """Administrative units: the province, the communes since 2025 and the former
    districts and communes (valid until 2025-06-30). Everyone signed in sees them all."""

    model = AdministrativeUnit
    serializer_class = api_serializers.AdministrativeUnitSerializer
    filterset_class = filtersets.AdministrativeUnitFilterSet
    fields = api_serializers.UNIT_FIELDS
    geometry = "centroid"
    export_name = "admin-units"

    def base_queryset(self):
        return AdministrativeUnit.objects.all()


@documented("An agency", {"id": 1, "code": "DV-00001", "name": "UBND phường Thành Vinh"})
class AgencyViewSet(ListViewSet):
    """Agencies managing or using public assets (đơn vị quản lý, sử dụng)."""

    model = Agency
    serializer_class = api_serializers.AgencySerializer
    filterset_class = filtersets.AgencyFilterSet
    fields = api_serializers.AGENCY_FIELDS
    export_name = "agencies"


@documented(
    "A surplus premises",
    {"id": 12, "code": "TS-000012", "name": "Trụ sở UBND xã Hưng Lộc (cũ)", "status": "surplus"},
    as_of=True,
)
class PremisesViewSet(AsOfMixin, ListViewSet):
    """Premises (cơ sở nhà, đất): headquarters and other public-service sites."""

    model = Premises
    serializer_class = api_serializers.PremisesSerializer
    filterset_class = filtersets.PremisesFilterSet
    fields = api_serializers.PREMISES_FIELDS
    geometry = "location"
    export_name = "premises"
    ordering_fields = ["id", "code", "name", "updated_at", "floor_area", "remaining_value"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.as_of() is None:
            queryset = queryset.prefetch_related(Prefetch("houses", queryset=House.objects.order_by("id")))
        return queryset

    def get_serializer(self, *args, **kwargs):
        """As of a day, each premises shows its houses as they stood then (one query a page)."""
        as_of = self.as_of()
        if as_of is not None and args:
            many = kwargs.get("many", False)
            rows = list(args[0]) if many else [args[0]]
            houses = defaultdict(list)
            found = reports.as_of_rows(House, as_of).filter(premises_id__in=[r.pgh_obj_id for r in rows])
            for house in found.order_by("pgh_obj_id"):
                houses[house.premises_id].append(house)
            kwargs["context"] = {**self.get_serializer_context(), "houses_as_of": houses}
            args = (rows if many else rows[0], *args[1:])
        return super().get_serializer(*args, **kwargs)


@documented("A car", {"id": 3, "code": "TS00000003", "name": "Xe ô tô 7 chỗ", "asset_class": "OTO"}, as_of=True)
class AssetViewSet(AsOfMixin, ListViewSet):
    """Assets (tài sản): a fixed asset per record, with the `group_code` of the row or
    line it came in; tools and instruments as lines with a quantity. Their place is the
    premises where they are kept."""

    model = Asset
    serializer_class = api_serializers.AssetSerializer
    filterset_class = filtersets.AssetFilterSet
    related = ("asset_class",)
    fields = api_serializers.ASSET_FIELDS
    geometry = "premises__location"
    export_name = "assets"
    ordering_fields = ["id", "code", "name", "updated_at", "original_cost", "remaining_value"]


@documented("A submitted declaration", {"id": 5, "status": "submitted"})
class DeclarationViewSet(ListViewSet):
    """Declarations (kê khai) with their items; submit and review as on the web."""

    model = Declaration
    serializer_class = api_serializers.DeclarationSerializer
    filterset_class = filtersets.DeclarationFilterSet
    fields = api_serializers.DECLARATION_FIELDS
    export_name = "declarations"
    ordering_fields = ["id", "submitted_at", "updated_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items")

    @extend_schema(
        request=None,
        responses=api_serializers.DeclarationSerializer,
        examples=[_example("Submitted", {"id": 5, "status": "submitted"})],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        declaration = self.get_object()
        version = expected_version(request)
        return _run(lambda: declaration_services.submit(request.user, declaration, version), self, declaration)

    @extend_schema(
        request=api_serializers.ReviewSerializer,
        responses=api_serializers.DeclarationSerializer,
        examples=[_request_example("Return for correction", {"approve": False, "comment": "Thiếu diện tích đất."})],
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Finance's review for the decider: its opinion and the draft decision."""
        declaration = self.get_object()
        data = _valid(api_serializers.ReviewSerializer, request)
        version = expected_version(request)
        return _run(
            lambda: declaration_services.review_declaration(
                request.user, declaration, data["approve"], data["comment"], version
            ),
            self,
            declaration,
        )


@documented("A floor-area need", {"id": 1, "code": "NC-0001", "kind": "floor_area"})
class NeedViewSet(ListViewSet):
    """Needs declared by agencies (nhu cầu): floor area or asset items."""

    model = Need
    serializer_class = api_serializers.NeedSerializer
    filterset_class = filtersets.NeedFilterSet
    related = ("asset_class", "priority_use")
    fields = api_serializers.NEED_FIELDS
    export_name = "needs"


@documented("A proposed transfer", {"id": 9, "form": "TRANSFER", "status": "proposed"})
class HandlingRecordViewSet(ListViewSet):
    """Handling records: proposed → approved → carried out → closed (or cancelled)."""

    model = HandlingRecord
    serializer_class = api_serializers.HandlingRecordSerializer
    filterset_class = filtersets.HandlingRecordFilterSet
    related = ("form", "reason", "priority_use")
    fields = api_serializers.HANDLING_FIELDS
    export_name = "handling-records"
    ordering_fields = ["id", "created_at", "updated_at", "deadline", "decision_due"]

    def _step(self, request, call, input_serializer=None):
        record = self.get_object()
        data = dict(_valid(input_serializer, request)) if input_serializer else {}
        data["expected_version"] = expected_version(request)
        return _run(lambda: call(record, data), self, record)

    @extend_schema(
        request=api_serializers.ApproveSerializer,
        responses=api_serializers.HandlingRecordSerializer,
        examples=[
            _request_example(
                "A decision",
                {"decision_number": "215/QĐ-UBND", "decision_date": "2026-11-20", "decider": "Chủ tịch UBND tỉnh"},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(
            request, lambda r, d: handling_services.approve(request.user, r, **d), api_serializers.ApproveSerializer
        )

    @extend_schema(
        request=api_serializers.CarryOutSerializer,
        responses=api_serializers.HandlingRecordSerializer,
        examples=[_request_example("A hand-over", {"handover_number": "BB-12", "handover_date": "2026-11-24"})],
    )
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request, pk=None):
        return self._step(
            request, lambda r, d: handling_services.carry_out(request.user, r, **d), api_serializers.CarryOutSerializer
        )

    @extend_schema(
        request=None,
        responses=api_serializers.HandlingRecordSerializer,
        examples=[_example("Closed", {"id": 9, "status": "closed"})],
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, lambda r, d: handling_services.close(request.user, r, d["expected_version"]))

    @extend_schema(
        request=api_serializers.CancelSerializer,
        responses=api_serializers.HandlingRecordSerializer,
        examples=[_request_example("A reason", {"reason": "Đơn vị rút đề nghị."})],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(
            request,
            lambda r, d: handling_services.cancel(
                request.user, r, reason=d["reason"], expected_version=d["expected_version"]
            ),
            api_serializers.CancelSerializer,
        )


@documented("A request returned for a document", {"id": 4, "agency": 12, "status": "returned", "lines": [9, 10]})
class HandlingRequestViewSet(ListViewSet):
    """Handling requests (hồ sơ đề nghị xử lý, form 01/TSC-XLTS) and their steps: return
    with a comment, resubmit with documents, mark complete, Finance review, decision."""

    model = HandlingRequest
    serializer_class = api_serializers.HandlingRequestSerializer
    filterset_class = filtersets.HandlingRequestFilterSet
    fields = api_serializers.REQUEST_FIELDS
    export_name = "handling-requests"
    ordering_fields = ["id", "filed_at", "updated_at"]

    def get_queryset(self):
        # the document each attached file answers, joined: one query however many are attached
        documents = Prefetch("documents", queryset=RequestDocument.objects.select_related("document"))
        return super().get_queryset().prefetch_related("lines", documents)

    def _step(self, request, call, input_serializer=None):
        handling_request = self.get_object()
        data = dict(_valid(input_serializer, request)) if input_serializer else {}
        data["expected_version"] = expected_version(request)
        return _run(lambda: call(handling_request, data), self, handling_request)

    @extend_schema(
        request=api_serializers.ReturnSerializer,
        responses=api_serializers.HandlingRequestSerializer,
        examples=[_request_example("A missing document", {"comment": "Thiếu dự toán sửa chữa."})],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_request(self, request, pk=None):
        """Finance returns the file to the agency with what to add or correct."""
        return self._step(
            request,
            lambda r, d: handling_services.return_request(request.user, r, d["comment"], d["expected_version"]),
            api_serializers.ReturnSerializer,
        )

    @extend_schema(
        request=api_serializers.DocumentsSerializer,
        responses=api_serializers.HandlingRequestSerializer,
        examples=[_request_example("The document added", {"documents": {"DOC-REPAIR-ESTIMATE": "Dự toán 10/11"}})],
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """The agency adds documents and files the returned request again."""
        return self._step(
            request, lambda r, d: handling_services.resubmit(request.user, r, **d), api_serializers.DocumentsSerializer
        )

    @extend_schema(
        request=None,
        responses=api_serializers.HandlingRequestSerializer,
        examples=[_example("The file complete", {"id": 4, "status": "complete", "completed_on": "2026-11-20"})],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Finance finds the file complete: the decision clock of each line starts."""
        return self._step(request, lambda r, d: handling_services.mark_complete(request.user, r, d["expected_version"]))

    @extend_schema(
        request=api_serializers.RequestReviewSerializer,
        responses=api_serializers.HandlingRequestSerializer,
        examples=[_request_example("An opinion", {"opinion": "Đề nghị phê duyệt.", "draft_decision": ""})],
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(
            request,
            lambda r, d: handling_services.review(request.user, r, **d),
            api_serializers.RequestReviewSerializer,
        )

    @extend_schema(
        request=api_serializers.DecideSerializer,
        responses=api_serializers.HandlingRequestSerializer,
        examples=[
            _request_example(
                "A decision", {"number": "45/QĐ-UBND", "date": "2026-11-20", "signer": "Chủ tịch UBND tỉnh"}
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The signed decision for every open line of a reviewed request."""

        def call(r, d):
            d["authority_code"] = d["authority_code"] or None
            handling_services.decide(request.user, r, **d)

        return self._step(request, call, api_serializers.DecideSerializer)


@documented("A decision", {"id": 3, "request": 4, "number": "45/QĐ-UBND", "date": "2026-11-20", "lines": []})
class DecisionViewSet(ListViewSet):
    """Handling decisions (quyết định xử lý), each with the lines it covers."""

    model = Decision
    serializer_class = api_serializers.DecisionSerializer
    filterset_class = filtersets.DecisionFilterSet
    related = ("authority",)
    fields = api_serializers.DECISION_FIELDS
    export_name = "decisions"
    ordering_fields = ["id", "date", "updated_at"]

    def get_queryset(self):
        lines = HandlingRecord.objects.select_related("form", "reason", "priority_use")
        return super().get_queryset().prefetch_related(Prefetch("lines", queryset=lines))


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def expected_version(request):
    """The version a write is based on: `If-Match: "<version>"` (the ETag of the record
    as read) or `version` in the body; None when the caller gives neither."""
    return parse_version(request.headers.get("If-Match") or request.data.get("version"))


def _run(call, view, obj):
    """Run a service: a stale version is a 412 that names the current one; a refusal
    naming fields (what the caller sent is wrong) a 400 with the same messages; a
    refusal naming no field (the record's state does not allow the step: already
    submitted, not waiting for review, a status that cannot follow) a 409."""
    try:
        call()
    except StaleVersion as exc:
        response = Response(
            {"detail": str(exc), "current_version": exc.record.version}, status=status.HTTP_412_PRECONDITION_FAILED
        )
        response["ETag"] = f'"{exc.record.version}"'
        return response
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from None
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    obj.refresh_from_db()
    response = Response(view.get_serializer(obj).data)
    response["ETag"] = f'"{obj.version}"'
    return response


# -- history ------------------------------------------------------------------------------
TRACKED = {
    "premises": Premises,
    "assets": Asset,
    "needs": Need,
    "declarations": Declaration,
    "handling-records": HandlingRecord,
    "site-plans": SitePlan,
    "handling-requests": HandlingRequest,
    "decisions": Decision,
    "agencies": Agency,
    "admin-units": AdministrativeUnit,
}


class _FormFieldParameter(serializers.Field):
    """A query parameter checked by one of the API filters' form fields, so a history
    parameter accepts and refuses exactly what the same kind of filter does."""

    form_field = None

    def get_value(self, dictionary):
        # Given, it must be valid: `?until=` is refused, not taken for an absent parameter.
        return dictionary.get(self.field_name, serializers.empty)

    def to_internal_value(self, data):
        try:
            return self.form_field().clean(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeParameter(_FormFieldParameter):
    form_field = filterfields.DateTimeField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdParameter(_FormFieldParameter):
    form_field = filterfields.IdField


class PresentChoiceField(serializers.ChoiceField):
    """A choice that, when the parameter is given, must be one of the choices: DRF takes
    an empty optional query parameter for an absent one; `?action=` is refused instead,
    as the schema's enum says."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, serializers.empty)


class HistoryFilterSerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=list(TRACKED), help_text="whose history")
    object = IdParameter(required=False, help_text="the record's id")
    action = PresentChoiceField(
        choices=["insert", "update", "delete"], required=False, help_text="what happened to the record"
    )
    since = DateTimeParameter(required=False, help_text="changes at or after this moment (ISO 8601)")
    until = DateTimeParameter(required=False, help_text="changes at or before this moment (ISO 8601)")
    actor = serializers.CharField(required=False, allow_blank=True, help_text="username of who made the change")


@extend_schema_view(
    list=extend_schema(
        parameters=[HistoryFilterSerializer],
        examples=[
            _example(
                "A status change",
                {
                    "model": "premises",
                    "object_id": 12,
                    "action": "update",
                    "actor": "demo-finance",
                    "before": {"status": "surplus"},
                    "after": {"status": "under_handling"},
                },
            )
        ],
    )
)
class HistoryViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every change to the records of one kind (`model`): object, action, actor, time,
    and the values before and after (for a change, only what changed). Declarants see
    the history of their unit's premises, assets and needs."""

    serializer_class = api_serializers.HistorySerializer
    pagination_class = HistoryPagination
    refuses_some_roles = True  # declarants, for other kinds than premises, assets and needs

    def filters(self):
        params = HistoryFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator looking
            return Premises.events.rel.related_model.objects.none()
        p = self.filters()
        model = TRACKED[p["model"]]
        user = self.request.user
        events = model.events.rel.related_model.objects.select_related("pgh_context")
        if not can_read_history(user, model):
            raise PermissionDenied(_("Declarants read the history of their premises, assets and needs."))
        if not sees_every_record(user):  # the records' own scope, as they stand now
            # soft-deleted records included: their history stays readable (`all_objects`)
            records = getattr(model, "all_objects", model.objects)
            if hasattr(records, "visible_to"):  # reference data (units) is everyone's
                events = events.filter(pgh_obj_id__in=records.visible_to(user).values("pk"))
        if "object" in p:
            events = events.filter(pgh_obj_id=p["object"])
        if "action" in p:
            events = events.filter(pgh_label=p["action"])
        if "since" in p:
            events = events.filter(pgh_created_at__gte=p["since"])
        if "until" in p:
            events = events.filter(pgh_created_at__lte=p["until"])
        if "actor" in p:
            actor = User.objects.filter(username=p["actor"]).values_list("pk", flat=True).first()
            events = events.filter(pgh_context__metadata__user=actor)
        return events

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        previous = history.previous_events(page)
        ids = {(e.pgh_context.metadata if e.pgh_context_id else {}).get("user") for e in page} - {None}
        context = {
            **self.get_serializer_context(),
            "usernames": dict(User.objects.filter(pk__in=ids).values_list("pk", "username")),
            "previous": previous,
            "model": self.filters()["model"],
        }
        return self.get_paginated_response(api_serializers.HistorySerializer(page, many=True, context=context).data)


# -- reports ------------------------------------------------------------------------------
class ReportView(ApiView, APIView):
    """A report (`surplus`: handling progress of surplus houses and land; `assets`: assets
    by commune and class) as JSON, live or `?as_of=YYYY-MM-DD`, within the user's scope."""

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(reports.BUILDERS),
                description="surplus (handling of surplus premises) or assets (by commune and class)",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
        examples=[_example("Tables", {"title": "…", "as_of": None, "tables": [{"key": "by_form", "rows": []}]})],
    )
    def get(self, request, name):
        if name not in reports.BUILDERS:
            return Response({"detail": _("Unknown report.")}, status=status.HTTP_404_NOT_FOUND)
        as_of = as_of_param(request)
        report = reports.build(name, request.user, as_of)
        return Response(
            {
                "title": report.title,
                "as_of": report.as_of,
                "tables": [
                    {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows, "total": t.total}
                    for t in report.tables
                ],
            }
        )
