"""Forms of the registry's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.registry.choices import LeavingReason
from eduboard.registry.models import LEARNER_PERSONAL_FIELDS, Enrolment, Group, Institution, Learner, PriorityGround
from eduboard.registry.selectors import preschool_institutions
from eduboard.registry.validators import normalise_personal_code, validate_personal_code

DATE = forms.DateInput(attrs={"type": "date"})


class QueueRegisterForm(ScopedFormMixin, forms.Form):
    """A child's application for a preschool place, at one or two institutions that give preschool education
    (`selectors.preschool_institutions`: preschools and schools with preschool groups)."""

    public_choice_fields = ("second_choice",)  # any such institution of the city may be the second choice

    personal_code = forms.CharField(
        label=_("Child's personal code"), max_length=12, help_text=_("DDMMYY-XNNNN or 32XXXX-XXXXX")
    )
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    declared_municipality = forms.CharField(label=_("Declared municipality"), max_length=120, initial="Daugavpils")
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, initial=timezone.localdate)
    wanted_start_on = forms.DateField(label=_("Wanted start"), widget=DATE)
    first_choice = forms.ModelChoiceField(label=_("First choice"), queryset=Institution.objects.none())
    second_choice = forms.ModelChoiceField(
        label=_("Second choice"), queryset=Institution.objects.none(), required=False
    )
    grounds = forms.ModelMultipleChoiceField(
        label=_("Priority grounds"),
        queryset=PriorityGround.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_choice"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["second_choice"].queryset = preschool_institutions(  # type: ignore[attr-defined]
            institutions=Institution.objects.all()
        )

    def clean_personal_code(self) -> str:
        code = normalise_personal_code(self.cleaned_data["personal_code"])
        validate_personal_code(code)
        return code


class QueueOfferForm(ScopedFormMixin, forms.Form):
    """The group whose place is offered, and the version of the entry the page showed (a stale offer is refused)."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The form was out of date; reload the page.")},
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class LearnerCorrectForm(ScopedFormMixin, VersionedModelForm):
    """A correction of a learner's personal data (GDPR Art. 16): the fields as they should be and why; each field
    changed is kept with its old and new value, who and why."""

    reason = forms.CharField(
        label=_("Why it is corrected"),
        max_length=300,
        help_text=_("e.g. the parent's request of 3 March with the birth certificate; kept with the correction."),
    )

    class Meta:
        model = Learner
        fields = list(LEARNER_PERSONAL_FIELDS)
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_personal_code(self) -> str:
        """The code as the registry keeps it (DDMMYY-XXXXX), whatever way it was typed: imports find it so."""
        return normalise_personal_code(self.cleaned_data["personal_code"])


class EnrolmentLeaveForm(VersionedModelForm):
    """Record that a learner left a group: the first day away, the reason (a code; empty: inferred) and a note."""

    class Meta:
        model = Enrolment
        fields = ["left_on", "leaving_reason", "leaving_note"]
        widgets = {"left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"left_on": _("The first day the learner is no longer in the group.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["left_on"].required = True
        reason = self.fields["leaving_reason"]
        reason.choices = [("", _("Not known: inferred by the system")), *LeavingReason.choices]  # type: ignore[attr-defined]
        if self.instance.leaving_reason_inferred:
            self.initial["leaving_reason"] = ""  # an inferred reason is not one the school gave
