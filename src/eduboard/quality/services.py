"""Writes of the quality area that have a rule: forms, observations, acknowledgements, subjects, thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from eduboard.core.scope import Viewer, WholeCity, sees_whole_city
from eduboard.people.models import Employment, StaffMember
from eduboard.quality.choices import DEFAULT_THRESHOLDS, ObservationKind
from eduboard.quality.defaults import DEFAULT_FORM_CODE
from eduboard.quality.models import (
    Answer,
    AnswerScale,
    Criterion,
    CriterionGroup,
    Observation,
    ObservationForm,
    PassThreshold,
    ScaleOption,
    Subject,
)
from eduboard.registry.models import Institution


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion of a form version being written: its group, code, text and scale."""

    group_code: str
    group_name: str
    code: str
    text: str
    scale_code: str


def form_in_use(*, code: str = DEFAULT_FORM_CODE) -> ObservationForm:
    """The newest version of the form `code` (the one new observations and import templates use)."""
    form = ObservationForm.objects.filter(code=code).order_by("-version").first()
    if form is None:
        raise ValidationError(_("There is no observation form “%(code)s”.") % {"code": code}, code="no_form")
    return form


def criteria_in_order() -> QuerySet[Criterion]:
    """Criteria in their form's order, with their group and scale options (for one form or, prefetched, many)."""
    return (
        Criterion.objects.select_related("group", "scale").prefetch_related("scale__options").order_by("position", "pk")
    )


def form_criteria(form: ObservationForm) -> list[Criterion]:
    """The criteria of a form version in order, with their group and scale options (3 queries)."""
    return list(criteria_in_order().filter(form=form))


@transaction.atomic
def observation_form_revise(
    *, form: ObservationForm, criteria: Sequence[CriterionSpec], note: str = "", by: Viewer
) -> ObservationForm:
    """Write a new version of `form` with these criteria; earlier versions and their observations stay as they were.

    The form is the city's reference data: only the board (a role that may change forms) revises it."""
    if not by.has_perm("quality.change_observationform"):
        raise ValidationError(_("Only the board revises the city's observation form."), code="board_only")
    if not criteria:
        raise ValidationError(_("A form needs at least one criterion."), code="no_criteria")
    codes = [spec.code for spec in criteria]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValidationError(
            _("Each criterion code may appear once; repeated: %(codes)s.") % {"codes": ", ".join(duplicates)},
            code="duplicate_criterion",
        )
    scales = {scale.code: scale for scale in AnswerScale.objects.all()}
    for spec in criteria:
        if not spec.code or not spec.code.replace("_", "").isalnum() or not spec.code.isascii():
            raise ValidationError(
                _("“%(code)s” is not a criterion code (letters, digits and _ only).") % {"code": spec.code},
                code="bad_code",
            )
        if spec.code in {"date", "institution", "observer", "teacher", "subject", "grade", "kind"}:
            raise ValidationError(
                _("“%(code)s” is a column of the observations file; choose another code.") % {"code": spec.code},
                code="reserved_code",
            )
        if spec.scale_code not in scales:
            raise ValidationError(
                _("There is no answer scale “%(scale)s”; use one of %(allowed)s.")
                % {"scale": spec.scale_code, "allowed": "|".join(sorted(scales))},
                code="unknown_scale",
            )
        if not spec.text.strip():
            raise ValidationError(_("Criterion %(code)s has no text.") % {"code": spec.code}, code="no_text")
    latest = ObservationForm.objects.select_for_update().filter(code=form.code).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    new = ObservationForm.objects.create(
        code=form.code,
        version=version,
        name=form.name,
        note=note[:255],
        created_by=None if isinstance(by, WholeCity) or not by.is_authenticated else cast(Any, by),
    )
    groups: dict[str, CriterionGroup] = {}
    for position, spec in enumerate(criteria):
        group = groups.get(spec.group_code)
        if group is None:
            group = CriterionGroup.objects.create(
                form=new,
                code=spec.group_code or "criteria",
                name=spec.group_name or spec.group_code,
                position=len(groups),
            )
            groups[spec.group_code] = group
        Criterion.objects.create(
            form=new,
            group=group,
            code=spec.code,
            text=spec.text.strip(),
            scale=scales[spec.scale_code],
            position=position,
        )
    return new


def form_specs(form: ObservationForm) -> list[CriterionSpec]:
    """The criteria of a form version as specs (to start the next version from)."""
    return [
        CriterionSpec(c.group.code, c.group.name, c.code, c.text, c.scale.code)
        for c in Criterion.objects.filter(form=form).select_related("group", "scale").order_by("position", "pk")
    ]


