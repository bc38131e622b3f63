"""Filters of the assets pages and API (one FilterSet serves both)."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eduboard.assets.choices import AssetStatus, RoomKind
from eduboard.assets.models import SOFTWARE_LICENCE_PERIOD, Asset, AssetKind, Licence, Loan, Room
from eduboard.core.latvian import words_match
from eduboard.people.models import StaffMember
from eduboard.registry.filters import institutions_in_scope
from eduboard.registry.models import Learner


class AssetFilter(django_filters.FilterSet):
    """Devices by inventory or serial number, institution, kind and status."""

    q = django_filters.CharFilter(label=_("Inventory or serial number"), method="search")
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=AssetKind.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssetStatus.choices)

    class Meta:
        model = Asset
        fields = ["q", "institution", "kind", "status"]

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        value = value.strip()
        return queryset.filter(Q(inventory_number__icontains=value) | Q(serial_number__icontains=value))


LOAN_STATES = [("open", _("open")), ("overdue", _("overdue")), ("returned", _("returned"))]


class LoanFilter(django_filters.FilterSet):
    """Loans by state (open, overdue today, returned), institution and device."""

    # A loan's state (open, overdue, returned), not the state as a founder or a funder: its own context.
    state = django_filters.ChoiceFilter(
        label=pgettext_lazy("loan status", "State"), choices=LOAN_STATES, method="by_state"
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=institutions_in_scope, field_name="asset__institution"
    )
    q = django_filters.CharFilter(
        label=_("Inventory number"), field_name="asset__inventory_number", lookup_expr="icontains"
    )
    borrower = django_filters.CharFilter(label=_("Borrower"), method="by_borrower")

    class Meta:
        model = Loan
        fields = ["state", "institution", "q", "borrower"]

    def by_borrower(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        """A learner's or a staff member's devices: the name typed (any case, any diacritics)."""
        if not value.strip():
            return queryset
        learners = Learner.objects.filter(words_match(value, indexed=Learner)).values("pk")
        staff = StaffMember.objects.filter(words_match(value, indexed=StaffMember)).values("pk")
        return queryset.filter(Q(learner__in=learners) | Q(staff_member__in=staff))

    def by_state(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(returned_on__isnull=True)
        if value == "overdue":
            return queryset.filter(returned_on__isnull=True, due_on__lt=today)
        if value == "returned":
            return queryset.filter(returned_on__isnull=False)
        return queryset


class LicenceFilter(django_filters.FilterSet):
    """Licences by institution; `ending` shows those in force that end within 60 days."""

    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    ending = django_filters.BooleanFilter(label=_("Ending within 60 days"), method="by_ending")

    class Meta:
        model = Licence
        fields = ["institution", "ending"]

    def by_ending(self, queryset: QuerySet[Licence], name: str, value: bool | None) -> QuerySet[Licence]:
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(SOFTWARE_LICENCE_PERIOD.in_force_q(today), valid_to__lte=today + timedelta(days=60))


class RoomFilter(django_filters.FilterSet):
    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RoomKind.choices)

    class Meta:
        model = Room
        fields = ["institution", "kind"]
