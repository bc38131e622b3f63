"""Filters of the courses' lists (one FilterSet serves the page and the API where it can): courses and their
participants."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from eduboard.centre.filters import StrictBooleanFilter, YearFilter
from eduboard.centre.models import Module
from eduboard.core.filters import IntegerFilter
from eduboard.core.views import scoped_rows
from eduboard.courses.models import Course, Participant


class CourseFilter(django_filters.FilterSet):
    module = django_filters.ModelChoiceFilter(label=gettext_lazy("Module"), queryset=Module.objects.all())
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), field_name="starts_on", lookup_expr="year")
    title = django_filters.CharFilter(label=gettext_lazy("Title"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Course
        fields = ["module", "year", "title"]


class ParticipantFilter(django_filters.FilterSet):
    course = django_filters.ChoiceFilter(label=gettext_lazy("Course"), choices=[])
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), field_name="course__starts_on", lookup_expr="year")
    certified = django_filters.BooleanFilter(label=gettext_lazy("Certified"), method="filter_certified")
    school = django_filters.CharFilter(label=gettext_lazy("School"), field_name="school_name", lookup_expr="icontains")

    class Meta:
        model = Participant
        fields = ["course", "year", "certified", "school"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            # The courses of the participants the viewer may see (a city school's head: their teachers' courses,
            # though the courses are the centre's).
            courses = (
                scoped_rows(request, Participant)
                .order_by("-course__starts_on", "course__code")
                .values_list("course_id", "course__code", "course__title")
                .distinct()
            )
            self.filters["course"].extra["choices"] = [(pk, f"{code}: {title}") for pk, code, title in courses]

    def filter_certified(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.exclude(certificate_number="") if value else queryset.filter(certificate_number="")


class CourseApiFilter(CourseFilter):
    """The courses page's filters for the API, the year bounded as a date's (core.api's 1900–2100)."""

    year = YearFilter(label=gettext_lazy("Year"), field_name="starts_on", lookup_expr="year")


class ParticipantApiFilter(django_filters.FilterSet):
    """The participants page's filters for the API: the course by its id (the page offers the viewer's courses by
    their titles, which a schema cannot list), the year bounded as a date's."""

    course = IntegerFilter(label=gettext_lazy("Course"), field_name="course")
    year = YearFilter(label=gettext_lazy("Year"), field_name="course__starts_on", lookup_expr="year")
    certified = StrictBooleanFilter(label=gettext_lazy("Certified"), method="filter_certified")
    school = django_filters.CharFilter(label=gettext_lazy("School"), field_name="school_name", lookup_expr="icontains")

    class Meta:
        model = Participant
        fields = ["course", "year", "certified", "school"]

    filter_certified = ParticipantFilter.filter_certified
