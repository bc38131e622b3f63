"""Filters of the people pages and API (one FilterSet serves both)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import words_match
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy, VacancyStatus
from eduboard.registry.models import Institution


def _institutions(request: object) -> QuerySet[Institution]:
    user = getattr(request, "user", None)
    return Institution.objects.visible_to(user).order_by("sort_name") if user else Institution.objects.none()


class StaffFilter(django_filters.FilterSet):
    """Staff by name or the birth-date part of the code, institution and position held today."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=_institutions, method="by_institution"
    )
    position = django_filters.ModelChoiceFilter(
        label=_("Position"), queryset=PositionKind.objects.all(), method="by_position"
    )

    class Meta:
        model = StaffMember
        fields = ["q", "institution", "position"]

    def search(self, queryset: QuerySet[StaffMember], name: str, value: str) -> QuerySet[StaffMember]:
        value = value.strip()
        if value.replace("-", "").isdigit():
            return queryset.filter(personal_code__startswith=value)
        return queryset.filter(words_match(value, indexed=StaffMember))

    def by_institution(self, queryset: QuerySet[StaffMember], name: str, value: Institution) -> QuerySet[StaffMember]:
        current = Employment.objects.active_on(timezone.localdate()).filter(institution=value)
        return queryset.filter(pk__in=current.values("staff_member_id"))

    def by_position(self, queryset: QuerySet[StaffMember], name: str, value: PositionKind) -> QuerySet[StaffMember]:
        current = Employment.objects.active_on(timezone.localdate()).filter(position=value)
        return queryset.filter(pk__in=current.values("staff_member_id"))


class EmploymentFilter(django_filters.FilterSet):
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=_institutions)

    class Meta:
        model = Employment
        fields = ["institution", "position", "staff_member"]


class VacancyFilter(django_filters.FilterSet):
    """Vacancies by institution, position and step reached."""

    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=_institutions)
    position = django_filters.ModelChoiceFilter(label=_("Position"), queryset=PositionKind.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VacancyStatus.choices, method="by_status")

    class Meta:
        model = Vacancy
        fields = ["institution", "position", "status"]

    def by_status(self, queryset: QuerySet[Vacancy], name: str, value: str) -> QuerySet[Vacancy]:
        if value == VacancyStatus.WITHDRAWN:
            return queryset.filter(withdrawn_on__isnull=False)
        if value == VacancyStatus.FILLED:
            return queryset.filter(filled_on__isnull=False, withdrawn_on__isnull=True)
        open_ = queryset.filter(filled_on__isnull=True, withdrawn_on__isnull=True)
        if value == VacancyStatus.PUBLISHED:
            return open_.filter(published_on__isnull=False)
        return open_.filter(published_on__isnull=True)
