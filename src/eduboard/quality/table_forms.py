"""Forms and list filters of the self-assessment report's tables: each form's institution (and accreditation) is
narrowed to the viewer's scope by core.forms.ScopedFormMixin; an edit carries the row's version."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.models import SchoolYear
from eduboard.core.text import validate_no_control_characters
from eduboard.quality.models import (
    GraduateEmployment,
    Inspection,
    InspectionBody,
    InterestParticipation,
    QualificationExamResult,
    Recommendation,
)
from eduboard.registry.filters import institutions_in_scope

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _school_years() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.order_by("-start_date")


class TableRowForm(ScopedFormMixin, VersionedModelForm):
    """A row of one of the tables: its institution of the viewer's scope, its texts without control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "school_year" in self.fields:
            cast(forms.ModelChoiceField, self.fields["school_year"]).queryset = _school_years()
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(validate_no_control_characters)


class QualificationExamResultForm(TableRowForm):
    class Meta:
        model = QualificationExamResult
        fields = [
            "institution", "school_year", "position", "qualification", "qualified", "lower_qualification",
            "not_qualified",
        ]  # fmt: skip


class InterestParticipationForm(TableRowForm):
    class Meta:
        model = InterestParticipation
        fields = ["institution", "school_year", "position", "activity", "participants"]


class GraduateEmploymentForm(TableRowForm):
    class Meta:
        model = GraduateEmployment
        fields = [
            "institution", "school_year", "position", "programme_code", "programme_name", "qualification",
            *GraduateEmployment.OUTCOMES,
        ]  # fmt: skip


class InspectionForm(TableRowForm):
    class Meta:
        model = Inspection
        fields = ["institution", "address", "body", "body_name", "issued_on", "number", "conclusion"]
        widgets = {"issued_on": DATE}


class RecommendationForm(TableRowForm):
    class Meta:
        model = Recommendation
        fields = ["institution", "accreditation", "given_on", "recommendation", "follow_up", "status", "done_on"]
        widgets = {"given_on": DATE, "done_on": DATE}


class YearTableFilter(django_filters.FilterSet):
    """Rows of a yearly table by institution and school year."""

    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    school_year = django_filters.ModelChoiceFilter(label=gettext_lazy("School year"), queryset=_school_years())


class QualificationExamResultFilter(YearTableFilter):
    class Meta:
        model = QualificationExamResult
        fields = ["institution", "school_year"]


class InterestParticipationFilter(YearTableFilter):
    class Meta:
        model = InterestParticipation
        fields = ["institution", "school_year"]


class GraduateEmploymentFilter(YearTableFilter):
    class Meta:
        model = GraduateEmployment
        fields = ["institution", "school_year"]


class InspectionFilter(django_filters.FilterSet):
    """Opinions by institution and body."""

    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    body = django_filters.ChoiceFilter(label=gettext_lazy("Body"), choices=InspectionBody.choices)

    class Meta:
        model = Inspection
        fields = ["institution", "body"]


class RecommendationFilter(django_filters.FilterSet):
    """Recommendations by institution."""

    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)

    class Meta:
        model = Recommendation
        fields = ["institution", "status"]
