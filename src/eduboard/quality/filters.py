"""Filters of the quality lists and API (one FilterSet serves both)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.core.filters import IntegerFilter
from eduboard.core.latvian import words_match
from eduboard.people.models import StaffMember
from eduboard.quality.choices import ExamKind, ExamLevel, ObservationKind, SelfAssessmentStatus
from eduboard.quality.models import Accreditation, ExamResult, Observation, SelfAssessment
from eduboard.registry.filters import institutions_in_scope


class ObservationFilter(django_filters.FilterSet):
    """Observations by period, institution, kind, subject and teacher's name."""

    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="date",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ObservationKind.choices)
    subject = django_filters.CharFilter(label=_("Subject"), field_name="subject__name", lookup_expr="icontains")
    q = django_filters.CharFilter(label=_("Teacher"), method="search")

    class Meta:
        model = Observation
        fields = ["date_from", "date_to", "institution", "kind", "subject", "q"]

    def search(self, queryset: QuerySet[Observation], name: str, value: str) -> QuerySet[Observation]:
        return queryset.filter(words_match(value, "teacher__search_name", indexed=StaffMember))


class ExamResultFilter(django_filters.FilterSet):
    """Exam results by year, exam, level, subject and institution."""

    year = IntegerFilter(label=_("Year"), field_name="sitting__year")
    exam = django_filters.ChoiceFilter(label=_("Exam"), field_name="sitting__exam", choices=ExamKind.choices)
    level = django_filters.ChoiceFilter(
        label=_("Level"), field_name="sitting__level", choices=[c for c in ExamLevel.choices if c[0]]
    )
    subject = django_filters.CharFilter(
        label=_("Subject"), field_name="sitting__subject__name", lookup_expr="icontains"
    )
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)

    class Meta:
        model = ExamResult
        fields = ["year", "exam", "level", "subject", "institution"]


class SelfAssessmentFilter(django_filters.FilterSet):
    """Self-assessments by school year, institution and state."""

    school_year = django_filters.CharFilter(label=_("School year"), field_name="school_year__code")
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SelfAssessmentStatus.choices)

    class Meta:
        model = SelfAssessment
        fields = ["school_year", "institution", "status"]


class AccreditationFilter(django_filters.FilterSet):
    """Accreditations by institution, and those ending within 12 months."""

    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    expiring = django_filters.BooleanFilter(
        label=_("Ending within 12 months"), method="filter_expiring", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = Accreditation
        fields = ["institution", "expiring"]

    def filter_expiring(self, queryset: QuerySet[Accreditation], name: str, value: bool | None) -> QuerySet[Any]:
        if not value:
            return queryset
        from django.utils import timezone

        from eduboard.quality.selectors import accreditations_expiring

        expiring = accreditations_expiring(visible_to=self.request.user, today=timezone.localdate())
        return queryset.filter(pk__in=expiring.values("pk"))
