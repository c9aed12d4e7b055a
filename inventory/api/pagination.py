"""Cursor (keyset) pagination: a page deep in a million rows costs what the first costs."""

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "id"
    ordering_param = "ordering"

    def get_ordering(self, request, queryset, view):
        """Any ordering the view allows, always ending in `id` so positions are unique."""
        ordering = list(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") == "id" for field in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return tuple(ordering)
