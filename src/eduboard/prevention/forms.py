"""Forms of the prevention pages: a support plan, opening a case (the board), the date the risk list is on."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.people.models import StaffMember
from eduboard.prevention.models import SupportPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupportPlanForm(ScopedFormMixin, VersionedModelForm):
    """Measures, the responsible staff member (of the learner's institution), start, review date, outcome."""

    class Meta:
        model = SupportPlan
        fields = ["measures", "responsible", "started_on", "review_on", "outcome"]
        widgets = {"started_on": DATE, "review_on": DATE, "measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, institution_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responsible = cast(forms.ModelChoiceField, self.fields["responsible"])
        responsible.queryset = StaffMember.objects.filter(employments__institution_id=institution_id).distinct()


class OpenCaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you open this case?"),
        max_length=300,
        help_text=_("Written to the audit trail with your name."),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("On"), required=False, widget=DATE)
