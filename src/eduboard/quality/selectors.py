"""Figures of the quality area (bounded queries, scoped like every read).

Rules, in one place:
- a lesson meets a criterion when its answer is an option marked `meets` (on the default yes/partly/no
  scale only "yes"); the % of a criterion is lessons meeting it / lessons that answered it (the lessons
  whose form version has it), rounded half up to 2 places by core.numbers.percent;
- criteria are keyed by code across form versions, so a criterion kept in a new version keeps its history;
- "the previous year" is the same period a year earlier (29 February becomes 28 February);
- a city (or any group of institutions) mean of an exam is the candidate-weighted mean of the institutions'
  means: sum(candidates × mean %) / sum(candidates), rounded half up to 2 places;
- gaps are signed percentage points, institution (or city) minus the comparison: −22.6 is 22.6 points below;
- percentages and points leave these functions as Decimals with 2 places (None where there is none), never
  floats; the edge (page, API, file) writes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.dates import add_months, same_day_a_year_before
from eduboard.core.figures_cache import cached_figures
from eduboard.core.latvian import sort_key
from eduboard.core.models import SchoolYear
from eduboard.core.numbers import CENT, percent
from eduboard.core.scope import WHOLE_CITY, Viewer
from eduboard.core.translated import localized
from eduboard.quality.choices import (
    DEFAULT_THRESHOLDS,
    ExamKind,
    QualityLevel,
    SelfAssessmentStatus,
    UnifiedSchoolEnvironment,
    UnifiedSchoolHead,
)
from eduboard.quality.defaults import DEFAULT_FORM_CODE
from eduboard.quality.models import (
    Accreditation,
    Answer,
    Criterion,
    ExamResult,
    ExamSitting,
    Framework,
    HeadEvaluation,
    LearnerResult,
    MonitoringAspect,
    MonitoringLevel,
    MonitoringLevelResult,
    Observation,
    ObservationForm,
    PassThreshold,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.quality.rules import entry_missing_parts
from eduboard.registry.board_scope import boards_own_viewer
from eduboard.registry.boards import Board, board_for, of_part
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution


def pass_thresholds(*, years: Iterable[int], exams: Iterable[str]) -> dict[tuple[int, str], Decimal | None]:
    """(year, exam) -> the pass threshold of each `exam` in each of `years` (one query): a PassThreshold row, else
    the default (10 % basic, 15 % secondary; None for an exam without one)."""
    years, exams = list(years), list(exams)
    stored = {
        (year, exam): percent
        for year, exam, percent in PassThreshold.objects.filter(year__in=years, exam__in=exams).values_list(
            "year", "exam", "percent"
        )
    }
    return {(year, exam): stored.get((year, exam), DEFAULT_THRESHOLDS.get(exam)) for year in years for exam in exams}


def pass_threshold(*, year: int, exam: str) -> Decimal | None:
    """The pass threshold of `exam` in `year` (`pass_thresholds` of one)."""
    return pass_thresholds(years=[year], exams=[exam])[(year, exam)]


def _percent(value: Decimal | None) -> Decimal | None:
    """A percentage (or percentage points) as the figures give it: a Decimal with 2 places, or None. It stays a
    Decimal up to the edge (page, API, file), which writes it."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def observations_in(
    *,
    date_from: date,
    date_to: date,
    visible_to: Viewer,
    institution: Institution | int | None = None,
    subject: Any = None,
    kind: str | None = None,
    institution_types: Iterable[str] | None = None,
) -> QuerySet[Observation]:
    """Observations dated from `date_from` to `date_to` (both included) matching the filters, in scope."""
    observations = Observation.objects.filter(date__gte=date_from, date__lte=date_to)
    observations = observations.visible_to(visible_to)
    if institution is not None:
        observations = observations.filter(institution=institution)
    if subject is not None:
        observations = (
            observations.filter(subject__name__iexact=subject)
            if isinstance(subject, str)
            else observations.filter(subject=subject)
        )
    if kind:
        observations = observations.filter(kind=kind)
    if institution_types is not None:
        observations = observations.filter(institution__type__in=list(institution_types))
    return observations


def _criterion_counts(observations: QuerySet[Observation]) -> tuple[int, dict[str, tuple[int, int]]]:
    """Lessons, and per criterion code (answered, meeting): 2 queries."""
    lessons = observations.count()
    rows = (
        Answer.objects.filter(observation__in=observations.values("pk"))
        .values("criterion__code")
        .annotate(answered=Count("pk"), meeting=Count("pk", filter=Q(option__meets=True)))
        .values_list("criterion__code", "answered", "meeting")
    )
    return lessons, {code: (answered, meeting) for code, answered, meeting in rows}


