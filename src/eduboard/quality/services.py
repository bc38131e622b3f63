"""Writes of the quality area that have a rule: forms, observations, acknowledgements, subjects, thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from eduboard.core.audit import audit_bulk_write
from eduboard.core.models import SchoolYear
from eduboard.core.scope import Viewer, WholeCity, sees_whole_city
from eduboard.core.versions import atomic_write, refuse_stale, save_versioned
from eduboard.people.models import Employment, StaffMember
from eduboard.quality.choices import FrameworkKind, ObservationKind, SelfAssessmentStatus
from eduboard.quality.models import (
    Accreditation,
    AccreditationLevel,
    Answer,
    AnswerScale,
    Criterion,
    CriterionGroup,
    Evidence,
    ExamResult,
    Framework,
    HeadEvaluation,
    HeadEvaluationLevel,
    Observation,
    ObservationForm,
    SelfAssessment,
    SelfAssessmentEntry,
    Subject,
    UnifiedSchoolStatus,
    sees_heads_evaluations,
)
from eduboard.quality.rules import accreditation_expiry, is_board_reviewer, validate_answers
from eduboard.quality.selectors import CriterionSpec, form_criteria, self_assessment_submit_blockers
from eduboard.registry.models import Institution, Licence


@transaction.atomic
def observation_form_revise(
    *, form: ObservationForm, criteria: Sequence[CriterionSpec], note: str = "", viewer: Viewer
) -> ObservationForm:
    """Write a new version of `form` with these criteria; earlier versions and their observations stay as they were.

    The form is the city's reference data: only the board (a role that may change forms) revises it."""
    if not viewer.has_perm("quality.change_observationform"):
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
        created_by=None if isinstance(viewer, WholeCity) or not viewer.is_authenticated else cast(Any, viewer),
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


def subject_get_or_create(*, name: str) -> Subject:
    """The subject of this name (ignoring case and extra spaces), created when new."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError(_("A subject needs a name."), code="no_subject")
    found = Subject.objects.filter(name__iexact=clean).first()
    return found or Subject.objects.create(name=clean[:120])


TEACHER_NOT_THERE = gettext_noop("No teacher with this personal code works at this institution on that date.")


def _check_can_record(*, viewer: Viewer, institution: Institution, kind: str, teacher: StaffMember, on: date) -> None:
    if not Institution.objects.editable_by(viewer).filter(pk=institution.pk).exists():
        raise ValidationError(
            {"institution": _("%(institution)s is not in your scope.") % {"institution": institution}},
            code="out_of_scope",
        )
    if kind == ObservationKind.EXTERNAL and not sees_whole_city(viewer):
        raise ValidationError(
            {"kind": _("Only the board's observers record external observations.")}, code="external_by_board"
        )
    # The two objects an observation names must belong together: the teacher works at the observed institution
    # on that day. The answer is the same for a code nobody has, so a code is never answered with a name.
    if not Employment.objects.active_on(on).filter(staff_member=teacher, institution=institution).exists():
        raise ValidationError({"teacher": _(TEACHER_NOT_THERE)}, code="teacher_not_there")


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
    viewer: Viewer,
) -> Observation:
    """Record an observed lesson with an answer to every criterion of `form`; `viewer` must have it in scope."""
    if kind not in ObservationKind.values:
        raise ValidationError({"kind": _("Choose external, internal or peer.")}, code="bad_kind")
    if on > timezone.localdate():
        raise ValidationError({"date": _("A lesson cannot be observed in the future.")}, code="future_date")
    if not grade.strip():
        raise ValidationError({"grade": _("Name the grade or group.")}, code="no_grade")
    _check_can_record(viewer=viewer, institution=institution, kind=kind, teacher=teacher, on=on)
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
    codes = {criterion.pk: criterion.code for criterion in criteria}
    audit_bulk_write(  # the answers are recorded on their observation (core.audit_policy.EXEMPT)
        actor=viewer,
        model=Answer,
        action=LogEntry.Action.CREATE,
        rows=len(chosen),
        what="answers recorded",
        instance=observation,
        changes={codes[criterion_id]: [None, option.code] for criterion_id, option in chosen.items()},
    )
    return observation


def observation_acknowledge(*, observation: Observation, viewer: Viewer, comment: str = "") -> Observation:
    """The observed teacher acknowledges the observation and may comment; nobody else may."""
    teacher_user_id = StaffMember.objects.filter(pk=observation.teacher_id).values_list("user_id", flat=True).first()
    if teacher_user_id is None or teacher_user_id != viewer.pk:
        raise ValidationError(_("Only the observed teacher can acknowledge an observation."), code="not_the_teacher")
    if observation.acknowledged_at is None:
        observation.acknowledged_at = timezone.now()
    observation.teacher_comment = comment.strip()
    observation.save(update_fields=["acknowledged_at", "teacher_comment", "updated_at"])
    return observation


# --- self-assessment, accreditation, heads' evaluation


STALE_SELF_ASSESSMENT = gettext_lazy(
    "Someone else changed this self-assessment meanwhile (your version %(yours)s, now %(now)s); reload the page."
)


def _institution_in_reach(institution: Institution, viewer: Viewer, permission: str | None = None) -> None:
    """The institution is one `viewer` may change, and (when given) `viewer`'s role includes `permission`: a teacher
    reads their school's self-assessment, its head writes and submits it."""
    if permission is not None and not viewer.has_perm(permission):
        raise ValidationError(_("Your role does not include this change."), code="permission")
    if not Institution.objects.editable_by(viewer).filter(pk=institution.pk).exists():
        raise ValidationError(_("%(institution)s is not in your scope.") % {"institution": institution}, code="scope")


