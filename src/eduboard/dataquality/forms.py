"""The board's form for one data-quality rule."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import VersionedModelForm, add_service_error
from eduboard.dataquality.models import QualityRule


class QualityRuleForm(VersionedModelForm):
    """A rule's severity, threshold, use and texts in three languages; `version` is the one the page was read at."""

    class Meta:
        model = QualityRule
        fields = ["severity", "threshold", "active", "text", "text_en", "text_ru"]


class CensusDateForm(forms.Form):
    """A new census day of the board: the day, its name and the days to send the data."""

    day = forms.DateField(label=_("Census day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. 1 September 2025"))
    due_days = forms.IntegerField(
        label=_("Days to send the data"),
        min_value=0,
        max_value=365,
        initial=14,
        help_text=_("The data of the day is late after this many days."),
    )
    board = forms.CharField(
        label=_("Board (code)"), max_length=32, required=False, help_text=_("Only when you work for several boards.")
    )

    def add_save_error(self, error: ValidationError) -> None:
        add_service_error(self, error)
