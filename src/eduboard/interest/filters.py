"""Filters of interest education's pages: interest groups, clubs, municipal licences and festival participation."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from eduboard.core.models import SchoolYear
from eduboard.core.views import scoped_rows
from eduboard.interest import selectors
from eduboard.interest.forms import DATE
from eduboard.interest.models import CollectiveKind, FestivalParticipation
from eduboard.registry.choices import InstitutionStatus, InterestField, MunicipalLicenceKind
from eduboard.registry.filters import institutions_in_scope
from eduboard.registry.models import Club, Group, MunicipalLicence, Programme
from eduboard.registry.rules import LICENCE_PERIOD

YES_NO = ((True, gettext_lazy("yes")), (False, gettext_lazy("no")))


def _clubs_in_scope(request: HttpRequest) -> QuerySet[Club]:
    """The clubs the filter's request may choose from: the user's scope (the list view always passes its request)."""
    return scoped_rows(request, Club.objects.select_related("institution"))


class InterestGroupFilter(django_filters.FilterSet):
    """Interest groups by school year, institution, programme, field, STEM, club and a word of the name."""

    q = django_filters.CharFilter(label=gettext_lazy("Name"), field_name="name", lookup_expr="icontains")
    school_year = django_filters.ModelChoiceFilter(
        label=gettext_lazy("School year"), queryset=SchoolYear.objects.order_by("-start_date")
    )
    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    programme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Programme"), queryset=Programme.objects.filter(level="interest").order_by("code")
    )
    field = django_filters.ChoiceFilter(
        label=gettext_lazy("Field"), field_name="programme__field", choices=InterestField.choices
    )
    stem = django_filters.TypedChoiceFilter(
        label=gettext_lazy("STEM"),
        field_name="programme__stem",
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
    )
    club = django_filters.ModelChoiceFilter(label=gettext_lazy("Club"), queryset=_clubs_in_scope)

    class Meta:
        model = Group
        fields = ["q", "school_year", "institution", "programme", "field", "stem", "club"]


class ClubFilter(django_filters.FilterSet):
    """Clubs by institution, open or closed today, and a word of the name or address."""

    q = django_filters.CharFilter(label=gettext_lazy("Name or address"), method="search")
    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=InstitutionStatus.choices, method="by_status"
    )

    class Meta:
        model = Club
        fields = ["q", "institution", "status"]

    def search(self, queryset: QuerySet[Club], name: str, value: str) -> QuerySet[Club]:
        value = value.strip()[:100]
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def by_status(self, queryset: QuerySet[Club], name: str, value: str) -> QuerySet[Club]:
        open_today = selectors.clubs_open_on(day=timezone.localdate(), visible_to=self.request.user)
        if value == InstitutionStatus.ACTIVE:
            return queryset.filter(pk__in=open_today.values("pk"))
        return queryset.exclude(pk__in=open_today.values("pk"))


class LicenceFilter(django_filters.FilterSet):
    """Municipal licences by kind, validity on a date, provider in the registry, and a word of the number,
    programme or provider's name."""

    q = django_filters.CharFilter(label=gettext_lazy("Number, programme or provider"), method="search")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=MunicipalLicenceKind.choices)
    valid_on = django_filters.DateFilter(label=gettext_lazy("Valid on"), method="by_validity", widget=DATE)
    provider = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Provider in the registry"), queryset=institutions_in_scope
    )

    class Meta:
        model = MunicipalLicence
        fields = ["q", "kind", "valid_on", "provider"]

    def search(self, queryset: QuerySet[MunicipalLicence], name: str, value: str) -> QuerySet[MunicipalLicence]:
        value = value.strip()[:100]
        return queryset.filter(
            Q(number__icontains=value) | Q(programme_name__icontains=value) | Q(provider_name__icontains=value)
        )

    def by_validity(self, queryset: QuerySet[MunicipalLicence], name: str, value: date) -> QuerySet[MunicipalLicence]:
        return queryset.filter(LICENCE_PERIOD.in_force_q(value))


class FestivalParticipationFilter(django_filters.FilterSet):
    """Festival participation rows by year, festival, institution, kind of collective and a word of the festival's
    or the other body's name."""

    q = django_filters.CharFilter(label=gettext_lazy("Festival or body"), method="search")
    year = django_filters.NumberFilter(label=gettext_lazy("Year"))
    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind of collective"), choices=CollectiveKind.choices)

    class Meta:
        model = FestivalParticipation
        fields = ["q", "year", "institution", "kind"]

    def search(
        self, queryset: QuerySet[FestivalParticipation], name: str, value: str
    ) -> QuerySet[FestivalParticipation]:
        value = value.strip()[:100]
        return queryset.filter(Q(festival__icontains=value) | Q(body__icontains=value))
