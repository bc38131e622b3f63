"""Filters of the competitions' lists (one FilterSet serves the page and the API where it can): competitions and
their teams."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from eduboard.centre.filters import YearFilter
from eduboard.competitions.models import Competition, Discipline, RobotCheck, Team
from eduboard.core.views import scoped_rows


class CompetitionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), field_name="date", lookup_expr="year")
    title = django_filters.CharFilter(label=gettext_lazy("Title"), field_name="title_lv", lookup_expr="icontains")

    class Meta:
        model = Competition
        fields = ["year", "title"]


class CompetitionApiFilter(CompetitionFilter):
    """The competitions page's filters for the API, the year bounded as a date's (core.api's 1900–2100)."""

    year = YearFilter(label=gettext_lazy("Year"), field_name="date", lookup_expr="year")


def _competitions(request: HttpRequest) -> QuerySet[Competition]:
    """The competitions a filter offers: those the viewer may see."""
    return scoped_rows(request, Competition)


class TeamFilter(django_filters.FilterSet):
    competition = django_filters.ModelChoiceFilter(label=gettext_lazy("Competition"), queryset=_competitions)
    discipline = django_filters.ModelChoiceFilter(label=gettext_lazy("Discipline"), queryset=Discipline.objects.all())
    robot_check = django_filters.ChoiceFilter(label=gettext_lazy("Robot check"), choices=RobotCheck.choices)
    school = django_filters.CharFilter(label=gettext_lazy("School"), field_name="school_name", lookup_expr="icontains")

    class Meta:
        model = Team
        fields = ["competition", "discipline", "robot_check", "school"]
