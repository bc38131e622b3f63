"""Filters shared by the registry's pages and API (one FilterSet serves both)."""

from __future__ import annotations

from datetime import date
from typing import cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.filters import IntegerFilter
from eduboard.core.latvian import words_match
from eduboard.core.models import SchoolYear
from eduboard.registry.choices import Founder, InstitutionStatus, InstitutionType, ProgrammeLevel, QueueStatus
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    InstitutionQuerySet,
    Learner,
    Programme,
    QueueEntry,
    institution_active_q,
)
from eduboard.registry.pickers import match_learners


def institutions_in_scope(request: object) -> QuerySet[Institution]:
    """The institutions a filter's request may choose from (the user's scope, in Latvian order); none without a user.
    Every area's filters use it for their institution choice."""
    user = getattr(request, "user", None)
    return Institution.objects.visible_to(user).order_by("sort_name") if user else Institution.objects.none()


def _groups(request: object) -> QuerySet[Group]:
    user = getattr(request, "user", None)
    return Group.objects.visible_to(user) if user else Group.objects.none()


class InstitutionFilter(django_filters.FilterSet):
    """Filter institutions by a word of the name or registration number, type and status today."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=InstitutionType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InstitutionStatus.choices, method="by_status")
    founder = django_filters.ChoiceFilter(
        label=_("Founder"),
        choices=Founder.choices,
        method="by_founder",
        help_text=_(
            "The board's own institutions are founded by the municipality; state-founded ones are listed apart."
        ),
    )

    class Meta:
        model = Institution
        fields = ["q", "type", "status", "founder"]

    def search(self, queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
        value = value.strip()
        if value.isdigit():
            return queryset.filter(registration_number__startswith=value)
        return queryset.filter(words_match(value))

    def by_status(self, queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
        active = queryset.filter(institution_active_q(timezone.localdate()))
        return active if value == InstitutionStatus.ACTIVE else queryset.exclude(pk__in=active.values("pk"))

    def by_founder(self, queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
        own = cast(InstitutionQuerySet, queryset)
        return own.boards_own() if value == Founder.MUNICIPALITY else own.state_founded()


class ProgrammeFilter(django_filters.FilterSet):
    """Filter programmes by code or name, level and special needs."""

    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Programme
        fields = ["q", "level", "special_needs", "language"]

    def search(self, queryset: QuerySet[Programme], name: str, value: str) -> QuerySet[Programme]:
        return queryset.filter(Q(code__startswith=value) | Q(name__icontains=value))


class GroupFilter(django_filters.FilterSet):
    """Filter groups by institution, school year, level and grade."""

    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    school_year = django_filters.ModelChoiceFilter(
        label=_("School year"), queryset=SchoolYear.objects.order_by("-start_date")
    )
    level = django_filters.ChoiceFilter(label=_("Level"), field_name="programme__level", choices=ProgrammeLevel.choices)
    grade = IntegerFilter(label=_("Grade"))

    class Meta:
        model = Group
        fields = ["institution", "school_year", "level", "grade"]


class LearnerFilter(django_filters.FilterSet):
    """Find learners by name (any case, with or without diacritics) or the birth-date part of the personal
    code, and by where they learn: institution, school year, grade and group, all met by one enrolment."""

    q = django_filters.CharFilter(
        label=_("Name or personal code"),
        method="search",
        help_text=_("Names are found whatever the case and diacritics: “berzina” finds “Bērziņa”."),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=institutions_in_scope, method="enrolled"
    )
    school_year = django_filters.ModelChoiceFilter(
        label=_("School year"), queryset=SchoolYear.objects.order_by("-start_date"), method="enrolled"
    )
    grade = IntegerFilter(label=_("Grade"), method="enrolled")
    group = django_filters.ModelChoiceFilter(label=_("Group"), queryset=_groups, method="enrolled")

    class Meta:
        model = Learner
        fields = ["q", "institution", "school_year", "grade", "group"]

    def search(self, queryset: QuerySet[Learner], name: str, value: str) -> QuerySet[Learner]:
        return match_learners(queryset, value)

    def enrolled(self, queryset: QuerySet[Learner], name: str, value: object) -> QuerySet[Learner]:
        """Filtered once for all the enrolment fields together (see `filter_queryset`)."""
        return queryset

    def filter_queryset(self, queryset: QuerySet[Learner]) -> QuerySet[Learner]:
        queryset = super().filter_queryset(queryset)
        paths = {
            "institution": "group__institution",
            "school_year": "group__school_year",
            "grade": "group__grade",
            "group": "group",
        }
        wanted = {path: self.form.cleaned_data[name] for name, path in paths.items()}
        wanted = {path: value for path, value in wanted.items() if value not in (None, "")}
        if not wanted:
            return queryset
        return queryset.filter(pk__in=Enrolment.objects.filter(**wanted).values("learner_id"))


class QueueFilter(django_filters.FilterSet):
    """Queue entries by institution (first or second choice) and status."""

    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=institutions_in_scope, method="by_choice"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=QueueStatus.choices)

    class Meta:
        model = QueueEntry
        fields = ["institution", "status"]

    def by_choice(self, queryset: QuerySet[QueueEntry], name: str, value: Institution) -> QuerySet[QueueEntry]:
        return queryset.filter(Q(first_choice=value) | Q(second_choice=value))


class AsOfForm(forms.Form):
    """The date figures are computed for."""

    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def as_of_date(self) -> date:
        """The date asked for; else today, or the end of the latest school year with data."""
        from eduboard.registry.selectors import default_as_of

        if self.is_valid() and self.cleaned_data.get("as_of"):
            value: date = self.cleaned_data["as_of"]
            return value
        return default_as_of()
