"""`quality_stats self_assessment --year 2024/2025` and `quality_stats heads --as-of D` against their definitions.

Hypothesis draws small worlds (institutions of every type, some closed, some state-founded; self-assessments of
2024/2025 and of the year before on both institution frameworks, in every state, some submitted on days and hours
around the due day, with a level or none per criterion; heads' evaluations of heads in institutions on boundary
days, some without an overall level; unified-school statuses on boundary days), the command prints its JSON, and a
plain computation over the rows in memory, written from docs/quality.md, docs/figures.md and the selectors'
docstrings, must give the same JSON, digit for digit. Every example is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.people.models import StaffMember
from eduboard.quality.choices import FRAMEWORK_AREAS7, FRAMEWORK_HEADS, FRAMEWORK_MK325
from eduboard.quality.frameworks import FRAMEWORKS, ensure_frameworks
from eduboard.quality.models import (
    Framework,
    FrameworkCriterion,
    HeadEvaluation,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.registry.choices import Founder, InstitutionType
from eduboard.registry.synthetic import PersonalCodes
from tests.figure_worlds import (
    FIGURE_SETTINGS,
    InstitutionRow,
    command_json,
    create_institutions,
    days,
    differing_keys,
    exact_form,
    institution_rows,
    rolled_back,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# The quality scale, best first, as docs/quality.md lists it.
LEVELS = ("excellent", "very_good", "good", "needs_improvement", "insufficient")
STATUSES = ("draft", "submitted", "agreed", "published")
YEAR, YEAR_BEFORE = "2024/2025", "2023/2024"
# The types that owe a self-assessment (docs/quality.md): preschools, schools, vocational and interest education.
SELF_ASSESSING = {
    InstitutionType.PRESCHOOL.value,
    InstitutionType.BASIC_SCHOOL.value,
    InstitutionType.SECONDARY_SCHOOL.value,
    InstitutionType.GYMNASIUM.value,
    InstitutionType.VOCATIONAL.value,
    InstitutionType.INTEREST_EDUCATION.value,
}
RIGA = ZoneInfo("Europe/Riga")
CODES = {spec["code"]: [code for _a, _n, criteria in spec["areas"] for code, _name in criteria] for spec in FRAMEWORKS}


def due_on() -> date:
    """1 October (a new board's day, settings.SELF_ASSESSMENT_DUE) after the school year 2024/2025 ends."""
    month, day = getattr(settings, "SELF_ASSESSMENT_DUE", (10, 1))
    return date(2025, month, day)


# --- self-assessment


@dataclass(frozen=True)
class AssessmentRow:
    institution: int
    year: str
    framework: str
    status: str
    submitted_on: date | None  # the day in Riga
    submitted_time: time
    entries: tuple[tuple[str, str], ...]  # (criterion code, level or "" for not rated)

    @property
    def submitted_at(self) -> datetime | None:
        if self.submitted_on is None:
            return None
        return datetime.combine(self.submitted_on, self.submitted_time, tzinfo=RIGA)


@dataclass(frozen=True)
class AssessmentWorld:
    as_of: date
    institutions: list[InstitutionRow]
    assessments: list[AssessmentRow]


# Mostly the due day and the day after, at hours that are another day in UTC (Riga is UTC+3 in October).
SUBMISSION_DAYS = [date(2024, 10, 1), date(2025, 6, 15), date(2025, 9, 30)] + [date(2025, 10, 1), date(2025, 10, 2)] * 3
SUBMISSION_TIMES = [time(0, 0), time(0, 30), time(2, 59), time(12, 0), time(23, 59, 59)]
# Mostly after the due day, where lateness counts.
AS_OF_DAYS = [date(2024, 8, 20), date(2025, 9, 30), date(2025, 10, 1)] + [date(2025, 10, 2), date(2026, 1, 15)] * 3


@st.composite
def assessment_worlds(draw: st.DrawFn) -> AssessmentWorld:
    institutions = draw(institution_rows(max_size=5))
    assessments = []
    for row in institutions:
        for year in (YEAR, YEAR_BEFORE):
            if draw(st.integers(0, 3)) == 0:  # a quarter have none
                continue
            framework = draw(st.sampled_from((FRAMEWORK_MK325, FRAMEWORK_AREAS7)))
            codes = draw(st.lists(st.sampled_from(CODES[framework]), max_size=4, unique=True))
            assessments.append(
                AssessmentRow(
                    institution=row.index,
                    year=year,
                    framework=framework,
                    status=draw(st.sampled_from(STATUSES)),
                    submitted_on=draw(st.none() | st.sampled_from(SUBMISSION_DAYS)),
                    submitted_time=draw(st.sampled_from(SUBMISSION_TIMES)),
                    entries=tuple((code, draw(st.sampled_from(("", *LEVELS)))) for code in codes),
                )
            )
    return AssessmentWorld(as_of=draw(st.sampled_from(AS_OF_DAYS)), institutions=institutions, assessments=assessments)


def store_assessments(world: AssessmentWorld) -> None:
    ensure_frameworks()  # a test that commits may have emptied the tables the migration filled
    institutions = create_institutions(world.institutions)
    years = {code: school_year_get_or_create(code=code) for code in (YEAR, YEAR_BEFORE)}
    frameworks = {code: Framework.objects.get(code=code, version=1) for code in (FRAMEWORK_MK325, FRAMEWORK_AREAS7)}
    criteria = {
        (criterion.framework.code, criterion.code): criterion
        for criterion in FrameworkCriterion.objects.filter(framework__in=frameworks.values()).select_related(
            "framework"
        )
    }
    for row in world.assessments:
        assessment = SelfAssessment.objects.create(
            institution=institutions[row.institution],
            school_year=years[row.year],
            framework=frameworks[row.framework],
            status=row.status,
            submitted_at=row.submitted_at,
        )
        for code, level in row.entries:
            SelfAssessmentEntry.objects.create(
                self_assessment=assessment, criterion=criteria[(row.framework, code)], level=level
            )


def natural(code: str) -> tuple[int, ...]:
    """2.1 < 2.10 < 3, and an area's own code 1 before 1.1."""
    return tuple(int(part) for part in code.split("."))


def expected_self_assessment(world: AssessmentWorld) -> dict[str, Any]:
    """self_assessment_figures as docs/quality.md and docs/figures.md define it."""
    due = due_on()
    # The board's figures: its own institutions' self-assessments only, never a state-founded one's.
    boards_own = {
        institution.index for institution in world.institutions if institution.founder == Founder.MUNICIPALITY
    }
    of_year = [row for row in world.assessments if row.year == YEAR and row.institution in boards_own]
    by_criterion: dict[str, dict[str, int]] = {}
    for row in of_year:
        for code, level in row.entries:
            counts = by_criterion.setdefault(code, dict.fromkeys(LEVELS, 0))
            if level:
                counts[level] += 1
    late = 0
    if world.as_of > due:
        for institution in world.institutions:
            if not (
                institution.founder == Founder.MUNICIPALITY
                and institution.active_on(due)
                and institution.type in SELF_ASSESSING
            ):
                continue
            own = [row for row in of_year if row.institution == institution.index]
            if not any(row.submitted_on is not None and row.submitted_on <= due for row in own):
                late += 1
    return {
        "school_year": YEAR,
        "due_on": due.isoformat(),
        "by_criterion": {code: by_criterion[code] for code in sorted(by_criterion, key=natural)},
        "submitted": sum(row.status in ("submitted", "agreed", "published") for row in of_year),
        "late": late,
        "published": sum(row.status == "published" for row in of_year),
    }


@FIGURE_SETTINGS
@given(world=assessment_worlds())
def test_self_assessment_figures_are_their_definition_over_random_worlds(world: AssessmentWorld) -> None:
    """Every key of `quality_stats self_assessment --year 2024/2025 --as-of D`: the school year, the due day, per
    criterion code (across both frameworks, in natural order) the self-assessments of the year of the board's own
    institutions giving it each level, submitted (submitted, agreed, published), late (the board's own of the
    self-assessing types open on the due day with no submission dated by it in Riga, once D is after it) and
    published."""
    with rolled_back():
        store_assessments(world)
        answer = command_json("quality_stats", "self_assessment", "--year", YEAR, "--as-of", world.as_of.isoformat())
        expected = expected_self_assessment(world)
        assert differing_keys(exact_form(answer), exact_form(expected)) == {}
        assert list(answer["by_criterion"]) == list(expected["by_criterion"])  # natural order


# --- heads and the unified school


ENVIRONMENTS = ("meets", "partly", "does_not_meet")
HEAD_ANSWERS = ("ensured", "partly", "not")


@dataclass(frozen=True)
class EvaluationRow:
    head: int
    institution: int
    day: date
    overall_level: str  # "" when the evaluation has none


@dataclass(frozen=True)
class StatusRow:
    institution: int
    day: date
    environment: str
    head_transition: str
    head: int | None


@dataclass(frozen=True)
class HeadsWorld:
    as_of: date
    heads: int
    institutions: list[InstitutionRow]
    evaluations: list[EvaluationRow]
    statuses: list[StatusRow]


@st.composite
def heads_worlds(draw: st.DrawFn) -> HeadsWorld:
    institutions = draw(institution_rows(max_size=3))
    heads = draw(st.integers(1, 3))
    places = st.tuples(st.integers(0, heads - 1), st.integers(0, len(institutions) - 1), days())
    keys = draw(st.lists(places, max_size=8, unique=True))
    evaluations = [
        EvaluationRow(head, institution, day, draw(st.sampled_from(("", *LEVELS)))) for head, institution, day in keys
    ]
    status_keys = draw(st.lists(st.tuples(st.integers(0, len(institutions) - 1), days()), max_size=6, unique=True))
    statuses = [
        StatusRow(
            institution,
            day,
            draw(st.sampled_from(ENVIRONMENTS)),
            draw(st.sampled_from(HEAD_ANSWERS)),
            draw(st.none() | st.integers(0, heads - 1)),
        )
        for institution, day in status_keys
    ]
    return HeadsWorld(
        as_of=draw(days()), heads=heads, institutions=institutions, evaluations=evaluations, statuses=statuses
    )


def store_heads(world: HeadsWorld) -> None:
    ensure_frameworks()
    institutions = create_institutions(world.institutions)
    framework = Framework.objects.get(code=FRAMEWORK_HEADS, version=1)
    codes = PersonalCodes()
    heads = [
        StaffMember.objects.create(
            personal_code=codes.for_birth_date(date(1970 + index, 3, 1)), first_name="Vadītājs", last_name=f"V{index}"
        )
        for index in range(world.heads)
    ]
    for row in world.evaluations:
        HeadEvaluation.objects.create(
            head=heads[row.head],
            institution=institutions[row.institution],
            framework=framework,
            evaluated_on=row.day,
            overall_level=row.overall_level,
        )
    for row in world.statuses:
        UnifiedSchoolStatus.objects.create(
            institution=institutions[row.institution],
            head=None if row.head is None else heads[row.head],
            assessed_on=row.day,
            environment=row.environment,
            head_transition=row.head_transition,
        )


def expected_heads(world: HeadsWorld) -> dict[str, Any]:
    """heads_figures as docs/quality.md and docs/figures.md define it."""
    latest: dict[tuple[int, int], EvaluationRow] = {}
    for row in world.evaluations:
        if row.day > world.as_of or not row.overall_level:
            continue
        key = (row.head, row.institution)
        if key not in latest or row.day > latest[key].day:
            latest[key] = row
    levels = {level: sum(row.overall_level == level for row in latest.values()) for level in LEVELS}
    schools: dict[int, StatusRow] = {}
    for row in world.statuses:
        if row.day <= world.as_of and (row.institution not in schools or row.day > schools[row.institution].day):
            schools[row.institution] = row
    return {
        "as_of": world.as_of.isoformat(),
        "heads": len(latest),
        "levels": levels,
        "unified_school": {
            "schools": len(schools),
            "environment": {key: sum(row.environment == key for row in schools.values()) for key in ENVIRONMENTS},
            "head": {key: sum(row.head_transition == key for row in schools.values()) for key in HEAD_ANSWERS},
        },
    }


@FIGURE_SETTINGS
@given(world=heads_worlds())
def test_heads_figures_are_their_definition_over_random_worlds(world: HeadsWorld) -> None:
    """Every key of `quality_stats heads --as-of D`: (head, institution) pairs with an evaluation on or before D
    that has an overall level, by the level of the latest such evaluation; schools with a unified-school status on
    or before D, by the environment's and the head's answers of the latest one (closed and state-founded
    institutions included: the definition names no such filter)."""
    with rolled_back():
        store_heads(world)
        answer = command_json("quality_stats", "heads", "--as-of", world.as_of.isoformat())
        assert differing_keys(exact_form(answer), exact_form(expected_heads(world))) == {}
