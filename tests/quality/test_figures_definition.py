"""`quality_stats observations` and `quality_stats exams` (with and without `--institution`) against their
definitions.

Hypothesis draws small worlds (institutions, some closed, some state-founded; two versions of the lesson form
sharing some criterion codes, on both answer scales; observations of every kind on days around the period and a
year before it, each answering every criterion of its version; exam sittings with national means and the
institutions' results, pass thresholds of some years), the selectors answer, and a plain computation over the rows
in memory, written from docs/quality.md and the selectors' docstrings, must give the same JSON, digit for digit.
Every example is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduboard.core.numbers import json_figures
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import StaffMember
from eduboard.quality import selectors
from eduboard.quality.defaults import DEFAULT_FORM_CODE, ensure_default_form
from eduboard.quality.models import (
    Answer,
    AnswerScale,
    Criterion,
    CriterionGroup,
    ExamResult,
    ExamSitting,
    Observation,
    ObservationForm,
    PassThreshold,
    Subject,
)
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The scales of the default form's migration, as docs/quality.md gives them: option -> meets the criterion.
SCALES = {
    "yes_partly_no": {"yes": True, "partly": False, "no": False},
    "levels": {"excellent": True, "very_good": True, "good": True, "needs_improvement": False, "insufficient": False},
}
KINDS = ("external", "internal", "peer")
SUBJECTS = ("Matemātika", "Fizika")
CODES = ("c_alpha", "c_beta", "c_gamma", "c_delta")
INSTITUTION_TYPES = ("preschool", "basic", "secondary", "gymnasium")


def to_hundredths(value: Fraction | Decimal | int) -> Decimal:
    """An exact number rounded half up (away from zero) to 2 places."""
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    hundredths = int(abs(exact) * 100 + Fraction(1, 2))
    return (Decimal(sign * hundredths) / 100).quantize(Decimal("0.01"))


def as_percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else to_hundredths(Fraction(part * 100, whole))


def gap(value: Decimal | None, other: Decimal | None) -> Decimal | None:
    return None if value is None or other is None else to_hundredths(value - other)


@dataclass(frozen=True)
class InstitutionRow:
    key: int
    type: str
    founder: str
    opened_on: date | None
    closed_on: date | None


# --- observations


@dataclass(frozen=True)
class CriterionRow:
    code: str
    text: str
    group: str
    position: int
    scale: str


@dataclass(frozen=True)
class ObservationRow:
    key: int
    version: int  # index into the world's form versions: 0 older, 1 the form in use
    day: date
    institution: int
    kind: str
    subject: str
    answers: tuple[tuple[str, str], ...]  # (criterion code, option code), one for every criterion of the version


@dataclass(frozen=True)
class ObservationWorld:
    date_from: date
    date_to: date
    kind: str | None
    subject: str | None
    institution: int | None
    institutions: list[InstitutionRow]
    versions: list[list[CriterionRow]]
    observations: list[ObservationRow]


@st.composite
def institution_rows(draw: st.DrawFn, days: list[date]) -> list[InstitutionRow]:
    rows = []
    for key in range(draw(st.integers(1, 3))):
        opened_on = draw(st.none() | st.sampled_from(days))
        closed_on = draw(st.none() | st.sampled_from([d for d in days if opened_on is None or d >= opened_on]))
        rows.append(
            InstitutionRow(
                key=key,
                type=draw(st.sampled_from(INSTITUTION_TYPES)),
                founder=draw(st.sampled_from(("municipality", "state"))),
                opened_on=opened_on,
                closed_on=closed_on,
            )
        )
    return rows


@st.composite
def observation_worlds(draw: st.DrawFn) -> ObservationWorld:
    date_from = draw(st.sampled_from([date(2024, 9, 1), date(2024, 2, 29), date(2024, 1, 10)]))
    date_to = date_from + timedelta(days=draw(st.sampled_from([0, 30, 120])))
    a_year_before = [
        d.replace(year=d.year - 1, day=28 if (d.month, d.day) == (2, 29) else d.day) for d in (date_from, date_to)
    ]
    edges = [date_from, date_to, date_from - timedelta(days=1), date_to + timedelta(days=1), *a_year_before]
    edges += [a_year_before[0] - timedelta(days=1), a_year_before[1] + timedelta(days=1)]
    days = sorted(set(edges))
    versions = []
    for version in range(2):
        codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True))
        versions.append(
            [
                CriterionRow(
                    code=code,
                    text=f"{code} v{version}",
                    group=f"grupa {draw(st.integers(1, 2))} v{version}",
                    position=position,
                    scale=draw(st.sampled_from(tuple(SCALES))),
                )
                for position, code in enumerate(codes, start=1)
            ]
        )
    institutions = draw(institution_rows(days))
    observations = []
    for key in range(draw(st.integers(0, 12))):
        version = draw(st.integers(0, 1))
        answers = tuple(
            (criterion.code, draw(st.sampled_from(tuple(SCALES[criterion.scale])))) for criterion in versions[version]
        )
        observations.append(
            ObservationRow(
                key=key,
                version=version,
                day=draw(st.sampled_from(days)),
                institution=draw(st.integers(0, len(institutions) - 1)),
                kind=draw(st.sampled_from(KINDS)),
                subject=draw(st.sampled_from(SUBJECTS)),
                answers=answers,
            )
        )
    return ObservationWorld(
        date_from=date_from,
        date_to=date_to,
        kind=draw(st.none() | st.sampled_from(KINDS)),
        subject=draw(st.none() | st.sampled_from(SUBJECTS)),
        institution=draw(st.none() | st.integers(0, len(institutions) - 1)),
        institutions=institutions,
        versions=versions,
        observations=observations,
    )


def store_institutions(rows: list[InstitutionRow]) -> dict[int, Institution]:
    return {
        row.key: Institution.objects.create(
            name=f"Iestāde {row.key}",
            registration_number=f"{9900000000 + row.key:010d}",
            type=row.type,
            founder=row.founder,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )
        for row in rows
    }


def subjects() -> dict[str, Subject]:
    return {name: Subject.objects.get_or_create(name=name)[0] for name in SUBJECTS}


def store_observations(world: ObservationWorld) -> dict[int, Institution]:
    institutions = store_institutions(world.institutions)
    scales = {scale.code: scale for scale in AnswerScale.objects.prefetch_related("options")}
    options = {(scale, option.code): option for scale in scales for option in scales[scale].options.all()}
    newest = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("-version").first()
    first_version = (newest.version if newest else 0) + 1
    criteria: list[dict[str, Criterion]] = []
    for index, rows in enumerate(world.versions):
        form = ObservationForm.objects.create(code=DEFAULT_FORM_CODE, version=first_version + index, name="Stunda")
        groups: dict[str, CriterionGroup] = {}
        own = {}
        for row in rows:
            if row.group not in groups:
                groups[row.group] = CriterionGroup.objects.create(
                    form=form, code=f"g{len(groups)}", name=row.group, position=len(groups)
                )
            own[row.code] = Criterion.objects.create(
                form=form,
                group=groups[row.group],
                code=row.code,
                text=row.text,
                scale=scales[row.scale],
                position=row.position,
            )
        criteria.append(own)
    teacher = StaffMember.objects.create(
        personal_code=PersonalCodes().for_birth_date(date(1980, 1, 1)), first_name="Anna", last_name="Ozola"
    )
    by_name = subjects()
    forms = {index: next(iter(own.values())).form for index, own in enumerate(criteria)}
    for row in world.observations:
        observation = Observation.objects.create(
            form=forms[row.version],
            date=row.day,
            institution=institutions[row.institution],
            kind=row.kind,
            teacher=teacher,
            subject=by_name[row.subject],
            grade="5.a",
        )
        scale_of = {criterion.code: criterion.scale for criterion in world.versions[row.version]}
        for code, option in row.answers:
            Answer.objects.create(
                observation=observation, criterion=criteria[row.version][code], option=options[(scale_of[code], option)]
            )
    return institutions


def expected_observation_figures(world: ObservationWorld) -> dict[str, Any]:
    """observation_figures as docs/quality.md defines it."""

    def year_before(day: date) -> date:
        return (
            day.replace(year=day.year - 1, day=28)
            if (day.month, day.day) == (2, 29)
            else day.replace(year=day.year - 1)
        )

    def lessons(first: date, last: date) -> list[ObservationRow]:
        return [
            o
            for o in world.observations
            if first <= o.day <= last
            and (world.kind is None or o.kind == world.kind)
            and (world.subject is None or o.subject == world.subject)
            and (world.institution is None or o.institution == world.institution)
        ]

    def counts(rows: list[ObservationRow]) -> dict[str, tuple[int, int]]:
        scale_of = [{c.code: c.scale for c in version} for version in world.versions]
        found: dict[str, tuple[int, int]] = {}
        for row in rows:
            for code, option in row.answers:
                answered, meeting = found.get(code, (0, 0))
                found[code] = (answered + 1, meeting + SCALES[scale_of[row.version][code]][option])
        return found

    previous_from, previous_to = year_before(world.date_from), year_before(world.date_to)
    now_rows, before_rows = lessons(world.date_from, world.date_to), lessons(previous_from, previous_to)
    now, before = counts(now_rows), counts(before_rows)
    in_use = {c.code: c for c in world.versions[1]}
    older = {c.code: c for c in world.versions[0]}

    def place(code: str) -> tuple[int, str]:
        """Codes of the form in use first, in its order; then the others by their newest version's position."""
        return (in_use[code].position, code) if code in in_use else (1000 + older[code].position, code)

    criteria = {}
    for code in sorted(set(now) | set(before), key=place):
        newest = in_use.get(code) or older[code]
        answered, meeting = now.get(code, (0, 0))
        before_answered, before_meeting = before.get(code, (0, 0))
        percent_now, percent_before = as_percent(meeting, answered), as_percent(before_meeting, before_answered)
        criteria[code] = {
            "text": newest.text,
            "group": newest.group,
            "answered": answered,
            "meeting": meeting,
            "percent": percent_now,
            "previous_answered": before_answered,
            "previous_percent": percent_before,
            "change_points": gap(percent_now, percent_before),
        }
    return {
        "from": world.date_from.isoformat(),
        "to": world.date_to.isoformat(),
        "lessons": len(now_rows),
        "lessons_by_kind": {kind: sum(o.kind == kind for o in now_rows) for kind in KINDS},
        "criteria": criteria,
        "previous": {"from": previous_from.isoformat(), "to": previous_to.isoformat(), "lessons": len(before_rows)},
    }


