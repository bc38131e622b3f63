"""Filters of the projects pages and API (one FilterSet serves both)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.projects.choices import CityRole, Direction, Flow, ProjectStatus
from eduboard.projects.models import Mobility, Project, ProjectProgramme
from eduboard.registry.filters import institutions_in_scope
from eduboard.registry.models import Institution


class ProjectFilter(django_filters.FilterSet):
    """Projects by reference or title, programme, status, the city's role, institution and a year they run in."""

    q = django_filters.CharFilter(label=_("Reference or title"), method="search")
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=ProjectProgramme.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)
    role = django_filters.ChoiceFilter(label=_("Role of the city"), choices=CityRole.choices)
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=institutions_in_scope, method="by_institution"
    )
    year = django_filters.NumberFilter(label=_("Runs in the year"), method="by_year", min_value=1990, max_value=2100)

    class Meta:
        model = Project
        fields = ["q", "programme", "status", "role", "institution", "year"]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(title_en__icontains=value)
            | Q(title_ru__icontains=value)
        )

    def by_institution(self, queryset: QuerySet[Project], name: str, value: Institution | None) -> QuerySet[Project]:
        return queryset.taking_part(value) if value is not None else queryset  # type: ignore[attr-defined]

    def by_year(self, queryset: QuerySet[Project], name: str, value: object) -> QuerySet[Project]:
        if value is None:
            return queryset
        year = int(value)  # type: ignore[call-overload]
        return queryset.filter(start_date__year__lte=year, end_date__year__gte=year)


class MobilityFilter(django_filters.FilterSet):
    """Mobilities by project, direction, flow and a year they start in."""

    project = django_filters.CharFilter(
        label=_("Project reference"), field_name="project__reference", lookup_expr="icontains"
    )
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    flow = django_filters.ChoiceFilter(label=_("Flow"), choices=Flow.choices)
    year = django_filters.NumberFilter(
        label=_("Starts in the year"), field_name="from_date", lookup_expr="year", min_value=1990, max_value=2100
    )

    class Meta:
        model = Mobility
        fields = ["project", "direction", "flow", "year"]
