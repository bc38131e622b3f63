"""Forms of the robotics competitions: the competition, a team's registration (public and staff), the robot check,
a match's points and a line-follower run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eduboard.competitions.models import Competition, Discipline
from eduboard.competitions.rules import parse_members
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.text import validate_no_control_characters


class CompetitionForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = Competition
        fields = [
            "code",
            "title_lv",
            "title_en",
            "title_ru",
            "date",
            "place",
            "disciplines",
            "registration_open",
            "published",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "disciplines": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title_lv", "title_en", "title_ru", "place"):
            self.fields[name].validators.append(validate_no_control_characters)


class TeamForm(ScopedFormMixin, forms.Form):
    """A team's registration: on the public page (with a honeypot, `website`) and by the centre's staff. The
    disciplines offered are the competition's own, public to anyone who may register."""

    public_choice_fields = ("discipline",)

    discipline = forms.ModelChoiceField(label=_("Discipline"), queryset=Discipline.objects.none())
    name = forms.CharField(label=_("Team"), max_length=80, validators=[validate_no_control_characters])
    school_name = forms.CharField(
        label=_("School"), max_length=200, validators=[validate_no_control_characters],
        help_text=_("The school's full name; a city school is recognised by it."),
    )  # fmt: skip
    members = forms.CharField(
        label=_("Members and their ages"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("First names and ages, one per line or separated by “;”, e.g. “Anna (12); Pēteris (13)”."),
    )
    robot = forms.CharField(label=_("Robot's name"), max_length=80, validators=[validate_no_control_characters])
    coach_name = forms.CharField(label=_("Coach"), max_length=120, validators=[validate_no_control_characters])
    coach_email = forms.EmailField(label=_("Coach's e-mail"))
    coach_phone = forms.CharField(
        label=_("Coach's phone"), max_length=30, required=False, validators=[validate_no_control_characters]
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, competition: Competition, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["discipline"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = competition.disciplines.all()
        field.label_from_instance = lambda discipline: discipline.name(language)  # type: ignore[method-assign,assignment]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_members(self) -> list[dict[str, Any]]:
        try:
            return parse_members(self.cleaned_data["members"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class RobotCheckForm(forms.Form):
    mass_g = forms.IntegerField(label=_("Mass, g"), min_value=1, max_value=100_000, required=False)
    width_mm = forms.IntegerField(label=_("Width, mm"), min_value=1, max_value=10_000, required=False)
    length_mm = forms.IntegerField(label=_("Length, mm"), min_value=1, max_value=10_000, required=False)
    height_mm = forms.IntegerField(label=_("Height, mm"), min_value=1, max_value=10_000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MatchForm(forms.Form):
    points_a = forms.IntegerField(label=_("Points"), min_value=0, max_value=9)
    points_b = forms.IntegerField(label=_("Points"), min_value=0, max_value=9)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttemptForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(label=_("Attempt"), min_value=1, max_value=20)
    seconds = forms.DecimalField(
        label=_("Time, s"),
        min_value=0,
        max_value=3600,
        decimal_places=3,
        required=False,
        help_text=_("Empty: did not finish (left the line or ran out of time)."),
    )
