"""Filters shared by the lists of every area."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import OrderingFilter

WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# The whole numbers a filter takes: a 32-bit integer, which every column it compares with holds (and the schema says
# so), so a number beyond is refused by name instead of overflowing the database's.
FILTER_MIN, FILTER_MAX = -(2**31), 2**31 - 1


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's IntegerField also takes `2024.0` (and drops the `.0`), which is not a whole number
    as a client writes one."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", FILTER_MIN)
        kwargs.setdefault("max_value", FILTER_MAX)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if not WHOLE_NUMBER.fullmatch(str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": FILTER_MIN, "maximum": FILTER_MAX})
class IntegerFilter(django_filters.NumberFilter):
    """A filter by a whole number (a year, a grade, an id): django-filter's NumberFilter takes any decimal, so
    `?year=2024.5` or `?year=1e-81` would filter by nothing and answer an empty page instead of saying it is wrong."""

    field_class = WholeNumberField


# The white space Python's str.strip() takes away, but for control characters (refused anywhere in a request).
SPACES = "[\\t\\n\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


def sorts_by_column(queryset: Any, term: str) -> bool:
    """Whether `term` (`name`, `institution__sort_name`, an annotation) names one column the rows of `queryset` can
    be sorted by: each step but the last a relation to one row, the last a stored field (a relation to one row
    sorts by that row's own ordering)."""
    if term in getattr(queryset.query, "annotations", {}):
        return True
    model = queryset.model
    parts = term.split(LOOKUP_SEP)
    for position, part in enumerate(parts):
        if part == "pk":
            part = model._meta.pk.name
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not getattr(field, "concrete", False) or field.many_to_many or field.one_to_many:
            return False
        if position < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                return False
            model = field.related_model
    return True


class LatvianOrderingFilter(OrderingFilter):
    """The API's `ordering` parameter, where a view's `ordering_aliases` sort a name by its Latvian sort key
    (`?ordering=name` → `sort_name`, see core.latvian) instead of by character code. A field that cannot be sorted
    by is refused (400, naming the fields that can) rather than silently ignored, and the schema lists them."""

    def get_valid_fields(self, queryset: Any, view: Any, context: Any = None) -> list[tuple[str, Any]]:
        """The terms a list may be sorted by: those DRF takes (the view's `ordering_fields`, else its serializer's
        readable fields by their source) that name one column of the row or of a row it points to, directly or
        through the view's `ordering_aliases`. A field computed in Python (`head.__str__`, a property, a method)
        or a list of related rows (many-to-many, reverse) is left out: the database cannot sort by the first and
        would repeat rows for the second, so it is neither advertised nor accepted."""
        aliases: dict[str, str] = getattr(view, "ordering_aliases", {})
        return [
            item
            for item in super().get_valid_fields(queryset, view, context or {})
            if sorts_by_column(queryset, aliases.get(item[0], item[0]))
        ]

    def remove_invalid_fields(self, queryset: Any, fields: Any, view: Any, request: Any) -> Any:
        valid = [item[0] for item in self.get_valid_fields(queryset, view, {"request": request})]
        wrong = [term for term in fields if term.removeprefix("-") not in valid]
        if wrong:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("“%(terms)s” cannot be sorted by; sort by one of: %(valid)s (a minus sign for descending).")
                        % {"terms": ", ".join(wrong), "valid": ", ".join(valid)}
                    ]
                },
                code="invalid",
            )
        return fields

    def get_schema_operation_parameters(self, view: Any) -> Any:
        parameters = super().get_schema_operation_parameters(view)
        try:
            queryset = getattr(view, "queryset", None)
            if queryset is None:
                queryset = view.get_queryset()
            valid = [item[0] for item in self.get_valid_fields(queryset, view, {})]
        except Exception:  # a view whose fields cannot be listed without a request: the text stays free
            return parameters
        if not valid:  # a list in a fixed order (the preschool queue): nothing to sort by, so no parameter
            return []
        term = "-?(?:" + "|".join(re.escape(name) for name in valid) + ")"
        around = f"{SPACES}*"  # the spaces DRF strips around a term (control characters are refused anyway)
        for parameter in parameters:
            parameter["schema"] = {
                "type": "string",
                "pattern": f"^{around}{term}{around}(?:,{around}{term}{around})*$",
            }
            described = _("Sort by: %s; a minus sign for descending, several separated by commas.")
            parameter["description"] = described % ", ".join(valid)
        return parameters

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        aliases: dict[str, str] = getattr(view, "ordering_aliases", {})
        if not ordering or not aliases:
            return ordering
        mapped = []
        for term in ordering:
            descending = term.startswith("-")
            field = aliases.get(term.lstrip("-"), term.lstrip("-"))
            mapped.append(("-" if descending else "") + field)
        return mapped


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend for the API, whose refusals say what kind they are: a filter naming an object that is
    not there, or not the caller's (`?institution=` an id out of scope), is refused with the code `does_not_exist`,
    as a body naming one is, rather than `invalid_choice` (which stays for a value outside a fixed list)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            fields = filterset.form.fields
            raise ValidationError(
                {
                    name: [
                        ErrorDetail(
                            message,
                            code="does_not_exist"
                            if error.code == "invalid_choice" and isinstance(fields.get(name), forms.ModelChoiceField)
                            else error.code or "invalid",
                        )
                        for error in errors
                        for message in error.messages
                    ]
                    for name, errors in filterset.form.errors.as_data().items()
                }
            )
        return filterset.qs
