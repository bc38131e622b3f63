"""Forms of the centre's programme: a student company, a fair with the companies that took part, a camp,
hackathon, conference or seminar with its participants by kind, and a partner with the centre's projects it shares.
Each row is its centre's: the choices offered are that centre's rows (and the view's viewer narrows them again)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eduboard.centre.forms import counts_left_empty_are_zero
from eduboard.centre.models import CentrePartner, Fair, ProgrammeEvent, StudentCompany
from eduboard.centre.rules import VISITOR_KINDS
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.projects.models import Project
from eduboard.registry.models import Institution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentCompanyForm(ScopedFormMixin, VersionedModelForm):
    # A company's school is any school of the city (the public register) or one named in text.
    public_choice_fields = ("school",)

    class Meta:
        model = StudentCompany
        fields = ["name", "school", "school_name", "members", "products", "founded_on", "wound_up_on"]
        widgets = {"founded_on": DATE, "wound_up_on": DATE, "products": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, centre_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = cast(forms.ModelChoiceField, self.fields["school"])
        school.queryset = Institution.objects.active_now()
        self.fields["school_name"].required = False
        self.fields["school_name"].help_text = _("Filled from the registry when a city school is chosen.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("school") is None and not (cleaned.get("school_name") or "").strip():
            self.add_error("school_name", _("Choose a city school or write the school's name."))
        return cleaned  # a city school's name is the registry's: `services.student_company_save` writes it


class FairForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = Fair
        fields = ["title", "date", "place", "visitors", "companies"]
        widgets = {"date": DATE, "companies": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, centre_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = cast(forms.ModelMultipleChoiceField, self.fields["companies"])
        companies.queryset = StudentCompany.objects.filter(centre_id=centre_id).order_by("name")


class ProgrammeEventForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = ProgrammeEvent
        fields = ["kind", "title", "starts_on", "ends_on", "place", *VISITOR_KINDS, "partners", "note"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "partners": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, centre_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = cast(forms.ModelMultipleChoiceField, self.fields["partners"])
        partners.queryset = CentrePartner.objects.filter(centre_id=centre_id).order_by("name")
        for kind in VISITOR_KINDS:
            self.fields[kind].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = counts_left_empty_are_zero(self, super().clean() or {}, VISITOR_KINDS)
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", ValidationError(_("The last day is on or after the first day.")))
        return cleaned


class PartnerForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = CentrePartner
        fields = ["name", "country", "kind", "cooperation", "since", "until", "projects"]
        widgets = {
            "since": DATE,
            "until": DATE,
            "cooperation": forms.Textarea(attrs={"rows": 3}),
            "projects": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, centre_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = cast(forms.ModelMultipleChoiceField, self.fields["projects"])
        projects.queryset = Project.objects.taking_part(Institution.objects.get(pk=centre_id)).order_by("start_date")