def assert_same_json(actual: Any, expected: Any) -> None:
    if isinstance(expected, dict):
        for key in expected:
            assert actual.get(key) == expected[key], key
    assert actual == expected
    assert json_figures(actual) == json_figures(expected)  # order and every digit


def test_observation_figures_are_their_definition_over_random_worlds() -> None:
    """Every key of `quality_stats observations`: lessons, lessons by kind, and per criterion code (across form
    versions) its text and group from the newest version, answered, meeting, percent, the year before's answered
    and percent, the change in points; the year before's period and lessons; with the kind, subject and
    institution filters."""
    ensure_default_form()  # the scales; a test that commits may have emptied the tables the migration filled

    @EXAMPLES
    @given(world=observation_worlds())
    def run(world: ObservationWorld) -> None:
        with transaction.atomic():
            institutions = store_observations(world)
            actual = selectors.observation_figures(
                visible_to=WHOLE_CITY,
                date_from=world.date_from,
                date_to=world.date_to,
                kind=world.kind,
                subject=world.subject,
                institution=None if world.institution is None else institutions[world.institution],
            )
            assert_same_json(actual, expected_observation_figures(world))
            transaction.set_rollback(True)

    run()


# --- exams


EXAMS = ("ce_basic", "ce_secondary")
LEVELS = ("", "optimal", "higher")


