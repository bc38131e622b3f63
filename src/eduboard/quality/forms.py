"""Forms of the quality pages; the rules themselves live in services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.schoolyears import school_year_code_for, school_year_first_day
from eduboard.people.models import StaffMember
from eduboard.quality.choices import EvidenceKind, ExamKind, ExamLevel, FrameworkKind, ObservationKind
from eduboard.quality.models import Criterion, Framework, SelfAssessment, SelfAssessmentEntry
from eduboard.quality.selectors import CriterionSpec
from eduboard.registry.models import Institution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObservationEntryForm(ScopedFormMixin, forms.Form):
    """An observed lesson: the facts, then one answer per criterion of the form in use (radio buttons)."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ObservationKind.choices)
    teacher = forms.ModelChoiceField(label=_("Observed teacher"), queryset=StaffMember.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=120)
    grade = forms.CharField(label=_("Grade or group"), max_length=40)

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[Criterion] = (),
        institutions: Any = None,
        teachers: Any = None,
        kinds: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.fields["date"].initial = timezone.localdate()
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]
        self.fields["teacher"].queryset = teachers if teachers is not None else StaffMember.objects.none()  # type: ignore[attr-defined]
        if kinds is not None:
            self.fields["kind"].choices = [(v, label) for v, label in ObservationKind.choices if v in kinds]  # type: ignore[attr-defined]
        for criterion in self.criteria:
            self.fields[f"c_{criterion.code}"] = forms.ChoiceField(
                label=str(criterion),
                choices=[(option.code, str(option)) for option in criterion.scale.options.all()],
                widget=forms.RadioSelect,
            )
        self.fields["strengths"] = forms.CharField(
            label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["suggestions"] = forms.CharField(
            label=_("Suggestions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def criterion_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The answer fields grouped as on the form, for the template."""
        groups: list[tuple[str, list[forms.BoundField]]] = []
        for criterion in self.criteria:
            if not groups or groups[-1][0] != str(criterion.group):
                groups.append((str(criterion.group), []))
            groups[-1][1].append(self[f"c_{criterion.code}"])
        return groups

    def answers(self) -> dict[str, str]:
        return {criterion.code: self.cleaned_data[f"c_{criterion.code}"] for criterion in self.criteria}


class AcknowledgeForm(forms.Form):
    """The observed teacher's acknowledgement and comment."""

    comment = forms.CharField(label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FormRevisionForm(forms.Form):
    """A new version of an observation form, one criterion a line: `group code | group name | code | text | scale`."""

    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("One criterion a line: group code | group name | criterion code | text | scale code."),
    )
    note = forms.CharField(label=_("What changed"), max_length=255, required=False)

    def clean_criteria(self) -> list[CriterionSpec]:
        specs = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 5:
                raise forms.ValidationError(
                    _("Line %(number)d needs 5 parts separated by |; it has %(parts)d.")
                    % {"number": number, "parts": len(parts)}
                )
            specs.append(CriterionSpec(*parts))
        return specs


def specs_text(specs: Sequence[CriterionSpec]) -> str:
    """Criteria as the lines FormRevisionForm reads."""
    return "\n".join(f"{s.group_code} | {s.group_name} | {s.code} | {s.text} | {s.scale_code}" for s in specs)


class PeriodForm(ScopedFormMixin, forms.Form):
    """The period and filters of the observation figures (the current school year until today by default)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all")), *ObservationKind.choices], required=False)
    subject = forms.CharField(label=_("Subject"), required=False)

    def __init__(self, *args: Any, institutions: Any = None, latest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]
        self.latest = latest  # the day of the latest observation the viewer may see
        self.shows_latest = False

    def values(self) -> dict[str, Any]:
        """The period asked for; else the current school year until today, or, when it has no observation yet,
        the school year of the latest one until that day (`shows_latest` is then true and the page says so)."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = today
        if (
            not data.get("date_from")
            and not data.get("date_to")
            and self.latest is not None
            and self.latest < school_year_first_day(today)
        ):
            end, self.shows_latest = self.latest, True
        date_from = data.get("date_from") or school_year_first_day(end)
        date_to = data.get("date_to") or end
        if not self.is_bound:  # the fields show the period the figures are for
            self.initial.update(date_from=date_from, date_to=date_to)
        if date_to < date_from:
            date_from, date_to = date_to, date_from
        return {
            "date_from": date_from,
            "date_to": date_to,
            "institution": data.get("institution"),
            "kind": data.get("kind") or None,
            "subject": data.get("subject") or None,
        }


class ExamChoiceForm(ScopedFormMixin, forms.Form):
    """Which exam tables to show: year, exam, level, and optionally one institution."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    exam = forms.ChoiceField(label=_("Exam"), choices=ExamKind.choices, initial=ExamKind.CE_BASIC)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("all"))] + [c for c in ExamLevel.choices if c[0]], required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Institution (against its type)"), queryset=Institution.objects.none(), required=False
    )

    def __init__(self, *args: Any, years: Sequence[int] = (), institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]


class SupportListForm(forms.Form):
    """Learners under a threshold in one test: year, exam, subject, grade, threshold (20 % by default)."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    exam = forms.ChoiceField(label=_("Exam"), choices=ExamKind.choices, initial=ExamKind.MONITORING)
    subject = forms.CharField(label=_("Subject"), required=False)
    grade = forms.IntegerField(label=_("Grade"), required=False, min_value=1, max_value=12)
    below = forms.DecimalField(
        label=_("Below, %"), initial=Decimal(20), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )


def school_year_code_for_today() -> str:
    return school_year_code_for(timezone.localdate())


class SelfAssessmentStartForm(ScopedFormMixin, forms.Form):
    """Start an institution's self-assessment of a school year on a framework (a draft with every criterion)."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    school_year = forms.CharField(
        label=_("School year"), max_length=9, help_text=_("e.g. 2024/2025"), initial=school_year_code_for_today
    )
    framework = forms.ModelChoiceField(
        label=_("Framework"),
        queryset=Framework.objects.none(),
        help_text=_("The newest version of each framework is offered; the self-assessment keeps the version."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.active_now().order_by("sort_name")  # type: ignore[attr-defined]
        newest = [
            Framework.objects.filter(code=code).order_by("-version").values_list("pk", flat=True)[0]
            for code in Framework.objects.filter(kind=FrameworkKind.INSTITUTION)
            .values_list("code", flat=True)
            .distinct()
        ]
        self.fields["framework"].queryset = Framework.objects.filter(pk__in=newest).order_by("code")  # type: ignore[attr-defined]


class SelfAssessmentEntryForm(VersionedModelForm):
    """A criterion of a draft: its level (empty: not rated), description, strengths and next steps."""

    class Meta:
        model = SelfAssessmentEntry
        fields = ["level", "description", "strengths", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in ("description", "strengths", "next_steps")}
        help_texts = {
            "description": _(
                "What the institution found and what the level rests on: facts, figures and their sources (lesson "
                "observations, exam results, surveys). The report prints it under the criterion."
            ),
            "strengths": _(
                "Optional. This year's concrete achievements, a line each: a result that rose, a practice others "
                "could take up."
            ),
            "next_steps": _("Optional. What the institution will improve next and how, a line each."),
        }

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("not rated")), *framework.level_choices]  # type: ignore[attr-defined]
        # What the review rule asks of this criterion: the help says what the label cannot.
        self.fields["level"].help_text = (
            _("This criterion is reviewed every year: the self-assessment is not submitted without its level.")
            if self.instance.criterion.every_year
            else _(
                "Best first. Leave it empty if the criterion is not reviewed this year; every criterion is "
                "reviewed at least once in four years."
            )
        )


class BoardCommentForm(forms.Form):
    """The board's comment on one criterion."""

    comment = forms.CharField(label=_("The board's comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PrioritiesForm(VersionedModelForm):
    """The institution's priorities of the year (a line each)."""

    class Meta:
        model = SelfAssessment
        fields = ["priorities"]
        widgets = {"priorities": forms.Textarea(attrs={"rows": 4})}


class EvidenceForm(forms.Form):
    """A link to what a criterion rests on (a document, a survey's results, …)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices, initial=EvidenceKind.DOCUMENT)
    title = forms.CharField(label=_("Title"), max_length=255)
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
