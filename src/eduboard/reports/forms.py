"""Forms of the report pages; the rules themselves live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin
from eduboard.core.models import SchoolYear

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EditionCreateForm(ScopedFormMixin, forms.Form):
    """A new draft edition: the school year and the date of its figures."""

    school_year = forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.order_by("-start_date"))
    as_of = forms.DateField(label=_("Figures as of"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class NarrativeForm(forms.Form):
    """The edition's text, one field per narrative place of the report; `version` guards against stale edits."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args: Any, slots: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot, section, label in slots:
            self.fields[f"slot:{slot}"] = forms.CharField(
                label=f"{section}: {label}",
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def narrative(self) -> dict[str, str]:
        return {slot: self.cleaned_data.get(f"slot:{slot}", "") for slot, _section, _label in self.slots}


class CompareForm(forms.Form):
    first = forms.IntegerField(label=_("First edition"))
    second = forms.IntegerField(label=_("Second edition"))
    only_changed = forms.BooleanField(label=_("Only figures that differ"), required=False)


LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]
