"""Forms of the surveys pages: a survey's title and dates (the board), copying it, issuing one-time codes and the
filter of its results."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.registry.models import Group, Institution
from eduboard.surveys.choices import Audience
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS
from eduboard.surveys.services import MAX_CODES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(ScopedFormMixin, VersionedModelForm):
    """What the board edits of a survey: titles, period, census date and the survey it is compared with."""

    class Meta:
        model = Survey
        fields = ["title_lv", "title_en", "title_ru", "opens_on", "closes_on", "census_date", "previous"]
        widgets = {"opens_on": DATE, "closes_on": DATE, "census_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        previous = cast(forms.ModelChoiceField, self.fields["previous"])
        # Compared with a survey of its own board.
        previous.queryset = (
            Survey.objects.filter(board_id=self.instance.board_id)
            .exclude(pk=self.instance.pk)
            .order_by("-opens_on", "code")
        )


class CopyForm(forms.Form):
    code = forms.SlugField(
        label=_("Code of the copy"), max_length=40, help_text=_("e.g. labbutiba-2025; used in files and the API.")
    )


class CodesForm(ScopedFormMixin, forms.Form):
    """One-time codes for a class (its grade band and name go with them) or for an institution's audience."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.order_by("sort_name"))
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    group = forms.ModelChoiceField(
        label=_("Class"),
        queryset=Group.objects.filter(grade__isnull=False).order_by("institution__sort_name", "grade", "name"),
        required=False,
        help_text=_("The codes carry the class's grade band (e.g. 5-6), never a name."),
    )
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=MAX_CODES, initial=25)
    label = forms.CharField(
        label=_("List name"), max_length=60, required=False, help_text=_("Printed on the sheet; the class by default.")
    )

    def __init__(self, *args: Any, audiences: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audience = cast(forms.ChoiceField, self.fields["audience"])
        audience.choices = [(code, label) for code, label in Audience.choices if code in audiences]


class ResultsFilterForm(ScopedFormMixin, forms.Form):
    """Results for the city, schools or preschools, or one institution (those the viewer reads)."""

    public_choice_fields = ("institution",)  # narrowed below to what the viewer reads, not what they change

    type = forms.ChoiceField(
        label=_("Institutions"),
        required=False,
        choices=[("", _("the whole city")), ("school", _("schools")), ("preschool", _("preschools"))],
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.order_by("sort_name"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = cast(forms.ModelChoiceField, self.fields["institution"])
        institution.queryset = Institution.objects.visible_to(self.viewer).order_by("sort_name")

    def types(self) -> tuple[str, ...] | None:
        group = self.cleaned_data.get("type") if self.is_valid() else None
        return INSTITUTION_GROUPS[group] if group else None
