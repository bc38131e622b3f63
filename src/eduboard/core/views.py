"""The bases every page of rows stands on: the viewer's scope applied by the base (`scoped_rows`, `scoped_object`,
`ScopedListView`, `ScopedDetailView`), the list page every area uses (filter, sort, paginate, export; htmx gets the
table alone), and the error pages.

A view declares what it shows (a model, or a queryset of it); the base narrows it with the family's one scope rule
(`visible_to`, or `editable_by` for pages that change rows) before anything else touches it. A structural test
(tests/accounts/test_view_scope_structure.py) fails when a view module reads a scoped model any other way.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, server_error
from django.views.generic import DetailView
from django_filters.views import FilterView

from eduboard.core import replica
from eduboard.core.audit import audit_bulk_read, audit_export
from eduboard.core.exports import EXPORT_FORMATS, Column, table_response
from eduboard.core.latvian import found_order
from eduboard.core.pickers import use_pickers
from eduboard.core.scope import scoped

REAUTH_SESSION_KEY = "eduboard_reauthenticated_at"


def recently_reauthenticated(request: HttpRequest) -> bool:
    """Whether the user confirmed their password (and second factor) within REAUTH_VALID_SECONDS."""
    confirmed = request.session.get(REAUTH_SESSION_KEY, 0)
    return bool(confirmed) and time.time() - float(confirmed) < settings.REAUTH_VALID_SECONDS


def scoped_rows(request: HttpRequest, source: type[Model] | QuerySet[Any], *, editing: bool = False) -> QuerySet[Any]:
    """The rows of `source` (a model, or a queryset of it with its joins) that the request's user may read, or
    change with `editing`: the one way a view reaches a scoped model's rows."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    return scoped(queryset, request.user, editing=editing)


def scoped_object(
    request: HttpRequest, source: type[Model] | QuerySet[Any], *, editing: bool = False, **lookup: Any
) -> Any:
    """The one row of `source` named by `lookup` within the user's scope (`editing`: the rows they may change);
    404 for a row outside it, exactly like a missing one."""
    return get_object_or_404(scoped_rows(request, source, editing=editing), **lookup)


