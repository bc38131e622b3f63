"""The list page every area uses: filter, sort, paginate, export; htmx gets the table alone."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_filters.views import FilterView

from eduboard.core.exports import EXPORT_FORMATS, Column, table_response


class FilteredListView(FilterView):
    """A list page driven by a django-filter FilterSet.

    Subclasses name `filterset_class`, `template_name`, `partial_template_name` (the table alone,
    answered to htmx requests), `sort_fields` (query value -> ORM ordering) and `export_columns`.
    `get_base_queryset` returns the rows in the user's scope.
    `?sort=name` or `?sort=-name` sorts; `?export=csv|xlsx` downloads every filtered row.
    """

    paginate_by = 25
    partial_template_name: ClassVar[str] = ""
    sort_fields: ClassVar[dict[str, str]] = {}
    default_sort: ClassVar[str] = ""
    export_columns: ClassVar[list[Column]] = []
    export_filename: ClassVar[str] = "export"

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", self.default_sort)
        return requested if requested.lstrip("-") in self.sort_fields else self.default_sort

    def sort_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        sort = self.current_sort()
        if not sort:
            return queryset
        field = self.sort_fields[sort.lstrip("-")]
        return queryset.order_by(("-" if sort.startswith("-") else "") + field, "pk")

    def get_base_queryset(self) -> QuerySet[Any]:
        """The rows this user may see, before filters; every subclass scopes it with visible_to."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.sort_queryset(self.get_base_queryset())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("export", "")
        if fmt in EXPORT_FORMATS and self.export_columns:
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
            return table_response(
                filename=self.export_filename, fmt=fmt, columns=self.export_columns, rows=rows.iterator(chunk_size=2000)
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["query_without_page"] = query.urlencode()
        unsorted = query.copy()
        unsorted.pop("sort", None)
        context["query_without_sort"] = unsorted.urlencode()
        context["current_sort"] = self.current_sort()
        context["export_formats"] = EXPORT_FORMATS if self.export_columns else ()
        return context

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()
