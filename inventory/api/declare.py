"""Declaring through the API: the same form, rules and service as the web page
(`inventory.forms.FORMS`, `services.declarations.propose`), for the phone's outbox.

`POST /api/v1/declare/<premises|asset|need>/` declares a new record,
`POST /api/v1/declare/<target>/<id>/` a change to one (with `If-Match: "<version>"`, the
version the change was made on). The body is the web form's fields (multipart, with
`photos` files, or JSON). With an `Idempotency-Key` a replay gets the first answer and
writes nothing (`services.idempotency`)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.api.views import ApiView, _example, _request_example
from inventory.choices import OPEN_DECLARATION_STATUSES, ItemTarget
from inventory.forms import FORMS
from inventory.models import DeclarationItem
from inventory.permissions import can_declare
from inventory.services import attachments as attachment_service
from inventory.services import declarations as services
from inventory.services import idempotency
from inventory.services import payload as P
from inventory.versioning import StaleVersion, parse_version
from inventory.views.common import record_id

HEADERS = [
    OpenApiParameter(
        "Idempotency-Key",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="A key the client makes for this write (8–100 of A–Z a–z 0–9 - _ . :). Sent again, the "
        "first answer comes back and nothing is written; with another body, 422.",
    ),
    OpenApiParameter(
        "If-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description='For a change: the version of the record the change was made on ("3"); '
        "if the record has changed since, 412 and nothing is saved.",
    ),
]


TARGET = OpenApiParameter(
    "target",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(ItemTarget.values),
    description="What is declared: premises, asset or need; anything else is a 404.",
)


POST_SCHEMA = {
    "examples": [
        _request_example(
            "A need",
            {"agency": "DEMO-DV-00001", "kind": "floor_area", "floor_area": "200", "purpose": "Kho lưu trữ"},
        ),
        _example(
            "Declared",
            {
                "item": 812,
                "item_version": 1,
                "code": "NC-26734-0000123",
                "declaration": 57,
                "url": "/declarations/57/",
                "photos": [301, 302],
            },
        ),
    ],
    "parameters": [*HEADERS, TARGET],
    "request": {"multipart/form-data": OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
    "responses": dict.fromkeys((200, 201, 400, 412, 422, 428), OpenApiTypes.OBJECT),
}


def open_item(target: str, record):
    """The record's declared change still open (draft or returned), if any."""
    return DeclarationItem.objects.filter(
        target=target,
        code=record.code,
        status__in=services.OPEN_ITEM_STATUSES,
        declaration__status__in=OPEN_DECLARATION_STATUSES,
    ).first()


class CsrfTokenView(ApiView, APIView):
    """The session's CSRF token, for the outbox's writes: a page kept offline may carry
    a token from before the user signed in again."""

    @extend_schema(
        summary="The session's CSRF token for the outbox's writes",
        responses={200: {"type": "object", "properties": {"csrf_token": {"type": "string"}}}},
        examples=[_example("Token", {"csrf_token": "…"})],
    )
    def get(self, request):
        return Response({"csrf_token": get_token(request)}, headers={"Cache-Control": "no-store"})


class DeclareView(ApiView, APIView):
    """Declare a new record or a change, with photos, once."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Declare a new record (the web form's fields; `photos` files)", **POST_SCHEMA)
    def post(self, request, target=None, pk=None):
        if target not in ItemTarget.values:
            raise NotFound
        if not can_declare(request.user):
            raise PermissionDenied
        record = None
        if pk is not None:
            if record_id(pk) is None:
                raise NotFound
            record = get_object_or_404(P.MODELS[target].objects.visible_to(request.user), pk=record_id(pk))
        return idempotency.once(request, lambda: self._declare(request, target, record))

    def _declare(self, request, target, record) -> Response:
        data = _fields(request)
        if record is not None:
            version = parse_version(request.headers.get("If-Match") or data.get("version"))
            if version is None:
                return Response(
                    {"detail": _("Send the version the change was made on (If-Match).")},
                    status=status.HTTP_428_PRECONDITION_REQUIRED,
                )
            data["version"] = str(version)
        item = open_item(target, record) if record is not None else None
        form = FORMS[target](data, user=request.user, record=record, item=item)
        if not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=status.HTTP_400_BAD_REQUEST)
        photos = request.FILES.getlist("photos")
        if len(photos) > attachment_service.MAX_ITEM_PHOTOS:
            return _too_many_photos()
        try:
            with transaction.atomic():
                saved = services.propose(
                    request.user,
                    target,
                    form.payload,
                    record=record,
                    expected_version=form.opened_version,
                    expected_item_version=form.opened_item_version,
                )
                stored = [attachment_service.attach_to_item(request.user, saved, p) for p in photos] if saved else []
        except StaleVersion as exc:
            return _conflict(exc, target, form)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return Response(
                {"errors": {k: [{"message": m} for m in v] for k, v in errors.items()}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if saved is None:
            return Response({"item": None, "detail": _("Nothing changed: the record already has these values.")})
        return Response(
            {
                "item": saved.pk,
                "item_version": saved.version,
                "code": saved.code,
                "declaration": saved.declaration_id,
                "url": reverse("inventory:declaration_detail", args=[saved.declaration_id]),
                "photos": [a.pk for a in stored],
            },
            status=status.HTTP_201_CREATED,
        )


def _fields(request):
    """The declared fields: the request's data without its files."""
    data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
    if hasattr(data, "pop"):
        for name in list(request.FILES):
            data.pop(name, None)
    return data


def _too_many_photos() -> Response:
    message = _("At most %(n)s files per declared record.") % {"n": attachment_service.MAX_ITEM_PHOTOS}
    return Response({"errors": {"photos": [{"message": message}]}}, status=status.HTTP_400_BAD_REQUEST)


class DeclareChangeView(DeclareView):
    """Declare a change to a record, on the version it was made on (If-Match)."""

    @extend_schema(
        operation_id="v1_declare_change", summary="Declare a change to a record (If-Match: its version)", **POST_SCHEMA
    )
    def post(self, request, target=None, pk=None):
        return super().post(request, target, pk)


def _conflict(exc: StaleVersion, target: str, form) -> Response:
    """412: the record as it is now beside the refused change, field by field where they
    differ (values as a payload writes them, so 720 and 720.00 are the same); nothing
    was saved. The web's conflict page (`conflict.html`) shows the same from history."""
    record = exc.record
    now = P.to_payload(record, target) if isinstance(record, P.MODELS[target]) else {}
    yours = form.payload or {}
    rows = [
        {"field": str(form.fields[name].label) if name in form.fields else name, "now": now.get(name), "yours": value}
        for name, value in yours.items()
        if name in now and _text(now.get(name)) != _text(value)
    ]
    response = Response(
        {"detail": str(exc), "current_version": record.version, "conflict": rows},
        status=status.HTTP_412_PRECONDITION_FAILED,
    )
    response["ETag"] = f'"{record.version}"'
    return response


def _text(value) -> str:
    return "" if value in (None, "") else str(value)
