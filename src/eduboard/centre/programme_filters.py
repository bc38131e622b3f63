"""Filters of the centre's programme lists: student companies, fairs, programme events and partners."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from eduboard.centre.choices import PartnerKind, ProgrammeKind
from eduboard.centre.models import CentrePartner, Fair, ProgrammeEvent, StudentCompany

DATE_INPUT = django_filters.widgets.forms.DateInput(attrs={"type": "date"})


class StudentCompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, school or product"), method="search")
    running = django_filters.BooleanFilter(label=_("Still running"), field_name="wound_up_on", lookup_expr="isnull")

    class Meta:
        model = StudentCompany
        fields = ["q", "running"]

    def search(self, queryset: QuerySet[StudentCompany], name: str, value: str) -> QuerySet[StudentCompany]:
        return queryset.filter(
            Q(name__icontains=value) | Q(school_name__icontains=value) | Q(products__icontains=value)
        )


class FairFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT)

    class Meta:
        model = Fair
        fields = ["date_from", "date_to"]


class ProgrammeEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProgrammeKind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="starts_on", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), field_name="starts_on", lookup_expr="lte", widget=DATE_INPUT)

    class Meta:
        model = ProgrammeEvent
        fields = ["kind", "date_from", "date_to"]


class PartnerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartnerKind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: list(countries))
    q = django_filters.CharFilter(label=_("Organisation or cooperation"), method="search")

    class Meta:
        model = CentrePartner
        fields = ["kind", "country", "q"]

    def search(self, queryset: QuerySet[CentrePartner], name: str, value: str) -> QuerySet[CentrePartner]:
        return queryset.filter(Q(name__icontains=value) | Q(cooperation__icontains=value))