@atomic_write
def self_assessment_start(
    *, institution: Institution, school_year: SchoolYear, framework: Framework, viewer: Viewer, priorities: str = ""
) -> SelfAssessment:
    """Start an institution's self-assessment of a school year on a framework: a draft with a row per criterion."""
    _institution_in_reach(institution, viewer, "quality.add_selfassessment")
    if framework.kind != FrameworkKind.INSTITUTION:
        raise ValidationError(_("This framework evaluates heads, not institutions."), code="framework")
    if SelfAssessment.objects.filter(institution=institution, school_year=school_year).exists():
        raise ValidationError(
            _("%(institution)s has a self-assessment of %(year)s already.")
            % {"institution": institution, "year": school_year},
            code="exists",
        )
    assessment = SelfAssessment(
        institution=institution, school_year=school_year, framework=framework, priorities=priorities
    )
    save_versioned(assessment)
    entries = SelfAssessmentEntry.objects.bulk_create(
        SelfAssessmentEntry(self_assessment=assessment, criterion=criterion)
        for criterion in framework.criteria.order_by("position")
    )
    audit_bulk_write(
        actor=viewer,
        model=SelfAssessmentEntry,
        action=LogEntry.Action.CREATE,
        rows=len(entries),
        what=f"a draft row for each criterion of {framework.code}",
        instance=assessment,
        ids=[entry.pk for entry in entries],
    )
    return assessment


def _refuse_unless_draft(assessment: SelfAssessment) -> None:
    if assessment.status != SelfAssessmentStatus.DRAFT:
        raise ValidationError(
            _("This self-assessment is %(status)s: only a draft is edited (the board can return it to a draft).")
            % {"status": assessment.get_status_display()},
            code="frozen" if assessment.is_frozen else "not_draft",
        )


def _locked_assessment(assessment: SelfAssessment, expected_version: int | None) -> SelfAssessment:
    locked: SelfAssessment | None = SelfAssessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if locked is None:
        raise ValidationError(_("This record was deleted meanwhile."), code="gone")
    refuse_stale(stored=locked.version, expected=expected_version, message=STALE_SELF_ASSESSMENT)
    return locked


@atomic_write
def self_assessment_entry_save(
    *, entry: SelfAssessmentEntry, viewer: Viewer, expected_version: int | None = None
) -> SelfAssessmentEntry:
    """Save a criterion's level and texts (made on `expected_version` of the entry); only in a draft, by whoever may
    change the institution's data."""
    assessment = _locked_assessment(entry.self_assessment, None)
    _institution_in_reach(assessment.institution, viewer, "quality.change_selfassessmententry")
    _refuse_unless_draft(assessment)
    save_versioned(entry, expected_version=expected_version, stale_message=STALE_SELF_ASSESSMENT)
    return entry


@atomic_write
def self_assessment_save(
    *, assessment: SelfAssessment, viewer: Viewer, expected_version: int | None = None
) -> SelfAssessment:
    """Save the self-assessment's own fields (its priorities); only in a draft."""
    _institution_in_reach(assessment.institution, viewer, "quality.change_selfassessment")
    stored = _locked_assessment(assessment, None)
    _refuse_unless_draft(stored)
    save_versioned(assessment, expected_version=expected_version, stale_message=STALE_SELF_ASSESSMENT)
    return assessment


@atomic_write
def self_assessment_submit(*, assessment: SelfAssessment, viewer: Viewer, expected_version: int | None = None) -> None:
    """Submit a draft to the board. Refused while a criterion reviewed every year (2.1) has no level."""
    locked = _locked_assessment(assessment, expected_version)
    _institution_in_reach(locked.institution, viewer, "quality.change_selfassessment")
    _refuse_unless_draft(locked)
    missing = self_assessment_submit_blockers(assessment=locked)
    if missing:
        raise ValidationError(
            _("Criterion %(codes)s is reviewed every year: give it a level before submitting.")
            % {"codes": ", ".join(missing)},
            code="every_year",
        )
    _move(locked, SelfAssessmentStatus.SUBMITTED, viewer, stamp="submitted")
    assessment.refresh_from_db()


