"""Forms of the people pages; the rules themselves live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.people.models import (
    Employment,
    EmploymentTerms,
    PositionKind,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.registry.models import Institution
from eduboard.registry.validators import normalise_personal_code

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffMemberForm(VersionedModelForm):
    class Meta:
        model = StaffMember
        fields = ["personal_code", "first_name", "last_name"]
        help_texts = {"personal_code": _("DDMMYY-XNNNN or 32XXXX-XXXXX; it is shown masked to others.")}

    def clean_personal_code(self) -> str:
        return normalise_personal_code(self.cleaned_data["personal_code"])


class EmploymentForm(ScopedFormMixin, VersionedModelForm):
    """A rate; the institution list holds only the user's institutions."""

    class Meta:
        model = Employment
        fields = ["institution", "position", "subject", "fte", "start_date", "end_date", "terms"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]
        self.fields["position"].queryset = PositionKind.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["terms"].required = False  # a form that does not say it: a permanent post

    def clean_terms(self) -> str:
        return str(self.cleaned_data.get("terms") or EmploymentTerms.PERMANENT)


class VacancyForm(ScopedFormMixin, VersionedModelForm):
    """A vacancy; `version` travels with the form so a stale edit is refused."""

    class Meta:
        model = Vacancy
        fields = [
            "institution", "position", "subject", "fte", "description", "declared_on", "published_on", "filled_on",
            "withdrawn_on",
        ]  # fmt: skip
        widgets = dict.fromkeys(("declared_on", "published_on", "filled_on", "withdrawn_on"), DATE)

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]
        self.fields["position"].queryset = PositionKind.objects.order_by("name")  # type: ignore[attr-defined]


class TrainingRecordForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["requirement", "completed_on", "hours", "document"]
        widgets = {"completed_on": DATE}


TRAINING_STATUSES = [
    ("missing", _("missing")),
    ("expired", _("expired")),
    ("expiring", _("expiring")),
]


class TrainingGapFilterForm(ScopedFormMixin, forms.Form):
    """The mandatory training list's filters: a name, an institution, a requirement, a status."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Any part of the name; capitals and ā, č, ņ … do not matter."),
    )
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all(), required=False)
    requirement = forms.ModelChoiceField(
        label=_("Training"), queryset=TrainingRequirement.objects.all(), required=False, empty_label=_("all")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *TRAINING_STATUSES], required=False)
