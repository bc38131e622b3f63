"""Forms of the courses for teachers: the course (versioned), a session, and a teacher's registration (a city
teacher through a search of the board's staff, or anyone by name and school)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.latvian import found_order, words_match
from eduboard.core.pickers import KINDS, PickerKind, PickerWidget
from eduboard.core.scope import Viewer
from eduboard.core.text import validate_no_control_characters
from eduboard.courses.models import Course, CourseSession
from eduboard.people.models import Employment, StaffMember
from eduboard.registry.models import Institution

DATE = {"type": "date"}
TEACHER_PICKER = "course_teacher"


def _city_teachers(viewer: Viewer, query: str, institution: int | None) -> QuerySet[StaffMember]:
    """The board's staff working today, found by name, for the centre's registration (the centre's own scope
    holds none of them; only the name and the places of work are shown, never a personal code)."""
    if not viewer.has_perm("courses.add_participant"):
        return StaffMember.objects.none()
    working = Employment.objects.active_on(timezone.localdate())
    if institution is not None:
        working = working.filter(institution_id=institution)
    rows = StaffMember.objects.filter(pk__in=working.values("staff_member_id"))
    return rows.filter(words_match(query, indexed=StaffMember)).order_by(found_order(), "pk")


def _places(person: StaffMember) -> str:
    today = timezone.localdate()
    return ", ".join(
        sorted(
            {
                e.institution.short_name or e.institution.name
                for e in person.employments.all()
                if e.start_date <= today and (e.end_date is None or e.end_date >= today)
            }
        )
    )


def register_course_picker() -> None:
    """The city-teacher search of the registration form: a kind of its own (not the people area's `staff`, which
    is scoped to the viewer's institutions), not bound to the model, so the people area's forms keep theirs."""
    KINDS[TEACHER_PICKER] = PickerKind(
        name=TEACHER_PICKER,
        model=StaffMember,
        permission="courses.add_participant",
        search=_city_teachers,
        label=lambda row: f"{row.first_name} {row.last_name}",
        detail=_places,
        prefetch=("employments__institution",),
        in_search=False,  # the staff register is in the global search already
    )


class CourseForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "module",
            "hours",
            "starts_on",
            "ends_on",
            "places",
            "lecturer",
            "required_percent",
            "requirement",
            "registration_open",
        ]
        widgets = {"starts_on": forms.DateInput(attrs=DATE), "ends_on": forms.DateInput(attrs=DATE)}
        help_texts = {
            "required_percent": _("A participant present at least at this share of the sessions' hours is certified."),
            "places": _("Registration is refused once every place is taken."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("code", "title", "lecturer"):
            self.fields[name].validators.append(validate_no_control_characters)
        requirement = self.fields["requirement"]
        if isinstance(requirement, forms.ModelChoiceField):
            requirement.empty_label = _("Professional competence development (standard)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A course ends on or after the day it starts."))
        return data


class SessionForm(VersionedModelForm):
    """A session of a course: its date, hours and topic (an edit carries the version it was made on)."""

    class Meta:
        model = CourseSession
        fields = ["date", "hours", "topic"]
        widgets = {"date": forms.DateInput(attrs=DATE)}
        help_texts = {"hours": _("Academic hours of this session; attendance shares are counted in them.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].validators.append(validate_no_control_characters)

    def validate_unique(self) -> None:
        """The course is set by the view after validation; the service checks the date is free."""


class RegistrationForm(ScopedFormMixin, forms.Form):
    """A teacher registered by the centre: a city teacher found among the board's staff (name and school come
    from the record), or anyone by name and school."""

    # Any city teacher may attend the centre's courses: the staff are chosen from the whole board (the centre's
    # own scope holds none of them), and a city school is chosen from the public register of institutions.
    public_choice_fields = ("staff_member", "school")

    staff_member = forms.ModelChoiceField(
        label=_("City teacher"),
        queryset=StaffMember.objects.all(),
        required=False,
        widget=PickerWidget(TEACHER_PICKER),
        help_text=_("Type the name; the school is taken from the teacher's record."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=160, required=False, validators=[validate_no_control_characters],
        help_text=_("A teacher from outside the city: first name and last name."),
    )  # fmt: skip
    school = forms.ModelChoiceField(label=_("City school"), queryset=Institution.objects.none(), required=False)
    school_name = forms.CharField(
        label=_("School (from elsewhere)"), max_length=200, required=False,
        validators=[validate_no_control_characters],
    )  # fmt: skip
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("staff_member") is None:
            if not (data.get("name") or "").strip():
                raise ValidationError(_("Choose a city teacher, or write the teacher's name and school."))
            if data.get("school") is None and not (data.get("school_name") or "").strip():
                self.add_error("school_name", _("Choose a city school or write the school's name."))
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set here, not on the field: the day an institution is active on is the day of the request.
        self.fields["school"].queryset = Institution.objects.active_now()  # type: ignore[attr-defined]


class CertifyForm(forms.Form):
    """The day certificates are dated (today unless given)."""

    on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs=DATE))