def subject_get_or_create(*, name: str) -> Subject:
    """The subject of this name (ignoring case and extra spaces), created when new."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError(_("A subject needs a name."), code="no_subject")
    found = Subject.objects.filter(name__iexact=clean).first()
    return found or Subject.objects.create(name=clean[:120])


def pass_threshold(*, year: int, exam: str) -> Decimal | None:
    """The pass threshold of `exam` in `year`: a PassThreshold row, else the default (10 % basic, 15 % secondary)."""
    row = PassThreshold.objects.filter(year=year, exam=exam).values_list("percent", flat=True).first()
    return row if row is not None else DEFAULT_THRESHOLDS.get(exam)


TEACHER_NOT_THERE = gettext_noop("No teacher with this personal code works at this institution on that date.")


def _check_can_record(*, by: Viewer, institution: Institution, kind: str, teacher: StaffMember, on: date) -> None:
    if not Institution.objects.editable_by(by).filter(pk=institution.pk).exists():
        raise ValidationError(
            {"institution": _("%(institution)s is not in your scope.") % {"institution": institution}},
            code="out_of_scope",
        )
    if kind == ObservationKind.EXTERNAL and not sees_whole_city(by):
        raise ValidationError(
            {"kind": _("Only the board's observers record external observations.")}, code="external_by_board"
        )
    # The two objects an observation names must belong together: the teacher works at the observed institution
    # on that day. The answer is the same for a code nobody has, so a code is never answered with a name.
    if not Employment.objects.active_on(on).filter(staff_member=teacher, institution=institution).exists():
        raise ValidationError({"teacher": _(TEACHER_NOT_THERE)}, code="teacher_not_there")


def validate_answers(criteria: Sequence[Criterion], answers: Mapping[str, str]) -> dict[int, ScaleOption]:
    """Map every criterion to the chosen option; every criterion must be answered from its own scale."""
    errors: dict[str, list[str]] = {}
    chosen: dict[int, ScaleOption] = {}
    known = {criterion.code for criterion in criteria}
    for code in answers:
        if code not in known:
            errors.setdefault(code, []).append(_("This form has no criterion “%(code)s”.") % {"code": code})
    for criterion in criteria:
        value = (answers.get(criterion.code) or "").strip()
        options = {option.code: option for option in criterion.scale.options.all()}
        if not value:
            errors.setdefault(criterion.code, []).append(_("Answer this criterion."))
        elif value not in options:
            errors.setdefault(criterion.code, []).append(
                _("“%(value)s” is not one of %(allowed)s") % {"value": value, "allowed": "|".join(options)}
            )
        else:
            chosen[criterion.pk] = options[value]
    if errors:
        raise ValidationError(errors, code="bad_answers")
    return chosen


@transaction.atomic
def observation_record(
    *,
    form: ObservationForm,
    on: date,
    institution: Institution,
    kind: str,
    teacher: StaffMember,
    subject: Subject,
    grade: str,
    answers: Mapping[str, str],
    observer: Any = None,
    observer_name: str = "",
    strengths: str = "",
    suggestions: str = "",
    by: Viewer,
) -> Observation:
    """Record an observed lesson with an answer to every criterion of `form`; `by` must have it in scope."""
    if kind not in ObservationKind.values:
        raise ValidationError({"kind": _("Choose external, internal or peer.")}, code="bad_kind")
    if on > timezone.localdate():
        raise ValidationError({"date": _("A lesson cannot be observed in the future.")}, code="future_date")
    if not grade.strip():
        raise ValidationError({"grade": _("Name the grade or group.")}, code="no_grade")
    _check_can_record(by=by, institution=institution, kind=kind, teacher=teacher, on=on)
    criteria = form_criteria(form)
    chosen = validate_answers(criteria, answers)
    if observer is not None and not observer_name:
        observer_name = observer.get_full_name() or observer.get_username()
    observation = Observation(
        form=form,
        date=on,
        institution=institution,
        kind=kind,
        observer=observer,
        observer_name=observer_name[:160],
        teacher=teacher,
        subject=subject,
        grade=grade.strip()[:40],
        strengths=strengths,
        suggestions=suggestions,
    )
    observation.full_clean()
    observation.save()
    Answer.objects.bulk_create(
        [
            Answer(observation=observation, criterion_id=criterion_id, option=option)
            for criterion_id, option in chosen.items()
        ]
    )
    return observation


def observation_acknowledge(*, observation: Observation, by: Viewer, comment: str = "") -> Observation:
    """The observed teacher acknowledges the observation and may comment; nobody else may."""
    teacher_user_id = StaffMember.objects.filter(pk=observation.teacher_id).values_list("user_id", flat=True).first()
    if teacher_user_id is None or teacher_user_id != by.pk:
        raise ValidationError(_("Only the observed teacher can acknowledge an observation."), code="not_the_teacher")
    if observation.acknowledged_at is None:
        observation.acknowledged_at = timezone.now()
    observation.teacher_comment = comment.strip()
    observation.save(update_fields=["acknowledged_at", "teacher_comment", "updated_at"])
    return observation
