"""API of the site plans (`/api/v1/site-plans/`) and of the weekly return to the Ministry
of Finance (`/api/v1/reports/weekly/?week=YYYY-Www`). Kept beside `views.py` as one
module for one feature: the same list machinery (scope, FilterSet, keyset pages,
exports) and the same services as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory import weekly
from inventory.api.views import ApiView, ListViewSet, _example, _request_example, _run, _valid, documented
from inventory.api.views import expected_version as expected_version_of
from inventory.filtersets import SitePlanFilterSet
from inventory.models import SitePlan
from inventory.services import plans as plan_services

SITE_PLAN_FIELDS = [
    "id",
    "premises",
    "managing_agency",
    "responsible_person",
    "responsible_title",
    "use",
    "priority_use",
    "borrower",
    "description",
    "start_date",
    "end_date",
    "status",
    "approved_by",
    "approved_at",
    "decision_ref",
    "created_at",
    "updated_at",
]


class SitePlanSerializer(serializers.ModelSerializer):
    priority_use = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SitePlan
        fields = [*SITE_PLAN_FIELDS, "version"]


class SitePlanApproveSerializer(serializers.Serializer):
    decision_ref = serializers.CharField(max_length=120)


@documented(
    "An approved plan",
    {
        "id": 3,
        "premises": 41,
        "managing_agency": 7,
        "responsible_person": "Nguyễn Văn A",
        "use": "priority_use",
        "priority_use": "HEALTH",
        "start_date": "2026-11-01",
        "end_date": "2027-03-31",
        "status": "approved",
        "decision_ref": "1520/STC-QLCS",
    },
)
class SitePlanViewSet(ListViewSet):
    """Site plans (phương án sắp xếp lại, xử lý nhà, đất) of surplus, partly surplus and
    under-handling sites, within the user's scope; Finance approves a draft."""

    model = SitePlan
    serializer_class = SitePlanSerializer
    filterset_class = SitePlanFilterSet
    related = ("priority_use",)
    fields = SITE_PLAN_FIELDS
    export_name = "site-plans"
    ordering_fields = ["id", "created_at", "updated_at", "end_date"]

    @extend_schema(
        request=SitePlanApproveSerializer,
        responses=SitePlanSerializer,
        examples=[_request_example("An approval", {"decision_ref": "1520/STC-QLCS"})],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        data = dict(_valid(SitePlanApproveSerializer, request))
        version = expected_version_of(request)
        return _run(
            lambda: plan_services.approve_plan(
                request.user, plan, decision_ref=data["decision_ref"], expected_version=version
            ),
            self,
            plan,
        )


class WeeklyReturnView(ApiView, APIView):
    """The weekly return to the Ministry of Finance (Công điện 213/CĐ-TTg) of an ISO
    week: `frozen` true with who issued it and when if it was issued (the figures as
    reported), false if worked out now from history at the cut-off. For those who see
    the whole province (Finance, auditors, administrators)."""

    refuses_some_roles = True

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "week",
                OpenApiTypes.STR,
                pattern=weekly.WEEK_PATTERN,
                allow_blank=False,
                description="ISO week, e.g. 2026-W48, from 2025 to the current week (default: the current week); "
                "a week 53 only in the years that have one",
            )
        ],
        responses=OpenApiTypes.OBJECT,
        examples=[
            _example(
                "A live return",
                {
                    "week": "2026-W48",
                    "frozen": False,
                    "issued_by": None,
                    "issued_at": None,
                    "figures": {"cutoff": "2026-11-27T12:00:00+07:00", "processed_total": 12, "remaining": {}},
                },
            )
        ],
    )
    def get(self, request):
        values = request.query_params.getlist("week")
        try:
            if len(values) > 1:
                raise ValueError(_("The week must be written as YYYY-Www, e.g. 2026-W48."))
            label = weekly.parse_week(values[0]) if values else weekly.current_week()
        except ValueError as exc:
            raise ValidationError({"week": str(exc)}) from None
        figures, frozen = weekly.weekly_return(request.user, label)
        return Response(
            {
                "week": label,
                "frozen": frozen is not None,
                "issued_by": (frozen.issued_by.get_username() if frozen else None),
                "issued_at": (frozen.issued_at if frozen else None),
                "figures": figures,
            }
        )