@dataclass(frozen=True)
class SittingRow:
    key: int
    year: int
    exam: str
    subject: str
    level: str
    grade: int | None
    national_mean_percent: Decimal | None


@dataclass(frozen=True)
class ResultRow:
    key: int
    sitting: int
    institution: int
    candidates: int
    mean_percent: Decimal | None
    below_threshold: int | None
    national_mean_percent: Decimal | None
    type_mean_percent: Decimal | None


@dataclass(frozen=True)
class ExamWorld:
    year: int
    exam: str
    level: str | None
    institution: int
    institutions: list[InstitutionRow]
    thresholds: dict[tuple[int, str], Decimal]
    sittings: list[SittingRow]
    results: list[ResultRow]


percents = st.integers(0, 10000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def exam_worlds(draw: st.DrawFn) -> ExamWorld:
    """A small world of exam results; the year and exam asked for are drawn first and most sittings are of them."""
    year, exam = draw(st.sampled_from((2023, 2024))), draw(st.sampled_from(EXAMS))
    asked = st.sampled_from([(year, exam)] * 3 + [(y, e) for y in (2023, 2024) for e in EXAMS])
    institutions = draw(institution_rows([date(2023, 9, 1), date(2024, 6, 1), date(2024, 9, 1)]))
    keys = draw(
        st.lists(
            st.tuples(asked, st.sampled_from(SUBJECTS), st.sampled_from(LEVELS), st.sampled_from((None, 9, 12))),
            max_size=6,
            unique=True,
        ).map(lambda rows: [(*year_exam, *rest) for year_exam, *rest in rows])
    )
    sittings = [
        SittingRow(key, year, exam, subject, level, grade, draw(st.none() | percents))
        for key, (year, exam, subject, level, grade) in enumerate(keys)
    ]
    results = []
    for sitting in sittings:
        for institution in sorted(draw(st.sets(st.integers(0, len(institutions) - 1), min_size=1))):
            candidates = draw(st.integers(0, 60))
            results.append(
                ResultRow(
                    key=len(results),
                    sitting=sitting.key,
                    institution=institution,
                    candidates=candidates,
                    mean_percent=draw(st.none() | percents),
                    below_threshold=draw(st.none() | st.integers(0, candidates)),
                    national_mean_percent=draw(st.none() | percents),
                    type_mean_percent=draw(st.none() | percents),
                )
            )
    thresholds = draw(
        st.dictionaries(st.tuples(st.sampled_from((2023, 2024)), st.sampled_from(EXAMS)), percents, max_size=2)
    )
    return ExamWorld(
        year=year,
        exam=exam,
        level=draw(st.none() | st.sampled_from(LEVELS)),
        institution=draw(st.integers(0, len(institutions) - 1)),
        institutions=institutions,
        thresholds=thresholds,
        sittings=sittings,
        results=results,
    )


def store_exams(world: ExamWorld) -> dict[int, Institution]:
    institutions = store_institutions(world.institutions)
    by_name = subjects()
    for (year, exam), percent in world.thresholds.items():
        PassThreshold.objects.create(year=year, exam=exam, percent=percent)
    sittings = {
        row.key: ExamSitting.objects.create(
            year=row.year,
            exam=row.exam,
            subject=by_name[row.subject],
            level=row.level,
            grade=row.grade,
            national_mean_percent=row.national_mean_percent,
        )
        for row in world.sittings
    }
    for row in world.results:
        ExamResult.objects.create(
            sitting=sittings[row.sitting],
            institution=institutions[row.institution],
            candidates=row.candidates,
            mean_percent=row.mean_percent,
            below_threshold=row.below_threshold,
            national_mean_percent=row.national_mean_percent,
            type_mean_percent=row.type_mean_percent,
        )
    return institutions


def weighted_mean(results: list[ResultRow]) -> Decimal | None:
    """The candidate-weighted mean of the results that have a mean: Σ candidates × mean ÷ Σ candidates."""
    counted = [r for r in results if r.mean_percent is not None]
    weight = sum(r.candidates for r in counted)
    if weight == 0:
        return None
    return to_hundredths(sum(Fraction(r.candidates) * Fraction(r.mean_percent) for r in counted) / weight)  # type: ignore[arg-type]


def expected_exam_comparison(world: ExamWorld) -> list[dict[str, Any]]:
    """exam_comparison as docs/quality.md defines it: the city against the nation per sitting."""
    default = {"ce_basic": Decimal(10), "ce_secondary": Decimal(15)}
    threshold = world.thresholds.get((world.year, world.exam), default[world.exam])
    rows = []
    for sitting in world.sittings:
        if (sitting.year, sitting.exam) != (world.year, world.exam):
            continue
        if world.level is not None and sitting.level != world.level:
            continue
        results = [r for r in world.results if r.sitting == sitting.key]
        if not results:
            continue
        mean = weighted_mean(results)
        below = [r.below_threshold for r in results if r.below_threshold is not None]
        national = None if sitting.national_mean_percent is None else to_hundredths(sitting.national_mean_percent)
        rows.append(
            {
                "year": world.year,
                "exam": world.exam,
                "subject": sitting.subject,
                "level": sitting.level,
                "grade": sitting.grade,
                "institutions": len(results),
                "candidates": sum(r.candidates for r in results),
                "mean_percent": mean,
                "below_threshold": sum(below) if below else None,
                "threshold_percent": to_hundredths(threshold),
                "national_mean_percent": national,
                "gap_points": gap(mean, national),
            }
        )
    rows.sort(key=lambda row: (row["level"], row["grade"] or 0, row["subject"]))
    return rows


def expected_institution_exam_comparison(world: ExamWorld) -> list[dict[str, Any]]:
    """institution_exam_comparison: the institution against its type and the nation (the result's national mean,
    else the sitting's), every exam of the year."""
    sittings = {s.key: s for s in world.sittings}
    rows = []
    for result in world.results:
        sitting = sittings[result.sitting]
        if result.institution != world.institution or sitting.year != world.year:
            continue
        national = result.national_mean_percent
        if national is None:
            national = sitting.national_mean_percent

        def two(value: Decimal | None) -> Decimal | None:
            return None if value is None else to_hundredths(value)

        rows.append(
            {
                "year": world.year,
                "exam": sitting.exam,
                "subject": sitting.subject,
                "level": sitting.level,
                "grade": sitting.grade,
                "candidates": result.candidates,
                "mean_percent": two(result.mean_percent),
                "below_threshold": result.below_threshold,
                "type_mean_percent": two(result.type_mean_percent),
                "national_mean_percent": two(national),
                "gap_to_type_points": gap(result.mean_percent, result.type_mean_percent),
                "gap_to_national_points": gap(result.mean_percent, national),
            }
        )
    return rows


def in_any_order(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as JSON texts, sorted: the definition names no order of the institution's rows."""
    return sorted(json_figures(row, indent=None) for row in rows)


def test_exam_comparisons_are_their_definition_over_random_worlds() -> None:
    """`quality_stats exams`: per sitting of the exam and year (and level), institutions, candidates, the
    candidate-weighted mean, the sum of below-threshold counts, the year's threshold (stored or default), the
    national mean and the gap, in the order level, grade, subject. With `--institution`: each result of the year
    with the type's and the nation's means and both gaps."""

    @EXAMPLES
    @given(world=exam_worlds())
    def run(world: ExamWorld) -> None:
        with transaction.atomic():
            institutions = store_exams(world)
            actual = selectors.exam_comparison(
                visible_to=WHOLE_CITY, year=world.year, exam=world.exam, level=world.level
            )
            assert_same_json(actual, expected_exam_comparison(world))
            mine = selectors.institution_exam_comparison(
                visible_to=WHOLE_CITY, institution=institutions[world.institution], year=world.year, exam=None
            )
            assert in_any_order(mine) == in_any_order(expected_institution_exam_comparison(world))
            transaction.set_rollback(True)

    run()