class _Counted:
    """An iterable that counts what passes through it (the rows an export wrote)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


#: A name search counts the rows it finds up to this many and says "more than" beyond: a country's common name finds
#: thousands, and counting them all cost more than finding the page shown.
SEARCH_COUNT_CAP = 1000


#: The first pages of a search that found more than SEARCH_COUNT_CAP rows are read along the sort index (below).
WALKED_PAGES = 2


class CappedPaginator(Paginator):
    """Pages over at most SEARCH_COUNT_CAP rows, counted without sorting them; `capped` when more were found.

    `walk_order`: the list's plain ordering, for PostgreSQL, where a search sorts the rows it found
    (`core.latvian.found_order`: right for a rare name, whose few rows the planner would look for along the whole
    sort index). A name common enough to pass the cap is the opposite case: its first pages are met within a few
    hundred rows of the sort index, so they are read along it (the same rows in the same order), 2 ms against 18 ms
    for "berzina" (8,171 found) on the national set; deeper pages sort the rows found again."""

    def __init__(self, *args: Any, walk_order: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.walk_order = walk_order

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        if not (self.walk_order and self.capped and number <= WALKED_PAGES):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = cast(QuerySet[Any], self.object_list).order_by(*self.walk_order)
        return Page(rows[bottom:top], number, self)

    @cached_property
    def found(self) -> int:
        """The rows found, counted up to one past the cap (one query: a count over a LIMIT, no ORDER BY)."""
        rows = cast(QuerySet[Any], self.object_list)  # a list view's queryset
        return int(rows.order_by()[: SEARCH_COUNT_CAP + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self.found, SEARCH_COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.found > SEARCH_COUNT_CAP


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
    #: Columns added when the export is asked with `codes=full` (full personal codes), and the permission it needs.
    full_code_columns: ClassVar[list[Column]] = []
    full_code_permission: ClassVar[str] = ""
    #: The filter that searches names (core.latvian): while it is used, the page sorts the rows found.
    search_param: ClassVar[str] = "q"

    def searching(self) -> bool:
        """Whether the request searches names (the `search_param` filter holds words)."""
        return bool(self.request.GET.get(self.search_param, "").strip())

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", self.default_sort)
        return requested if requested.lstrip("-") in self.sort_fields else self.default_sort

    def sort_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        sort = self.current_sort()
        if not sort:
            return queryset
        field = self.sort_fields[sort.lstrip("-")]
        descending = sort.startswith("-")
        if self.searching() and connection.vendor == "postgresql":
            # A name search: the rows found are sorted, not looked for along the sort index (core.latvian).
            return queryset.order_by(found_order(field, descending=descending), "pk")
        return queryset.order_by(*self.plain_order())

    def plain_order(self) -> tuple[str, ...]:
        """The ordering of the current sort, along its index."""
        sort = self.current_sort()
        if not sort:
            return ()
        return (("-" if sort.startswith("-") else "") + self.sort_fields[sort.lstrip("-")], "pk")

    def get_base_queryset(self) -> QuerySet[Any]:
        """The rows this user may see, before filters; every subclass scopes it with visible_to."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.sort_queryset(self.get_base_queryset())

    def get_paginator(self, queryset: Any, per_page: int, *args: Any, **kwargs: Any) -> Paginator:
        """A name search pages over its first SEARCH_COUNT_CAP rows (`CappedPaginator`); other lists over all."""
        if self.searching():
            walk_order = self.plain_order() if connection.vendor == "postgresql" else ()
            return CappedPaginator(queryset, per_page, *args, walk_order=walk_order, **kwargs)
        paginator: Paginator = super().get_paginator(queryset, per_page, *args, **kwargs)
        return paginator

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("export", "")
        if fmt in EXPORT_FORMATS and self.export_columns:
            return self.export(request, fmt)
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def get_filterset(self, filterset_class: Any) -> Any:
        """The filters, with a search box for each choice of institution, group, learner or teacher."""
        filterset = super().get_filterset(filterset_class)
        use_pickers(filterset.form)
        return filterset

    def export(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """Every filtered row as a file, written to the audit trail with its filter and row count.

        With `codes=full` (only for users who may see full personal codes) the file carries them; more than
        BULK_EXPORT_REAUTH_ROWS such rows ask for the password (and second factor) again, and each user may make
        FULL_CODE_EXPORTS_PER_HOUR of them an hour."""
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        columns = list(self.export_columns)
        full_codes = request.GET.get("codes") == "full" and bool(self.full_code_columns)
        if full_codes:
            if not request.user.has_perm(self.full_code_permission):
                raise PermissionDenied(_("Your role does not show full personal codes."))
            if rows.count() > settings.BULK_EXPORT_REAUTH_ROWS and not recently_reauthenticated(request):
                confirm = reverse("accounts:reauthenticate")
                return redirect(f"{confirm}?{urlencode({'next': request.get_full_path()})}")
            key = f"eduboard:full-code-exports:{request.user.pk}:{int(time.time() // 3600)}"
            cache.add(key, 0, timeout=3600)
            if cache.incr(key) > settings.FULL_CODE_EXPORTS_PER_HOUR:
                return HttpResponse(
                    _("Too many exports with full personal codes this hour; try again later."), status=429
                )
            columns += self.full_code_columns
        counted = _Counted(rows.iterator(chunk_size=2000))
        with replica.reading(replica.replica_alias()):  # the file is written here, from the replica if there is one
            response = table_response(filename=self.export_filename, fmt=fmt, columns=columns, rows=counted)
        audit_export(request=request, model=rows.model, fmt=fmt, rows=counted.count, full_codes=full_codes)
        return response

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
        context["full_code_export"] = bool(self.full_code_columns) and self.request.user.has_perm(
            self.full_code_permission
        )
        shown = context.get("object_list")
        if shown is not None and hasattr(shown, "model"):
            audit_bulk_read(request=self.request, model=shown.model, rows=len(shown))
        return cast(dict[str, Any], context)

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        names: list[str] = super().get_template_names()
        return names


class ScopedListView(FilteredListView):
    """A list of one model's rows, narrowed to the viewer by the base.

    Subclasses name `model` (or `queryset`, the model's rows with their joins) and may narrow further in
    `get_rows`; the base applies `visible_to` (`editable_by` with `scope_editing`) to whatever comes out, so no
    list can show a row outside the viewer's scope. Subclasses do not override `get_base_queryset`.
    """

    model: ClassVar[type[Model]]
    queryset: ClassVar[QuerySet[Any] | None] = None
    scope_editing: ClassVar[bool] = False

    def get_rows(self) -> QuerySet[Any]:
        """The rows before the viewer's scope (joins, a fixed filter); the base narrows them."""
        if self.queryset is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get_base_queryset(self) -> QuerySet[Any]:
        return scoped_rows(self.request, self.get_rows(), editing=self.scope_editing)


class ScopedDetailView(DetailView):
    """One row, found within the viewer's scope (404 outside it, exactly like a missing row)."""

    scope_editing: ClassVar[bool] = False

    def get_queryset(self) -> QuerySet[Any]:
        return scoped_rows(self.request, super().get_queryset(), editing=self.scope_editing)


def not_found_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (the API's every answer is JSON), the friendly page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


def server_error_view(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, the friendly page elsewhere; the error itself is logged by Django."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Internal error; it was logged. Try again later.")}, status=500)
    return server_error(request)
