"""The subject-access requests' list filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.privacy.models import AccessRequest, RequestStatus


class AccessRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    received_after = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessRequest
        fields = ["status"]