def _move(assessment: SelfAssessment, status: str, viewer: Viewer, *, stamp: str | None) -> None:
    assessment.status = status
    fields = ["status", "version", "updated_at"]
    if stamp:
        setattr(assessment, f"{stamp}_at", timezone.now())
        setattr(assessment, f"{stamp}_by", viewer if getattr(viewer, "pk", None) else None)
        fields += [f"{stamp}_at", f"{stamp}_by"]
    assessment.version += 1
    assessment.save(update_fields=fields)


def _refuse_unless_board(viewer: Viewer) -> None:
    if not is_board_reviewer(viewer):
        raise ValidationError(_("Only the board agrees, returns and publishes self-assessments."), code="permission")


def _refuse_unless_status(assessment: SelfAssessment, status: str) -> None:
    if assessment.status != status:
        raise ValidationError(
            _("This self-assessment is %(status)s.") % {"status": assessment.get_status_display()}, code="status"
        )


@atomic_write
def self_assessment_agree(*, assessment: SelfAssessment, viewer: Viewer, expected_version: int | None = None) -> None:
    """The board agrees a submitted self-assessment (saskaņo)."""
    _refuse_unless_board(viewer)
    locked = _locked_assessment(assessment, expected_version)
    _refuse_unless_status(locked, SelfAssessmentStatus.SUBMITTED)
    _move(locked, SelfAssessmentStatus.AGREED, viewer, stamp="agreed")
    assessment.refresh_from_db()


@atomic_write
def self_assessment_return(*, assessment: SelfAssessment, viewer: Viewer, expected_version: int | None = None) -> None:
    """The board returns a submitted or agreed self-assessment to its institution as a draft (never a published
    one); the dates of the earlier steps stay until they are taken again."""
    _refuse_unless_board(viewer)
    locked = _locked_assessment(assessment, expected_version)
    if locked.status not in (SelfAssessmentStatus.SUBMITTED, SelfAssessmentStatus.AGREED):
        raise ValidationError(
            _("This self-assessment is %(status)s.") % {"status": locked.get_status_display()}, code="status"
        )
    _move(locked, SelfAssessmentStatus.DRAFT, viewer, stamp=None)
    assessment.refresh_from_db()


@atomic_write
def self_assessment_publish(*, assessment: SelfAssessment, viewer: Viewer, expected_version: int | None = None) -> None:
    """The board publishes an agreed self-assessment; from then on it is frozen."""
    _refuse_unless_board(viewer)
    locked = _locked_assessment(assessment, expected_version)
    _refuse_unless_status(locked, SelfAssessmentStatus.AGREED)
    _move(locked, SelfAssessmentStatus.PUBLISHED, viewer, stamp="published")
    assessment.refresh_from_db()


@atomic_write
def self_assessment_comment(
    *, entry: SelfAssessmentEntry, comment: str, viewer: Viewer, expected_version: int | None = None
) -> SelfAssessmentEntry:
    """The board's comment on one criterion, while the self-assessment is not published."""
    _refuse_unless_board(viewer)
    assessment = _locked_assessment(entry.self_assessment, None)
    if assessment.is_frozen:
        raise ValidationError(_("A published self-assessment is frozen."), code="frozen")
    entry.board_comment = comment
    save_versioned(entry, expected_version=expected_version, stale_message=STALE_SELF_ASSESSMENT)
    return entry


@atomic_write
def evidence_add(*, entry: SelfAssessmentEntry, evidence: Evidence, viewer: Viewer) -> Evidence:
    """Link evidence to a criterion of a draft: an observation or exam result of the same institution, or a link."""
    assessment = _locked_assessment(entry.self_assessment, None)
    _institution_in_reach(assessment.institution, viewer, "quality.add_evidence")
    _refuse_unless_draft(assessment)
    evidence.entry = entry
    institution_id = assessment.institution_id
    if (
        evidence.observation_id
        and not Observation.objects.visible_to(viewer)
        .filter(pk=evidence.observation_id, institution=institution_id)
        .exists()
    ):
        raise ValidationError({"observation": _("Choose an observation of this institution.")}, code="scope")
    if (
        evidence.exam_result_id
        and not ExamResult.objects.visible_to(viewer)
        .filter(pk=evidence.exam_result_id, institution=institution_id)
        .exists()
    ):
        raise ValidationError({"exam_result": _("Choose an exam result of this institution.")}, code="scope")
    if not (evidence.observation_id or evidence.exam_result_id or evidence.url):
        raise ValidationError(_("Evidence links to an observation, an exam result or a web address."), code="empty")
    evidence.full_clean()
    evidence.save()
    return evidence


