"""Filters shared by the lists of every area."""

from __future__ import annotations

import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    """A filter by a whole number (a year, a grade, an id): django-filter's NumberFilter takes any decimal, so
    `?year=2024.5` or `?year=1e-81` would filter by nothing and answer an empty page instead of saying it is wrong."""

    field_class = forms.IntegerField
