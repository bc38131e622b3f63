"""Forms of the robotics competitions: the competition, a team's registration (public and staff), the robot check,
a match's points, a timed run, a referee's entry at the ring and the head referee's undo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from eduboard.competitions.models import Competition, Discipline, RobotBuild
from eduboard.competitions.rules import parse_members
from eduboard.competitions.selectors import referee_choices
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.text import validate_no_control_characters


class CompetitionForm(ScopedFormMixin, VersionedModelForm):
    """A competition of the centre `centre_id`; its head referee is one of the centre's staff."""

    #: The head referee's choices are the centre's staff (`selectors.referee_choices`); users have no scope rule.
    public_choice_fields = ("head_referee",)

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
            "head_referee",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "disciplines": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referee = self.fields["head_referee"]
        assert isinstance(referee, forms.ModelChoiceField)  # noqa: S101 - a foreign key's field
        referee.queryset = referee_choices(centre_id)
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
    robot_build = forms.ChoiceField(
        label=_("Built from"), choices=[("", "–"), *RobotBuild.choices], required=False,
        help_text=_("A Lego class takes Lego robots only; the self-built class robots built without a kit."),
    )  # fmt: skip
    mass_g = forms.IntegerField(label=_("Mass, g"), min_value=1, max_value=100_000, required=False)
    width_mm = forms.IntegerField(label=_("Width, mm"), min_value=1, max_value=10_000, required=False)
    length_mm = forms.IntegerField(label=_("Length, mm"), min_value=1, max_value=10_000, required=False)
    height_mm = forms.IntegerField(label=_("Height, mm"), min_value=1, max_value=10_000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RefereeEntryForm(forms.Form):
    """A referee's entry of a score sheet: both robots' Yuko points of a sumo match, or a run's time (empty: did not
    finish)."""

    points_a = forms.IntegerField(label=_("Points A"), min_value=0, max_value=9)
    points_b = forms.IntegerField(label=_("Points B"), min_value=0, max_value=9)
    seconds = forms.DecimalField(
        label=_("Time, s"),
        min_value=0,
        max_value=3600,
        decimal_places=3,
        required=False,
        help_text=_("Empty: did not finish (left the line or ran out of time)."),
    )

    def __init__(self, *args: Any, sumo: bool, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sumo:
            del self.fields["seconds"]
            for name in ("points_a", "points_b"):
                field = self.fields[name]
                assert isinstance(field, forms.IntegerField)  # noqa: S101 - declared above
                field.max_value = limit
                field.validators.append(MaxValueValidator(limit))
                field.widget.attrs.update({"max": limit, "inputmode": "numeric"})
        else:
            del self.fields["points_a"]
            del self.fields["points_b"]
            self.fields["seconds"].widget.attrs.update({"step": "0.001", "inputmode": "decimal"})


class UndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the result is taken back"),
        max_length=500,
        validators=[validate_no_control_characters],
        help_text=_("Kept with the undo in the competition's record, e.g. “the points of robots A and B swapped”."),
    )