@atomic_write
def evidence_remove(*, evidence: Evidence, viewer: Viewer) -> None:
    """Remove a piece of evidence from a draft."""
    assessment = _locked_assessment(evidence.entry.self_assessment, None)
    _institution_in_reach(assessment.institution, viewer, "quality.delete_evidence")
    _refuse_unless_draft(assessment)
    evidence.delete()


@atomic_write
def accreditation_save(
    *,
    accreditation: Accreditation,
    levels: Mapping[str, str] | None = None,
    viewer: Viewer,
    expected_version: int | None = None,
) -> Accreditation:
    """Save an accreditation (board only), its expiry worked out from the date and the term, and the experts'
    levels by criterion code (of its framework)."""
    if not sees_heads_evaluations(viewer) or not viewer.has_perm("quality.change_accreditation"):
        raise ValidationError(_("Only the board records accreditations."), code="permission")
    if (
        accreditation.programme_id
        and not Licence.objects.filter(
            institution=accreditation.institution_id, programme=accreditation.programme_id
        ).exists()
    ):
        raise ValidationError({"programme": _("The institution has no licence for this programme.")}, code="programme")
    if accreditation.term_years is not None and 1 <= accreditation.term_years <= 6:
        accreditation.expires_on = accreditation_expiry(
            accredited_on=accreditation.accredited_on, term_years=accreditation.term_years
        )
    save_versioned(accreditation, expected_version=expected_version)
    if levels is not None:
        _set_levels(accreditation.framework, levels, AccreditationLevel, "accreditation", accreditation, viewer)
    return accreditation


def _set_levels(
    framework: Framework | None, levels: Mapping[str, str], model: Any, owner: str, row: Any, viewer: Viewer
) -> None:
    """Replace the levels of `row` (an accreditation or an evaluation) with `levels` (criterion code → level); the
    criteria whose level changed are recorded on `row` in one audit entry (the level rows are not audited apart)."""
    if framework is None:
        if levels:
            raise ValidationError({"framework": _("Choose the framework the levels are given on.")}, code="framework")
        return
    criteria = dict(framework.criteria.values_list("code", "pk"))
    unknown = sorted(set(levels) - set(criteria))
    if unknown:
        raise ValidationError(
            _("Framework %(framework)s has no criterion %(codes)s.")
            % {"framework": framework.code, "codes": ", ".join(unknown)},
            code="criterion",
        )
    bad = sorted(level for level in levels.values() if level not in framework.levels)
    if bad:
        raise ValidationError(_("Unknown level %(levels)s.") % {"levels": ", ".join(bad)}, code="level")
    before = dict(model.objects.filter(**{owner: row}).values_list("criterion__code", "level"))
    after = {code: level for code, level in levels.items() if level}
    model.objects.filter(**{owner: row}).delete()
    model.objects.bulk_create(
        model(**{owner: row}, criterion_id=criteria[code], level=level) for code, level in after.items()
    )
    changed = sorted(code for code in set(before) | set(after) if before.get(code) != after.get(code))
    audit_bulk_write(
        actor=viewer,
        model=model,
        action=LogEntry.Action.UPDATE,
        rows=len(changed),
        what="levels changed",
        instance=row,
        changes={code: [before.get(code), after.get(code)] for code in changed},
    )


def _refuse_unless_heads_evaluator(viewer: Viewer) -> None:
    if not sees_heads_evaluations(viewer) or not viewer.has_perm("quality.change_headevaluation"):
        raise ValidationError(_("Only the board evaluates heads."), code="permission")


@atomic_write
def head_evaluation_save(
    *,
    evaluation: HeadEvaluation,
    levels: Mapping[str, str] | None = None,
    viewer: Viewer,
    expected_version: int | None = None,
) -> HeadEvaluation:
    """Save a head's evaluation (board only) with its levels by criterion code; the head must work in the
    institution (an employment there)."""
    _refuse_unless_heads_evaluator(viewer)
    if evaluation.framework_id and evaluation.framework.kind != FrameworkKind.HEAD:
        raise ValidationError({"framework": _("Choose a framework that evaluates heads.")}, code="framework")
    if not Employment.objects.filter(staff_member=evaluation.head_id, institution=evaluation.institution_id).exists():
        raise ValidationError({"head": _("This person has no employment in the institution.")}, code="head")
    save_versioned(evaluation, expected_version=expected_version)
    if levels is not None:
        _set_levels(evaluation.framework, levels, HeadEvaluationLevel, "evaluation", evaluation, viewer)
    return evaluation


@atomic_write
def unified_school_status_save(
    *, status: UnifiedSchoolStatus, viewer: Viewer, expected_version: int | None = None
) -> UnifiedSchoolStatus:
    """Save a school's unified-school status on a date (board only)."""
    _refuse_unless_heads_evaluator(viewer)
    save_versioned(status, expected_version=expected_version)
    return status
