"""Filters of the audit trail page."""

from __future__ import annotations

from typing import Any

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.models import User

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def audited_content_types(request: Any) -> QuerySet[ContentType]:
    """The models the audit trail records, for the model filter."""
    condition = Q(pk__in=[])
    for model in auditlog.get_models():
        condition |= Q(app_label=model._meta.app_label, model=model._meta.model_name)
    return ContentType.objects.filter(condition).order_by("app_label", "model")


class LogEntryFilter(django_filters.FilterSet):
    """Filter the audit trail by model, user, action and date."""

    content_type = django_filters.ModelChoiceFilter(label=_("Record type"), queryset=audited_content_types)
    actor = django_filters.ModelChoiceFilter(label=_("User"), queryset=User.objects.order_by("username"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogEntry.Action.choices)
    date_from = django_filters.DateFilter(
        label=_("From date"), field_name="timestamp", lookup_expr="date__gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("To date"), field_name="timestamp", lookup_expr="date__lte", widget=DATE_INPUT
    )

    class Meta:
        model = LogEntry
        fields = ["content_type", "actor", "action", "date_from", "date_to"]