@cached_figures("registry", "people", "quality")
def lessons_by_institution_type(
    *, date_from: date, date_to: date, visible_to: Viewer, kind: str | None = None
) -> dict[str, int]:
    """Lessons observed in a period by the type of the institution observed (one query): seed 002 counts the
    board's lessons in preschools and schools apart from the training sessions in sports schools."""
    observations = observations_in(date_from=date_from, date_to=date_to, visible_to=visible_to, kind=kind)
    rows = observations.order_by().values_list("institution__type").annotate(n=Count("pk"))
    return {kind_: int(n) for kind_, n in rows.values_list("institution__type", "n")}


@cached_figures("registry", "quality")
def observation_figures(
    *,
    date_from: date,
    date_to: date,
    visible_to: Viewer,
    institution: Institution | int | None = None,
    subject: Any = None,
    kind: str | None = None,
    institution_types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Lessons observed in a period and the % meeting each criterion, with the change against a year before.

    6 queries whatever the number of observations. Keys: `from`, `to`, `lessons`, `lessons_by_kind`,
    `criteria` (criterion code -> `text`, `group`, `answered`, `meeting`, `percent`, `previous_percent`,
    `change_points`), `previous` (`from`, `to`, `lessons`). Percentages are Decimals with 2 places or None.
    """
    types = list(institution_types) if institution_types is not None else None
    filters = {
        "visible_to": visible_to,
        "institution": institution,
        "subject": subject,
        "kind": kind,
        "institution_types": types,
    }
    current = observations_in(date_from=date_from, date_to=date_to, **filters)
    lessons, counts = _criterion_counts(current)
    by_kind = dict(current.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    previous_from, previous_to = same_day_a_year_before(date_from), same_day_a_year_before(date_to)
    previous_lessons, previous_counts = _criterion_counts(
        observations_in(date_from=previous_from, date_to=previous_to, **filters)
    )
    texts = criterion_texts(set(counts) | set(previous_counts))
    criteria: dict[str, dict[str, Any]] = {}
    for code in sorted(set(counts) | set(previous_counts), key=lambda c: texts.get(c, (9999, c, c, ""))[:2]):
        info = texts.get(code, (9999, code, code, ""))
        answered, meeting = counts.get(code, (0, 0))
        before_answered, before_meeting = previous_counts.get(code, (0, 0))
        now = percent(meeting, answered)
        before = percent(before_meeting, before_answered)
        criteria[code] = {
            "text": info[2],
            "group": info[3],
            "answered": answered,
            "meeting": meeting,
            "percent": now,
            "previous_answered": before_answered,
            "previous_percent": before,
            "change_points": _gap(now, before),
        }
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "lessons": lessons,
        "lessons_by_kind": {k: by_kind.get(k, 0) for k in ("external", "internal", "peer")},
        "criteria": criteria,
        "previous": {"from": previous_from.isoformat(), "to": previous_to.isoformat(), "lessons": previous_lessons},
    }


def criterion_texts(codes: Iterable[str]) -> dict[str, tuple[int, str, str, str]]:
    """code -> (position, code, text, group name), from the newest form version that has the code (1 query).

    Codes of the form in use come first, in its order.
    """
    wanted = set(codes)
    if not wanted:
        return {}
    newest = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("-version").values("pk")[:1]
    result: dict[str, tuple[int, str, str, str]] = {}
    rows = (
        Criterion.objects.filter(code__in=wanted)
        .annotate(
            in_use=Count("pk", filter=Q(form__in=newest)),
            shown_text=localized("text", Criterion),
            group_name=localized("group__name", Criterion),
        )
        .order_by("-in_use", "-form__version", "-form_id")
        .values_list("code", "shown_text", "group_name", "position", "in_use")
    )
    for code, text, group, position, in_use in rows:
        if code not in result:
            result[code] = (position if in_use else 1000 + position, code, text, group)
    return result


def latest_observation_date(*, visible_to: Viewer) -> date | None:
    """The day of the latest observation the viewer may see, up to today (the figures page opens on its school
    year when the current one has none yet)."""
    from django.db.models import Max
    from django.utils import timezone

    found = Observation.objects.visible_to(visible_to).filter(date__lte=timezone.localdate())
    return found.aggregate(last=Max("date"))["last"]  # type: ignore[no-any-return]


def observation_list(*, visible_to: Viewer) -> QuerySet[Observation]:
    """Observations the user may see, with what the list pages show (1 query per page)."""
    observations = Observation.objects.visible_to(visible_to)
    return observations.select_related("institution", "teacher", "subject", "observer", "form")


def observation_answers(observation: Observation) -> list[tuple[Criterion, str, bool]]:
    """The criteria of the observation's form version with the answer given (label, meets) — 1 query."""
    answers = {
        answer.criterion_id: answer.option
        for answer in Answer.objects.filter(observation=observation).select_related("option")
    }
    rows = []
    for criterion in Criterion.objects.filter(form_id=observation.form_id).select_related("group").order_by("position"):
        option = answers.get(criterion.pk)
        rows.append((criterion, str(option) if option else "—", bool(option and option.meets)))
    return rows


# --- exams


def _weighted_mean(pairs: Iterable[tuple[int, Decimal | None]]) -> Decimal | None:
    """The candidates-weighted mean of the results that have one (a test assessed by criteria has none)."""
    total, weight = Decimal(0), 0
    for candidates, mean in pairs:
        if mean is None:
            continue
        total += Decimal(candidates) * mean
        weight += candidates
    if weight == 0:
        return None
    return (total / weight).quantize(CENT, rounding=ROUND_HALF_UP)


def _gap(value: Decimal | None, other: Decimal | None) -> Decimal | None:
    """`value` less `other` in percentage points (2 places), None when either is missing."""
    return None if value is None or other is None else _percent(value - other)


def exam_result_list(*, visible_to: Viewer) -> QuerySet[ExamResult]:
    """Exam results the user may see, with their sitting, subject and institution (1 query per page)."""
    results: QuerySet[ExamResult] = ExamResult.objects.visible_to(visible_to)
    return results.select_related("sitting", "sitting__subject", "institution")


@cached_figures("registry", "quality")
def exam_comparison(
    *,
    year: int,
    exam: str,
    level: str | None = None,
    visible_to: Viewer,
    institution_types: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The city (the institutions in scope) against the nation, per sitting of `exam` in `year` — 2 queries.

    One dict per sitting: `subject`, `level`, `grade`, `institutions`, `candidates`, `mean_percent`
    (candidate-weighted), `below_threshold` (sum; None when no institution gave it), `threshold_percent`,
    `national_mean_percent`, `gap_points` (city minus nation). Ordered by level, grade, subject.
    """
    results = exam_result_list(visible_to=visible_to).filter(sitting__year=year, sitting__exam=exam)
    if level is not None:
        results = results.filter(sitting__level=level)
    if institution_types is not None:
        results = results.filter(institution__type__in=list(institution_types))
    return _sitting_rows(list(results), year=year, exam=exam, threshold=pass_threshold(year=year, exam=exam))


def _sitting_rows(
    results: list[ExamResult], *, year: int, exam: str, threshold: Decimal | None
) -> list[dict[str, Any]]:
    """`exam_comparison`'s rule: its rows from the results counted (each with its sitting), `threshold` the
    exam's pass threshold in the year."""
    grouped: dict[int, list[ExamResult]] = defaultdict(list)
    sittings: dict[int, ExamSitting] = {}
    for result in results:
        grouped[result.sitting_id].append(result)
        sittings[result.sitting_id] = result.sitting
    rows = []
    for sitting_id, rows_of in grouped.items():
        sitting = sittings[sitting_id]
        mean = _weighted_mean((r.candidates, r.mean_percent) for r in rows_of)
        below = [r.below_threshold for r in rows_of if r.below_threshold is not None]
        national = sitting.national_mean_percent
        rows.append(
            {
                "year": year,
                "exam": exam,
                "subject": str(sitting.subject),
                "level": sitting.level,
                "grade": sitting.grade,
                "institutions": len(rows_of),
                "candidates": sum(r.candidates for r in rows_of),
                "mean_percent": mean,
                "below_threshold": sum(below) if below else None,
                "threshold_percent": _percent(threshold),
                "national_mean_percent": _percent(national),
                "gap_points": _gap(mean, national),
            }
        )
    rows.sort(key=lambda row: (row["level"], row["grade"] or 0, row["subject"]))
    return rows


@cached_figures("registry", "quality")
def exam_comparison_of_boards(*, year: int, exam: str, parts: list[list[int]]) -> list[list[dict[str, Any]]]:
    """For each part of `parts` (boards' ids), `exam_comparison` of `exam` in `year` for a viewer narrowed to those
    boards' institutions, from one read of the deployment's results (the ministry's comparison) rather than one
    a part: the same rule (`_sitting_rows`) over each part's boards' results. Each board's own institutions only
    (`board_scope.boards_own_viewer`)."""
    own = boards_own_viewer(WHOLE_CITY)
    results = exam_result_list(visible_to=own).filter(sitting__year=year, sitting__exam=exam)
    by_board: dict[int, list[ExamResult]] = defaultdict(list)
    for result in results:
        by_board[result.institution.board_id].append(result)
    threshold = pass_threshold(year=year, exam=exam)
    return [_sitting_rows(of_part(by_board, part), year=year, exam=exam, threshold=threshold) for part in parts]


@cached_figures("registry", "quality")
def institution_exam_comparison(
    *, institution: Institution | int, year: int, exam: str | None = None, visible_to: Viewer
) -> list[dict[str, Any]]:
    """One institution against the mean of its type and the nation, as seed 003's table 3 (1 query).

    One dict per sitting: `exam`, `subject`, `level`, `grade`, `candidates`, `mean_percent`,
    `type_mean_percent`, `national_mean_percent`, `gap_to_type_points`, `gap_to_national_points`,
    `below_threshold`.
    """
    results = exam_result_list(visible_to=visible_to).filter(institution=institution, sitting__year=year)
    if exam:
        results = results.filter(sitting__exam=exam)
    rows = []
    for result in results.order_by("sitting__exam", "sitting__level", "sitting__grade", "pk"):
        national = result.national_mean_percent
        if national is None:
            national = result.sitting.national_mean_percent
        rows.append(
            {
                "year": year,
                "exam": result.sitting.exam,
                "subject": str(result.sitting.subject),
                "level": result.sitting.level,
                "grade": result.sitting.grade,
                "candidates": result.candidates,
                "mean_percent": _percent(result.mean_percent),
                "below_threshold": result.below_threshold,
                "type_mean_percent": _percent(result.type_mean_percent),
                "national_mean_percent": _percent(national),
                "gap_to_type_points": _gap(result.mean_percent, result.type_mean_percent),
                "gap_to_national_points": _gap(result.mean_percent, national),
            }
        )
    return rows


@cached_figures("registry", "quality")
def exam_years(*, visible_to: Viewer) -> list[int]:
    """Years with results the user may see, newest first (1 query)."""
    results = ExamResult.objects.visible_to(visible_to)
    return sorted(set(results.values_list("sitting__year", flat=True)), reverse=True)


def latest_learner_result_year(*, exam: str, visible_to: Viewer) -> int | None:
    """The latest year with learners' results of `exam` the user may see (1 query), or None."""
    years = LearnerResult.objects.visible_to(visible_to).filter(sitting__exam=exam)
    latest: int | None = years.aggregate(latest=Max("sitting__year"))["latest"]
    return latest


def threshold_failures(*, year: int, visible_to: Viewer) -> dict[str, dict[str, Any]]:
    """Learners below the pass threshold in the centralised exams of `year`, from learners' own results (three
    queries): per exam (`ce_basic`, `ce_secondary`) `threshold` (the year's, %), `learners` (distinct pupils
    below it in at least one subject: seed 002's 50 and 21, where the schools' tables count 76 and 24 results),
    `results` (the results below it) and `repeat` (pupils below it in a subject whose same exam they were
    below in the year before: seed 002's 3). An exam without learners' results that year is left out."""
    exams = (ExamKind.CE_BASIC, ExamKind.CE_SECONDARY)
    thresholds = pass_thresholds(years=(year - 1, year), exams=exams)

    def threshold(row_year: int, exam: str) -> Decimal:
        return cast(Decimal, thresholds[(row_year, exam)])  # both exams have a default

    results = LearnerResult.objects.visible_to(visible_to).filter(sitting__exam__in=exams).order_by()
    seen = set(results.filter(sitting__year=year).values_list("sitting__exam", flat=True).distinct())
    # Only the results below their year's threshold leave the database (a country's exams have hundreds of
    # thousands of results, a few per cent of them below it).
    under = Q()
    for row_year in (year - 1, year):
        for exam in exams:
            under |= Q(sitting__year=row_year, sitting__exam=exam, percent__lt=threshold(row_year, exam))
    below: dict[str, set[tuple[int, str]]] = defaultdict(set)
    before: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for row_year, exam, subject, code in results.filter(under).values_list(
        "sitting__year", "sitting__exam", "sitting__subject_id", "personal_code"
    ):
        (below if row_year == year else before)[exam].add((subject, code))
    figures: dict[str, dict[str, Any]] = {}
    for exam in exams:
        if exam not in seen:
            continue
        failing = below[exam]
        figures[exam] = {
            "threshold": threshold(year, exam),
            "learners": len({code for _subject, code in failing}),
            "results": len(failing),
            "repeat": len({code for subject, code in failing if (subject, code) in before[exam]}),
        }
    return figures


def support_list(
    *,
    year: int,
    exam: str,
    below_percent: Decimal,
    subject: str | None = None,
    grade: int | None = None,
    visible_to: Viewer,
) -> list[dict[str, Any]]:
    """Learners whose result is below `below_percent`, grouped by school (1 query).

    One dict per school (None first: learners not found in the registry): `institution`
    (registration number or None), `institution_name`, `learners` (list of `personal_code` (masked),
    `name`, `subject`, `grade`, `percent`), lowest result first.
    """
    results = LearnerResult.objects.visible_to(visible_to)
    results = results.filter(sitting__year=year, sitting__exam=exam, percent__lt=below_percent)
    if subject:
        results = results.filter(sitting__subject__name__iexact=subject)
    if grade is not None:
        results = results.filter(sitting__grade=grade)
    grouped: dict[int | None, dict[str, Any]] = {}
    for result in results.select_related("learner", "institution", "sitting__subject").order_by("percent", "pk"):
        entry = grouped.setdefault(
            result.institution_id,
            {
                "institution": result.institution.registration_number if result.institution else None,
                "institution_name": result.institution.name if result.institution else "",
                "learners": [],
            },
        )
        entry["learners"].append(
            {
                "id": result.pk,
                "personal_code": result.masked_code,
                "name": f"{result.learner.first_name} {result.learner.last_name}" if result.learner else "",
                "subject": str(result.sitting.subject),
                "grade": result.sitting.grade,
                "percent": _percent(result.percent),
            }
        )
    return sorted(grouped.values(), key=lambda entry: (entry["institution"] is not None, entry["institution_name"]))


# --- self-assessment, accreditation, heads' evaluation

#: The kinds of institution that owe a self-assessment every year, unless settings name others.
SELF_ASSESSING_TYPES = (
    InstitutionType.PRESCHOOL,
    InstitutionType.BASIC_SCHOOL,
    InstitutionType.SECONDARY_SCHOOL,
    InstitutionType.GYMNASIUM,
    InstitutionType.VOCATIONAL,
    InstitutionType.INTEREST_EDUCATION,
)


def self_assessment_due_on(school_year: SchoolYear, board: Board) -> date:
    """The day a school year's self-assessment is due to `board`: the board's day (`Board.self_assessment_due`,
    1 October unless its administrator sets another) in the year the school year ends."""
    return board.self_assessment_due_on(school_year.end_date)


def institutions_expected_to_self_assess(*, visible_to: Viewer, on: date) -> QuerySet[Institution]:
    """The institutions that owe the board a self-assessment: the municipality's own, open on `on`, of the types
    in settings.SELF_ASSESSMENT_INSTITUTION_TYPES."""
    types = getattr(settings, "SELF_ASSESSMENT_INSTITUTION_TYPES", SELF_ASSESSING_TYPES)
    institutions: QuerySet[Institution] = (
        Institution.objects.visible_to(visible_to)
        .active_on(on)
        .boards_own()
        .filter(type__in=types)
        .order_by("sort_name")
    )
    return institutions


def self_assessments_late(*, visible_to: Viewer, school_year: SchoolYear, today: date) -> list[dict[str, Any]]:
    """The expected institutions whose self-assessment of `school_year` was not submitted by its due date, once
    that date has passed (`today` after it): each with its self-assessment's status and submission, if any. The due
    date is the institution's board's (`self_assessment_due_on`)."""
    first_due = self_assessment_due_on(school_year, board_for(visible_to))
    due_of = {
        institution: self_assessment_due_on(school_year, institution.board)
        for institution in institutions_expected_to_self_assess(visible_to=visible_to, on=first_due).select_related(
            "board"
        )
    }
    expected = [institution for institution, due in due_of.items() if today > due]
    stored = {
        row["institution"]: row
        for row in SelfAssessment.objects.filter(school_year=school_year, institution__in=expected).values(
            "pk", "institution", "status", "submitted_at"
        )
    }
    late = []
    for institution in expected:
        row = stored.get(institution.pk)
        submitted = row["submitted_at"] if row else None
        if submitted is not None and timezone.localdate(submitted) <= due_of[institution]:
            continue
        late.append(
            {
                "institution": institution,
                "self_assessment": row["pk"] if row else None,
                "status": row["status"] if row else None,
                "status_label": SelfAssessmentStatus(row["status"]).label if row else None,
                "submitted_at": submitted,
            }
        )
    return late


def self_assessment_figures(*, visible_to: Viewer, school_year: SchoolYear, today: date) -> dict[str, Any]:
    """`quality_stats self_assessment`: for every criterion code, how many self-assessments of the year (whatever
    their state) gave it each level; then how many were submitted (submitted, agreed or published), how many
    institutions are late (see `self_assessments_late`, as of `today`) and how many are published."""
    assessments = SelfAssessment.objects.visible_to(visible_to).filter(school_year=school_year)
    by_criterion: dict[str, dict[str, int]] = {}
    rows = (
        SelfAssessmentEntry.objects.filter(self_assessment__in=assessments)
        .values("criterion__code", "criterion__position", "level")
        .annotate(n=Count("pk"))
        .order_by("criterion__position", "criterion__code")
    )
    for row in rows:
        levels = by_criterion.setdefault(row["criterion__code"], dict.fromkeys(QualityLevel.values, 0))
        if row["level"]:
            levels[row["level"]] += row["n"]
    statuses = dict(assessments.values_list("status").annotate(n=Count("pk")))
    return {
        "school_year": school_year.code,
        "due_on": self_assessment_due_on(school_year, board_for(visible_to)).isoformat(),
        "by_criterion": dict(sorted(by_criterion.items(), key=lambda item: _code_key(item[0]))),
        "submitted": sum(
            statuses.get(status, 0)
            for status in (SelfAssessmentStatus.SUBMITTED, SelfAssessmentStatus.AGREED, SelfAssessmentStatus.PUBLISHED)
        ),
        "late": len(self_assessments_late(visible_to=visible_to, school_year=school_year, today=today)),
        "published": statuses.get(SelfAssessmentStatus.PUBLISHED, 0),
    }


def _code_key(code: str) -> tuple[int, ...]:
    """A criterion code in natural order: 2.1 < 2.10 < 3."""
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def self_assessment_list(*, visible_to: Viewer) -> QuerySet[SelfAssessment]:
    """Self-assessments in scope, with what their list shows."""
    assessments: QuerySet[SelfAssessment] = SelfAssessment.objects.visible_to(visible_to)
    return assessments.select_related("institution", "school_year", "framework")


def self_assessment_entries(assessment: SelfAssessment, *, with_evidence: bool = True) -> list[SelfAssessmentEntry]:
    """The criteria of a self-assessment in the framework's order, with their area (and evidence, unless not
    wanted: one query fewer)."""
    entries = assessment.entries.select_related("criterion__area").order_by("criterion__position")
    if with_evidence:
        entries = entries.prefetch_related("evidence")
    return list(entries)


def self_assessment_filling(*, entries: Sequence[SelfAssessmentEntry]) -> dict[str, Any]:
    """How far the criteria `entries` of one self-assessment are filled (`rules.entry_missing_parts`: a level and a
    description): `total`, `filled`, and `unfilled`, the criteria not filled in the order given, each as
    {"entry", "missing"} (the parts lacking). No query: the caller has the entries (`self_assessment_entries`)."""
    unfilled = []
    for entry in entries:
        missing = entry_missing_parts(level=entry.level, description=entry.description)
        if missing:
            unfilled.append({"entry": entry, "missing": missing})
    return {"total": len(entries), "filled": len(entries) - len(unfilled), "unfilled": unfilled}


def self_assessment_neighbours(
    *, entries: Sequence[SelfAssessmentEntry], current: SelfAssessmentEntry
) -> dict[str, Any]:
    """Where the criterion `current` stands among `entries` (its self-assessment's, in the framework's order):
    `number` (from 1) of `total`, the `previous` and `next` criteria (None at either end), and `next_unfilled`,
    the first unfilled criterion after it, going round to the start (None when every other one is filled)."""
    pks = [entry.pk for entry in entries]
    index = pks.index(current.pk)
    after = [*entries[index + 1 :], *entries[:index]]
    next_unfilled = next(
        (entry for entry in after if entry_missing_parts(level=entry.level, description=entry.description)), None
    )
    return {
        "number": index + 1,
        "total": len(entries),
        "previous": entries[index - 1] if index > 0 else None,
        "next": entries[index + 1] if index + 1 < len(entries) else None,
        "next_unfilled": next_unfilled,
    }


def accreditations_expiring(*, visible_to: Viewer, today: date, months: int = 12) -> QuerySet[Accreditation]:
    """Accreditations in scope that end from `today` to `months` months later (the latest one per institution and
    programme only, so a renewed accreditation no longer shows the old one)."""
    until = add_months(today, months)
    latest = (
        Accreditation.objects.filter(institution=OuterRef("institution"), programme=OuterRef("programme"))
        .order_by("-expires_on")
        .values("pk")[:1]
    )
    institution_only = (
        Accreditation.objects.filter(institution=OuterRef("institution"), programme__isnull=True)
        .order_by("-expires_on")
        .values("pk")[:1]
    )
    expiring: QuerySet[Accreditation] = (
        Accreditation.objects.visible_to(visible_to)
        .filter(expires_on__gte=today, expires_on__lte=until)
        .filter(
            Q(programme__isnull=False, pk=Subquery(latest)) | Q(programme__isnull=True, pk=Subquery(institution_only))
        )
        .select_related("institution", "programme")
        .order_by("expires_on", "institution__sort_name")
    )
    return expiring


def heads_figures(*, visible_to: Viewer, as_of: date) -> dict[str, Any]:
    """`quality_stats heads`: the overall level of each head's latest evaluation on or before `as_of` (one per head
    and institution), counted by level; and each school's latest unified-school status by then, counted by the
    environment's and the head's answers."""
    evaluations = (
        HeadEvaluation.objects.visible_to(visible_to).filter(evaluated_on__lte=as_of).exclude(overall_level="")
    )
    latest: dict[tuple[int, int], tuple[date, str]] = {}
    for head, institution, day, level in evaluations.values_list(
        "head", "institution", "evaluated_on", "overall_level"
    ):
        if (head, institution) not in latest or day > latest[(head, institution)][0]:
            latest[(head, institution)] = (day, level)
    levels = dict.fromkeys(QualityLevel.values, 0)
    for _day, level in latest.values():
        levels[level] += 1
    statuses: dict[int, tuple[date, str, str]] = {}
    for institution, day, environment, head_answer in (
        UnifiedSchoolStatus.objects.visible_to(visible_to)
        .filter(assessed_on__lte=as_of)
        .values_list("institution", "assessed_on", "environment", "head_transition")
    ):
        if institution not in statuses or day > statuses[institution][0]:
            statuses[institution] = (day, environment, head_answer)
    environment_counts = dict.fromkeys(UnifiedSchoolEnvironment.values, 0)
    head_counts = dict.fromkeys(UnifiedSchoolHead.values, 0)
    for _day, environment, head_answer in statuses.values():
        environment_counts[environment] += 1
        head_counts[head_answer] += 1
    return {
        "as_of": as_of.isoformat(),
        "heads": len(latest),
        "levels": levels,
        "unified_school": {"schools": len(statuses), "environment": environment_counts, "head": head_counts},
    }


# --- forms and frameworks in use


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


def form_specs(form: ObservationForm) -> list[CriterionSpec]:
    """The criteria of a form version as specs (to start the next version from)."""
    return [
        CriterionSpec(c.group.code, c.group.name, c.code, c.text, c.scale.code)
        for c in Criterion.objects.filter(form=form).select_related("group", "scale").order_by("position", "pk")
    ]


def framework_in_use(*, code: str) -> Framework:
    """The newest version of the framework `code` (the one new self-assessments and files use)."""
    framework = Framework.objects.filter(code=code).order_by("-version").first()
    if framework is None:
        known = ", ".join(sorted(set(Framework.objects.values_list("code", flat=True))))
        raise ValidationError(
            _("There is no quality framework “%(code)s” (known: %(known)s).") % {"code": code, "known": known},
            code="no_framework",
        )
    return framework


def review_rule_problems(*, assessment: SelfAssessment) -> list[dict[str, Any]]:
    """Where the assessment breaks the review rule: a criterion marked `every_year` (2.1) has no level this year,
    or another criterion had no level in any of the institution's self-assessments on the same framework in the
    four school years ending with this one. Each problem: criterion code and name, rule, the last year it had one."""
    criteria = list(assessment.framework.criteria.order_by("position"))
    first_start = assessment.school_year.start_date.replace(year=assessment.school_year.start_date.year - 3)
    rated = (
        SelfAssessmentEntry.objects.filter(
            self_assessment__institution=assessment.institution_id,
            self_assessment__framework__code=assessment.framework.code,
            self_assessment__school_year__start_date__lte=assessment.school_year.start_date,
        )
        .exclude(level="")
        .values_list(
            "criterion__code", "self_assessment__school_year__code", "self_assessment__school_year__start_date"
        )
    )
    last: dict[str, tuple[date, str]] = {}
    this_year: set[str] = set()
    for code, year_code, start in rated:
        if start == assessment.school_year.start_date:
            this_year.add(code)
        if code not in last or start > last[code][0]:
            last[code] = (start, year_code)
    problems = []
    for criterion in criteria:
        seen = last.get(criterion.code)
        if criterion.every_year and criterion.code not in this_year:
            rule = "every_year"
        elif not criterion.every_year and (seen is None or seen[0] < first_start):
            rule = "four_years"
        else:
            continue
        problems.append(
            {
                "criterion": criterion.code,
                "name": criterion.in_language(),
                "rule": rule,
                "last_reviewed": seen[1] if seen else None,
            }
        )
    return problems


def self_assessment_submit_blockers(*, assessment: SelfAssessment) -> list[str]:
    """The codes of the criteria reviewed every year (2.1) that have no level in `assessment`: while there is one,
    it is not submitted (`services.self_assessment_submit`)."""
    return [
        problem["criterion"]
        for problem in review_rule_problems(assessment=assessment)
        if problem["rule"] == "every_year"
    ]


# --- monitoring results by level (seed 002's analysis of the city's Latvian monitoring)

#: Shares of the monitoring levels are written with one decimal, as seed 002 prints them ("162 izglītojamo
#: (18,5%)"); core.numbers.percent rounds them half up.
MONITORING_PERCENT_PLACES = 1
#: The levels counted as "a low level" of the Latvian skills (seed 002: "zems latviešu valodas prasmes līmenis").
LOW_LEVELS = (MonitoringLevel.LOW.value, MonitoringLevel.CRITICAL.value)
#: The levels of those who mastered the content (seed 002: "apguvuši vai padziļināti apguvuši").
MASTERED_LEVELS = (MonitoringLevel.GOOD.value, MonitoringLevel.ADVANCED.value)
#: The grade whose centralised exam each kind is (the basic school's in grade 9).
EXAM_GRADES = {ExamKind.CE_BASIC.value: 9, ExamKind.CE_SECONDARY.value: 12}


def monitoring_level_figures(*, year: int, visible_to: Viewer) -> dict[str, Any]:
    """The city's monitoring tests of `year` assessed by level (three queries), from the level rows and the
    institutions' results in the viewer's scope:

    - `sittings`: per monitoring sitting with level rows (by subject, then grade): `subject` (its name), `grade`,
      `assessed` (the candidates of the sitting's results: the learners assessed), and `levels`:
      {aspect: {level: {`learners`, `percent`}}}, `percent` = learners ÷ assessed (one decimal,
      MONITORING_PERCENT_PLACES; None without an assessed total), `low` and `mastered`: {`learners`, `percent`} of
      the overall result at a level of LOW_LEVELS, of MASTERED_LEVELS;
    - `subjects`: per subject name: `assessed` (of the sittings with level rows), `low` (learners at a low or
      critical level, LOW_LEVELS, of the overall result), `percent` of them and `grades` (of those sittings).

    Seed 002 (Latvian, 2024): grade 1 "162 (18,5 %) at a low level"; in all 90 + 162 + 157 + 69 + 184 + 32 = 694 of
    3 269 (21,2 %), where the seed prints 674 (23 %)."""
    levels = MonitoringLevelResult.objects.visible_to(visible_to).filter(
        sitting__year=year, sitting__exam=ExamKind.MONITORING
    )
    counted: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for sitting_id, aspect, level, learners in levels.values_list("sitting_id", "aspect", "level", "learners"):
        counted[sitting_id][aspect][level] += learners
    if not counted:
        return {"sittings": [], "subjects": {}}
    assessed = dict(
        ExamResult.objects.visible_to(visible_to)
        .filter(sitting_id__in=list(counted))
        .values_list("sitting_id")
        .annotate(n=Sum("candidates"))
        .values_list("sitting_id", "n")
        .order_by()
    )
    sittings = ExamSitting.objects.filter(pk__in=list(counted)).select_related("subject")
    aspect_order = {code: index for index, code in enumerate(MonitoringAspect.values)}
    level_order = {code: index for index, code in enumerate(MonitoringLevel.values)}
    found = []
    subjects: dict[str, dict[str, Any]] = {}
    for sitting in sorted(sittings, key=lambda s: (s.subject.sort_name, s.grade if s.grade is not None else -1)):
        whole = int(assessed.get(sitting.pk) or 0)
        by_aspect = counted[sitting.pk]
        overall = by_aspect.get(MonitoringAspect.OVERALL, {})
        low = sum(overall.get(level, 0) for level in LOW_LEVELS)
        mastered = sum(overall.get(level, 0) for level in MASTERED_LEVELS)
        found.append(
            {
                "subject": sitting.subject.name,
                "grade": sitting.grade,
                "assessed": whole,
                "levels": {
                    aspect: {
                        level: {
                            "learners": by_aspect[aspect][level],
                            "percent": percent(by_aspect[aspect][level], whole, places=MONITORING_PERCENT_PLACES),
                        }
                        for level in sorted(by_aspect[aspect], key=lambda code: level_order.get(code, 99))
                    }
                    for aspect in sorted(by_aspect, key=lambda code: aspect_order.get(code, 99))
                },
                "low": {"learners": low, "percent": percent(low, whole, places=MONITORING_PERCENT_PLACES)},
                "mastered": {
                    "learners": mastered,
                    "percent": percent(mastered, whole, places=MONITORING_PERCENT_PLACES),
                },
            }
        )
        total = subjects.setdefault(sitting.subject.name, {"assessed": 0, "low": 0, "grades": []})
        total["assessed"] += whole
        total["low"] += low
        total["grades"].append(sitting.grade)
    for total in subjects.values():
        total["percent"] = percent(total["low"], total["assessed"], places=MONITORING_PERCENT_PLACES)
    return {"sittings": found, "subjects": subjects}


def cohort_below_threshold(*, exam_year: int, visible_to: Viewer, exam: str = ExamKind.CE_BASIC) -> dict[str, Any]:
    """The pupils who will sit `exam` in `exam_year` and were below its threshold in the city's monitoring tests
    two years before (two queries): their grade then was the exam's grade less two (grade 7 for the basic school's
    exam in grade 9). `threshold`: the exam's in `exam_year` (`pass_threshold`), `monitoring_year`, `grade`,
    `learners` (distinct pupils with a result below the threshold in at least one subject, from learners' own
    results) and `by_subject` {subject name: pupils below it}.

    Seed 002: "Lai 2025./2026.mācību gada eksāmenos 9.klases skolēni spētu pārvarēt 20% slieksni, tiks detalizēti
    pētīti viņu rezultāti 7.klases 2023./2024.mācību gada monitoringa darbos" (exam_year 2026, monitoring 2024)."""
    threshold = pass_threshold(year=exam_year, exam=exam)
    grade, monitoring_year = EXAM_GRADES[exam] - 2, exam_year - 2
    figures: dict[str, Any] = {
        "threshold": threshold,
        "monitoring_year": monitoring_year,
        "grade": grade,
        "learners": 0,
        "by_subject": {},
    }
    if threshold is None:
        return figures
    rows = (
        LearnerResult.objects.visible_to(visible_to)
        .filter(
            sitting__year=monitoring_year,
            sitting__exam=ExamKind.MONITORING,
            sitting__grade=grade,
            percent__lt=threshold,
        )
        .values_list("sitting__subject__name", "personal_code")
        .order_by()
    )
    by_subject: dict[str, set[str]] = defaultdict(set)
    for subject, code in rows:
        by_subject[subject].add(code)
    figures["learners"] = len(set().union(*by_subject.values())) if by_subject else 0
    figures["by_subject"] = {
        subject: len(codes) for subject, codes in sorted(by_subject.items(), key=lambda item: sort_key(item[0]))
    }
    return figures
