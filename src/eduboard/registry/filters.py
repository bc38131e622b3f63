"""Filters shared by the registry's pages and API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.registry.models import Institution


class InstitutionFilter(django_filters.FilterSet):
    """Filter institutions by a word of the name or registration number, and by type."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Institution._meta.get_field("type").choices)

    class Meta:
        model = Institution
        fields = ["q", "type"]

    def search(self, queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(registration_number__startswith=value)
        )
