"""Pickers that scale: choosing an institution, a group, a teacher or a learner is a search field, never a list of
thousands.

Each area registers the kinds it owns (`register`): which rows a viewer may pick (scoped as every query is), how
a row is shown (a label and a detail that tells two people of one name apart: the institution, the masked
personal code), and which other field of the form narrows the search (the institution chosen). `PickerWidget`
renders the field as a search box (GOV.UK's accessible-autocomplete, vendored in static/vendor) that asks
`pickers/<kind>/?q=…` and keeps the chosen row's id in a hidden input of the field's name, so the form and its
validation are unchanged: the field's own queryset still decides what is accepted. `use_pickers(form)` swaps
the widget of every model choice field whose model has a kind and that offers more than SMALL_LIST rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from eduboard.core.audit import audit_bulk_read
from eduboard.core.latvian import search_words
from eduboard.core.scope import Viewer

#: The most rows a search answers with; the person types more to narrow it.
LIMIT = 20

#: A field with at most this many choices stays a plain list (a head's own school or two are chosen faster
#: from a list than by typing); above it, the field becomes a search box.
SMALL_LIST = 15


@dataclass(frozen=True)
class PickerKind:
    """How one model is picked."""

    name: str
    model: type[models.Model]
    permission: str
    #: The rows a viewer may pick, narrowed by the search words and by the institution chosen (None: any in scope).
    search: Callable[[Viewer, str, int | None], models.QuerySet[Any]]
    label: Callable[[Any], str]
    detail: Callable[[Any], str] = lambda row: ""
    #: The field of the same form whose value narrows the search (its value is passed as `institution`).
    narrowed_by: str = "institution"
    #: Related rows to read with the page of results (so the details cost one query, not one per row).
    prefetch: tuple[Any, ...] = ()
    #: The list page that searches this kind in full (the global search links to it when there is more).
    list_url: str = ""
    #: Related rows a plain list's labels read (joined, so a short list costs one query, not one per option).
    select_related: tuple[str, ...] = ()
    #: Whether a short plain list shows the detail too (people: two "Anna Bērziņa" of one school).
    detail_in_lists: bool = False
    #: Whether the global search shows this kind (not a form's own view of a register the search shows already).
    in_search: bool = True


KINDS: dict[str, PickerKind] = {}
BY_MODEL: dict[type[models.Model], PickerKind] = {}


def register(kind: PickerKind) -> None:
    KINDS[kind.name] = kind
    BY_MODEL[kind.model] = kind


def search_results(kind: PickerKind, viewer: Viewer, query: str, institution: int | None) -> list[dict[str, Any]]:
    rows = kind.search(viewer, query, institution)
    if kind.prefetch:
        rows = rows.prefetch_related(*kind.prefetch)
    return [{"id": row.pk, "label": kind.label(row), "detail": kind.detail(row)} for row in rows[:LIMIT]]


@require_GET
def picker_view(request: HttpRequest, kind: str) -> JsonResponse:
    """The rows of `kind` matching `q` that the user may pick, at most LIMIT, as JSON."""
    picker = KINDS.get(kind)
    if picker is None:
        raise Http404
    if not request.user.has_perm(picker.permission):
        raise PermissionDenied
    query = request.GET.get("q", "")[:100]
    raw = request.GET.get("institution", "")
    institution = int(raw) if raw.isdigit() and len(raw) < 10 else None
    if not search_words(query):
        return JsonResponse({"results": []})
    results = search_results(picker, request.user, query, institution)
    audit_bulk_read(request=request, model=picker.model, rows=len(results), route=f"picker:{picker.name}")
    return JsonResponse({"results": results})


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """One search over every register the user may read (institutions, learners, staff, groups), each answered
    as its picker answers: names whatever the case and diacritics, at most LIMIT rows, scoped to the user."""
    query = request.GET.get("q", "")[:100]
    sections = []
    shown: dict[type[models.Model], int] = {}
    if search_words(query):
        for picker in KINDS.values():
            if not picker.in_search or not request.user.has_perm(picker.permission):
                continue
            rows = picker.search(request.user, query, None)
            if picker.prefetch:
                rows = rows.prefetch_related(*picker.prefetch)
            found = [
                {
                    "label": picker.label(row),
                    "detail": picker.detail(row),
                    "url": row.get_absolute_url() if hasattr(row, "get_absolute_url") else "",
                }
                for row in rows[: LIMIT + 1]
            ]
            shown[picker.model] = shown.get(picker.model, 0) + len(found[:LIMIT])
            sections.append(
                {
                    "title": picker.model._meta.verbose_name_plural,
                    "rows": found[:LIMIT],
                    "more": len(found) > LIMIT,
                    "list_url": picker.list_url and f"{reverse(picker.list_url)}?{urlencode({'q': query})}",
                }
            )
    for model, rows_shown in shown.items():
        # The learners (and any other children's rows) the search shows: one audit entry each, with the count.
        audit_bulk_read(request=request, model=model, rows=rows_shown, route="search")
    return render(request, "core/search.html", {"query": query, "sections": sections, "limit": LIMIT})


class PickerWidget(forms.Widget):
    """A model choice as a search box; the id goes in a hidden input of the field's name."""

    template_name = "core/picker.html"

    def __init__(self, kind: str, narrowed_by: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.narrowed_by = narrowed_by
        self.choices: Any = None  # set by the ModelChoiceField (its queryset: what the viewer may choose)

    def chosen_label(self, value: Any) -> str:
        """The label of the row now chosen (empty when none, or when it is not one the viewer may choose)."""
        if value in (None, "") or self.choices is None:
            return ""
        queryset = getattr(self.choices, "queryset", None)
        picker = KINDS[self.kind]
        if queryset is None:
            return ""
        try:
            row = queryset.filter(pk=value).first()
        except (ValueError, TypeError):
            return ""
        return "" if row is None else " · ".join(filter(None, [picker.label(row), picker.detail(row)]))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        value = value if not isinstance(value, list | tuple) else (value[0] if value else "")
        context["widget"].update(
            {
                "value": "" if value is None else str(value),
                "label": self.chosen_label(value),
                "url": reverse("picker", args=[self.kind]),
                "narrowed_by": self.narrowed_by,
                "texts": PICKER_TEXTS,
            }
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


PICKER_TEXTS = {
    "no_results": _("Nothing found"),
    "too_short": _("Type at least 2 letters of the name, or digits of the code"),
    "results": _("results"),
    "hint": _("Type to search; arrow keys choose, Enter confirms."),
    "placeholder": _("Type a name…"),
}


def choose_widget(form: forms.BaseForm, name: str, field: forms.Field) -> None:
    """Give the model choice field `name` the search box when its model has a picker kind and it offers more
    than SMALL_LIST rows, and its plain list again when a narrower queryset leaves a short list."""
    if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
        return
    if field.queryset is None:
        return
    picker = BY_MODEL.get(field.queryset.model)
    if picker is None:
        return
    large = field.queryset.order_by()[: SMALL_LIST + 1].count() > SMALL_LIST
    if large and not isinstance(field.widget, PickerWidget):
        plain = field.widget
        narrowed_by = picker.narrowed_by if picker.narrowed_by in form.fields and picker.narrowed_by != name else ""
        field.widget = PickerWidget(picker.name, narrowed_by=narrowed_by, attrs=plain.attrs)
        field.widget.is_required = field.required
        field.plain_widget = plain  # type: ignore[attr-defined]
    elif not large and isinstance(field.widget, PickerWidget) and hasattr(field, "plain_widget"):
        field.widget = field.plain_widget
    if not large and picker.select_related:
        field.queryset = field.queryset.select_related(*picker.select_related)
    if not large and picker.detail_in_lists:
        # Each option tells namesakes apart as the search does; the details read with the rows, not per row.
        if picker.prefetch:
            field.queryset = field.queryset.prefetch_related(*picker.prefetch)
        field.label_from_instance = functools.partial(_option_label, picker)  # type: ignore[method-assign]
    field.widget.choices = field.choices


def _option_label(picker: PickerKind, row: Any) -> str:
    return " · ".join(filter(None, [picker.label(row), picker.detail(row)]))


def use_pickers(form: forms.BaseForm) -> forms.BaseForm:
    """Give every model choice field of `form` whose model has a picker kind the search box instead of a long
    list (`choose_widget`)."""
    for name, field in form.fields.items():
        choose_widget(form, name, field)
    return form
