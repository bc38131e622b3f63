"""Filters of the shared events calendar (the API's list; the calendar's page shows a month)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from eduboard.events.models import Event, EventKind


class EventFilter(django_filters.FilterSet):
    """Events by kind, by the registration number of the institution that organises them, and by the days they
    start on."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    organiser = django_filters.CharFilter(label=_("Organiser"), field_name="organiser__registration_number")
    date_from = django_filters.DateFilter(label=_("From"), field_name="starts_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Event
        fields = ["kind", "organiser", "date_from", "date_to"]
