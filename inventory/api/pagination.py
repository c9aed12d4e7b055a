"""Cursor (keyset) pagination: a page deep in a million rows costs what the first costs.

What a caller sends is checked before it reaches the database: `page_size` is a whole
number from 1 to the maximum, and a cursor must decode to a position of the type of the
first ordering field (a number within PostgreSQL's range, a date, text without NUL);
anything else is a 400 naming the parameter, never a server error."""

import datetime as dt
import decimal
import math
import re

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint; ids and offsets never exceed it
AMOUNT_MAX = 10**15  # far beyond any area or value, well inside numeric(…)
_WHOLE = re.compile(r"^[0-9]+$")
# A cursor is DRF's: base64 of `o=<offset>&r=<0|1>&p=<position>`; the schema says so, and
# a cursor is only ever taken from a `next` or `previous` link.
CURSOR_PATTERN = r"^[A-Za-z0-9+/]+={0,2}$"
SORT_SUFFIX = "_sort"


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
        values = request.query_params.getlist(self.cursor_query_param)
        if len(values) > 1 or (values and not re.fullmatch(CURSOR_PATTERN.strip("^$"), values[0])):
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
        name = self.ordering[0].lstrip("-").removesuffix(SORT_SUFFIX)
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

    def check_parameters(self, queryset, request, view) -> None:
        """`page_size` and `cursor` checked as for a page, where no page is cut (an
        export has every row): what a page refuses, an export refuses too."""
        self.get_page_size(request)
        self.model = queryset.model
        self.ordering = self.get_ordering(request, queryset, view)
        self.decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = f"Rows per page, 1 to {self.max_page_size} (default {self.page_size})."
            elif parameter["name"] == self.cursor_query_param:
                parameter["schema"] = {"type": "string", "pattern": CURSOR_PATTERN}
                parameter["description"] = (
                    "The position of a page: take it from the `next` or `previous` link, as it is and with the "
                    "same `ordering` and filters; any other cursor is a 400."
                )
        return parameters


def _lowest(field):
    """A value below every value of `field` that the cursor check still takes: where a
    nullable field sorts its empty values (first in ascending order)."""
    if isinstance(field, models.DateTimeField):
        return Value(dt.datetime(1, 1, 1, tzinfo=dt.UTC), output_field=models.DateTimeField())
    if isinstance(field, models.DateField):
        return Value(dt.date(1, 1, 1), output_field=models.DateField())
    if isinstance(field, models.DecimalField | models.FloatField):
        return Value(decimal.Decimal(-AMOUNT_MAX), output_field=models.DecimalField())
    if isinstance(field, models.IntegerField):
        return Value(-BIGINT_MAX, output_field=models.BigIntegerField())
    return Value("", output_field=models.TextField())


class KeysetPagination(CheckedCursorPagination):
    """Keyset pages in any ordering the view allows. A position must never be NULL (a
    cursor holding "None" would be refused, and `> NULL` finds nothing): a nullable
    field is sorted by `<field>_sort`, the field with its empty values as the lowest
    value of its type, so they come first in ascending order and last in descending."""

    ordering = "id"
    ordering_param = "ordering"

    def get_ordering(self, request, queryset, view):
        """Any ordering the view allows, always ending in `id` so positions are unique."""
        ordering = list(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") == "id" for field in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        nullable = self._nullable(queryset.model)
        return tuple(f"{f}{SORT_SUFFIX}" if f.lstrip("-") in nullable else f for f in ordering)

    @staticmethod
    def _nullable(model) -> dict:
        return {f.name: f for f in model._meta.concrete_fields if f.null}

    def with_sort_keys(self, queryset, ordering):
        """`queryset` with the `<field>_sort` columns `ordering` names."""
        nullable = self._nullable(queryset.model)
        keys = {}
        for name in (f.lstrip("-") for f in ordering):
            base = name.removesuffix(SORT_SUFFIX)
            if name != base and base in nullable and name not in queryset.query.annotations:
                keys[name] = Coalesce(F(base), _lowest(nullable[base]))
        return queryset.annotate(**keys) if keys else queryset

    def ordered(self, queryset, request, view):
        """The queryset in the order of the pages (exports and GeoJSON use it) and that order."""
        ordering = self.get_ordering(request, queryset, view)
        return self.with_sort_keys(queryset, ordering).order_by(*ordering), ordering

    def paginate_queryset(self, queryset, request, view=None):
        queryset = self.with_sort_keys(queryset, self.get_ordering(request, queryset, view))
        return super().paginate_queryset(queryset, request, view)


class HistoryPagination(CheckedCursorPagination):
    ordering = "-pgh_id"  # event ids grow with time
