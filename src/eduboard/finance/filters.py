"""Filters of the finance pages and API (one FilterSet serves both)."""

from __future__ import annotations

import django_filters
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.core.filters import IntegerFilter
from eduboard.finance.choices import CateringServes, CateringStatus, Direction, Purpose, SettlementLevel
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    Expenditure,
    FundingSource,
    SettlementLine,
)
from eduboard.registry.filters import institutions_in_scope
from eduboard.registry.models import Institution, Municipality


def sources_in_scope(request: object) -> QuerySet[FundingSource]:
    """The funding sources a filter's request may choose from: the viewer's boards', one per code."""
    user = getattr(request, "user", None)
    if not user:
        return FundingSource.objects.none()
    rows = FundingSource.objects.visible_to(user)
    return rows.filter(pk__in=rows.order_by().values("code").annotate(first=Min("pk")).values("first")).order_by("pk")


class AllocationFilter(django_filters.FilterSet):
    """Allocations by year, recipient, purpose and source."""

    year = IntegerFilter(label=_("Year"))
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=institutions_in_scope, method="by_institution"
    )
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices)
    source = django_filters.ModelChoiceFilter(
        label=_("Funding source"), queryset=sources_in_scope, to_field_name="code", method="by_source"
    )

    class Meta:
        model = Allocation
        fields = ["year", "institution", "purpose", "source"]

    def by_source(self, queryset: QuerySet[Allocation], name: str, value: FundingSource) -> QuerySet[Allocation]:
        """Allocations from the source with that code, of whichever board (each board has its own `state`, …)."""
        return queryset.filter(source__code=value.code)

    def by_institution(self, queryset: QuerySet[Allocation], name: str, value: Institution) -> QuerySet[Allocation]:
        """The institution's own allocations and those of groups it belongs to."""
        return queryset.filter(Q(institution=value) | Q(institution_set__members=value)).distinct()


class ExpenditureFilter(django_filters.FilterSet):
    """Spending by allocation, period and text."""

    allocation = IntegerFilter(label=_("Allocation"), field_name="allocation_id")
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Document or description"), method="search")

    class Meta:
        model = Expenditure
        fields = ["allocation", "date_from", "date_to", "q"]

    def search(self, queryset: QuerySet[Expenditure], name: str, value: str) -> QuerySet[Expenditure]:
        return queryset.filter(Q(document__icontains=value) | Q(description__icontains=value))


class SettlementFilter(django_filters.FilterSet):
    """Settlement lines by municipality, direction, level and period."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=Municipality.objects.filter(is_home=False)
    )
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=SettlementLevel.choices)
    date_from = django_filters.DateFilter(label=_("Period from"), field_name="period_start", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Period to"), field_name="period_end", lookup_expr="lte")

    class Meta:
        model = SettlementLine
        fields = ["municipality", "direction", "level", "date_from", "date_to"]


class CostRateFilter(django_filters.FilterSet):
    """Cost rates by year and kind."""

    year = IntegerFilter(label=_("Year"))

    class Meta:
        model = CostRate
        fields = ["year", "kind"]


class CateringFilter(django_filters.FilterSet):
    """Catering contracts by whose meals, status and the day they were applied for or concluded."""

    serves = django_filters.ChoiceFilter(label=_("Meals of"), choices=CateringServes.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CateringStatus.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="decided_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="decided_on", lookup_expr="lte")

    class Meta:
        model = CateringContract
        fields = ["serves", "status", "date_from", "date_to"]
