"""Filters of the teaching materials: the library's search and filters (one FilterSet serves the page and the API),
and the public list's filters."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from eduboard.centre.models import AgeBand, Module
from eduboard.materials import rules, selectors
from eduboard.materials.models import Material, MaterialVisibility


class MaterialFilter(django_filters.FilterSet):
    """The library's search and filters; the rows are narrowed by `selectors.filter_materials`."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="by_selector")
    module = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Module"), queryset=Module.objects.all(), method="by_selector"
    )
    age_band = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Age"), queryset=AgeBand.objects.all(), method="by_selector"
    )
    language = django_filters.ChoiceFilter(
        label=gettext_lazy("Language"), choices=rules.LANGUAGE_CHOICES, method="by_selector"
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=rules.KIND_CHOICES, method="by_selector")
    visibility = django_filters.ChoiceFilter(
        label=gettext_lazy("Who may see it"), choices=MaterialVisibility.choices, method="by_selector"
    )

    class Meta:
        model = Material
        fields = ["q", "module", "age_band", "language", "kind", "visibility"]

    def by_selector(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # all filters are applied together below

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.filter_materials(queryset, self.form.cleaned_data)


class MaterialApiFilter(MaterialFilter):
    """The library's filters for the API: the same, with the search and the module and age band declared by their
    kinds for the schema (`filter_queryset` applies every filter together, whatever each filter's method)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"))
    module = django_filters.ModelChoiceFilter(label=gettext_lazy("Module"), queryset=Module.objects.all())
    age_band = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Age"), queryset=AgeBand.objects.all(), field_name="age_bands"
    )


class PublicMaterialFilter(forms.Form):
    """The public list's search and filters, in the page's language."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    module = forms.ChoiceField(label=_("Module"), required=False)
    age_band = forms.ChoiceField(label=_("Age"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", "—"), *rules.LANGUAGE_CHOICES])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *rules.KIND_CHOICES])

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["module"]).choices = [
            ("", "—"),
            *((m.code, m.name(language)) for m in Module.objects.all()),
        ]
        cast(forms.ChoiceField, self.fields["age_band"]).choices = [
            ("", "—"),
            *((b.code, str(b)) for b in AgeBand.objects.all()),
        ]
