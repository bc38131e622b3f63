"""The data-quality page's filters: institution, rule and severity (one FilterSet for the page and its export)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from eduboard.dataquality.choices import RuleCode, Severity
from eduboard.dataquality.models import DataIssue
from eduboard.registry.filters import institutions_in_scope


class DataIssueFilter(django_filters.FilterSet):
    """Findings by institution, rule and severity."""

    institution = django_filters.ModelChoiceFilter(label=_("Institution"), queryset=institutions_in_scope)
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=RuleCode.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)

    class Meta:
        model = DataIssue
        fields = ["institution", "rule", "severity"]
