"""Cursor (keyset) pagination: a page deep in a million rows costs what the first costs.

What a caller sends is checked before it reaches the database: `page_size` is a whole
number from 1 to the maximum, and a cursor must decode to a position of the type of the
first ordering field (a number within PostgreSQL's range, a date, text without NUL);
anything else is a 400 naming the parameter, never a server error."""

import decimal
import math
import re

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint; ids and offsets never exceed it
AMOUNT_MAX = 10**15  # far beyond any area or value, well inside numeric(…)
_WHOLE = re.compile(r"^[0-9]+$")


class CheckedCursorPagination(CursorPagination):
    """Keyset pages whose `page_size` and `cursor` are validated (400 naming them)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if len(values) > 1 or not _WHOLE.match(value) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}}
            )
        return int(value)

    def decode_cursor(self, request):
        if len(request.query_params.getlist(self.cursor_query_param)) > 1:
            raise self._bad_cursor()
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._bad_cursor() from None
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _bad_cursor(self):
        return ValidationError({self.cursor_query_param: _("The cursor is not one this API gave out.")})

    def _check_position(self, position: str) -> None:
        """The position is compared with the first ordering field in SQL: it must be a
        value of that field's type that PostgreSQL takes."""
        name = self.ordering[0].lstrip("-")
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if "\x00" in position:
            raise self._bad_cursor()
        if field is None:
            return
        try:
            value = field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise self._bad_cursor() from None
        if isinstance(field, models.IntegerField | models.AutoField) and not -BIGINT_MAX <= value <= BIGINT_MAX:
            raise self._bad_cursor()
        if isinstance(value, decimal.Decimal | float) and not (math.isfinite(value) and abs(value) <= AMOUNT_MAX):
            raise self._bad_cursor()

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = f"Rows per page, 1 to {self.max_page_size} (default {self.page_size})."
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = "The position of a page: take it from the `next` or `previous` link."
        return parameters


class KeysetPagination(CheckedCursorPagination):
    ordering = "id"
    ordering_param = "ordering"

    def get_ordering(self, request, queryset, view):
        """Any ordering the view allows, always ending in `id` so positions are unique."""
        ordering = list(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") == "id" for field in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return tuple(ordering)


class HistoryPagination(CheckedCursorPagination):
    ordering = "-pgh_id"  # event ids grow with time
