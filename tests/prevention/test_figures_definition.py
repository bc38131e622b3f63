"""`prevention_stats` against its definition (docs/figures.md, docs/prevention.md), over small random worlds.

A world is drawn as plain rows: schools with groups of two school years, learners with enrolments that begin and
end on random days (transfers between schools, moves to the next grade, graduations, drop-outs), leaving reasons
given or left to the system, unexcused absences, term grades and support plans. The rows are written to the
database, the system infers the reasons not given (as every import, transfer and edit does), and the figures of
`manage.py prevention_stats` are compared with a plain Python computation over the drawn rows, which infers the
reasons itself from the rule's words (not by calling registry.rules).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.registry.leaving import infer_leaving_reasons
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from eduboard.registry.synthetic import PersonalCodes
from tests.figure_worlds import FIGURE_SETTINGS, day_on_or_after, days, differing_keys, rolled_back

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.both_databases]

YEARS = {2023: (date(2023, 9, 1), date(2024, 8, 31)), 2024: (date(2024, 9, 1), date(2025, 8, 31))}
LEVELS = {"preschool": "01011111", "basic": "21011111", "secondary": "31011011", "vocational": "33214011"}
INTEREST = "20V81201"
REASONS = ["completed", "transferred", "moved_municipality", "moved_abroad", "dropped_out", "other", "unknown"]
SCHOOL_LEVELS = {"basic", "secondary", "vocational"}
WINDOW = timedelta(days=30)
SEASON_EDGES = [date(y, m, d) for y in (2024, 2025) for m, d in ((5, 31), (6, 1), (9, 15), (9, 16))]


@dataclass(frozen=True)
class GroupRow:
    index: int
    school: int
    year: int
    level: str  # preschool, basic, secondary, vocational or interest
    grade: int | None


@dataclass(frozen=True)
class EnrolmentRow:
    index: int
    learner: int
    group: int
    enrolled_on: date
    left_on: date | None
    reason: str  # given, or empty: the system infers one


@dataclass(frozen=True)
class World:
    schools: int
    groups: list[GroupRow]
    births: list[date]
    enrolments: list[EnrolmentRow]
    absences: list[tuple[int, int, date, int, bool]]  # learner, school, day, lessons, excused
    results: list[tuple[int, int, int, str, str, str]]  # learner, school, year, term, subject, grade
    plans: list[tuple[int, int, date]]  # learner, school, started on


@st.composite
def groups(draw: st.DrawFn, schools: int) -> list[GroupRow]:
    rows: list[GroupRow] = []
    for school in range(schools):
        for year in YEARS:
            for _ in range(draw(st.integers(1, 3))):
                level = draw(st.sampled_from(["basic", "basic", "secondary", "vocational", "preschool", "interest"]))
                grade = {
                    "basic": draw(st.sampled_from([5, 8, 9, 9])),
                    "secondary": draw(st.sampled_from([11, 12])),
                    "vocational": draw(st.sampled_from([1, 2, 3])),
                }.get(level)
                rows.append(GroupRow(len(rows), school, year, level, grade))
    return rows


@st.composite
def worlds(draw: st.DrawFn) -> World:
    schools = draw(st.integers(1, 3))
    group_rows = draw(groups(schools))
    # Some children born on the edges of school age for a leaving in 2024 or 2025 (7 in the calendar year or not).
    edges = st.sampled_from([date(2016, 12, 31), date(2017, 1, 1), date(2017, 12, 31), date(2018, 1, 1)])
    births = [draw(edges | st.dates(date(2005, 1, 1), date(2019, 12, 31))) for _ in range(draw(st.integers(2, 8)))]
    enrolments: list[EnrolmentRow] = []
    taken: set[tuple[int, int]] = set()
    for learner in range(len(births)):
        previous: date | None = None
        for _ in range(draw(st.integers(1, 3))):
            group = draw(st.sampled_from(group_rows))
            if (learner, group.index) in taken:
                continue
            taken.add((learner, group.index))
            first, last = YEARS[group.year]
            if previous is not None and draw(st.booleans()):
                # The next place begins near the day the last one ended: on the edges of the 30 days of a transfer.
                enrolled_on = previous + timedelta(days=draw(st.sampled_from([-31, -30, 0, 17, 30, 31, 31])))
            else:
                enrolled_on = draw(days(first - timedelta(days=20), last))
            left_on = None if draw(st.integers(0, 3)) == 0 else day_on_or_after(draw, enrolled_on, last=last)
            season = [day for day in SEASON_EDGES if enrolled_on <= day <= last]
            if left_on is not None and season and draw(st.booleans()):
                left_on = draw(st.sampled_from(season))  # on the edges of 1 June – 15 September
            previous = left_on
            reason = draw(st.sampled_from(["", "", "", *REASONS])) if left_on is not None else ""
            enrolments.append(EnrolmentRow(len(enrolments), learner, group.index, enrolled_on, left_on, reason))
    absences, seen_days = [], set()
    for _ in range(draw(st.integers(0, 6))):
        learner, school = draw(st.integers(0, len(births) - 1)), draw(st.integers(0, schools - 1))
        day = draw(st.sampled_from([date(2024, 10, 1), date(2024, 10, 31), date(2024, 11, 4), date(2025, 1, 20)]))
        if (learner, day) not in seen_days:
            seen_days.add((learner, day))
            absences.append((learner, school, day, draw(st.sampled_from([4, 10, 16, 20])), draw(st.booleans())))
    results, seen_results = [], set()
    for _ in range(draw(st.integers(0, 6))):
        key = (
            draw(st.integers(0, len(births) - 1)),
            draw(st.sampled_from(list(YEARS))),
            draw(st.sampled_from(["1", "2"])),
        )
        subject = draw(st.sampled_from(["matemātika", "fizika", "vēsture"]))
        if (*key, subject) not in seen_results:
            seen_results.add((*key, subject))
            school = draw(st.integers(0, schools - 1))
            results.append((key[0], school, key[1], key[2], subject, draw(st.sampled_from(["2", "3", "4", "7", "nv"]))))
    plans = [
        (draw(st.integers(0, len(births) - 1)), draw(st.integers(0, schools - 1)), draw(days()))
        for _ in range(draw(st.integers(0, 3)))
    ]
    return World(schools, group_rows, births, enrolments, absences, results, plans)


def store(world: World) -> None:
    schools = [
        Institution.objects.create(name=f"Skola {n}", type="secondary", registration_number=f"{9000000200 + n:010d}")
        for n in range(world.schools)
    ]
    years = {year: school_year_get_or_create(code=f"{year}/{year + 1}") for year in YEARS}
    programmes = {level: Programme.objects.create(code=code, name=code, level=level) for level, code in LEVELS.items()}
    programmes["interest"] = Programme.objects.create(code=INTEREST, name="Robotika", level="interest")
    group_ids = {
        row.index: Group.objects.create(
            institution=schools[row.school],
            school_year=years[row.year],
            programme=programmes[row.level],
            name=f"G{row.index}",
            grade=row.grade,
        ).pk
        for row in world.groups
    }
    codes = PersonalCodes()
    learners = [
        Learner.objects.create(
            personal_code=codes.for_birth_date(birth), first_name="A", last_name=f"L{n}", birth_date=birth
        )
        for n, birth in enumerate(world.births)
    ]
    for row in world.enrolments:
        Enrolment.objects.create(
            learner=learners[row.learner],
            group_id=group_ids[row.group],
            enrolled_on=row.enrolled_on,
            left_on=row.left_on,
            leaving_reason=row.reason,
        )
    infer_leaving_reasons()  # what every import, transfer and edit of an enrolment does
    for learner, school, day, lessons, excused in world.absences:
        Absence.objects.create(
            learner=learners[learner], institution=schools[school], date=day, lessons=lessons, excused=excused
        )
    for learner, school, year, term, subject, grade in world.results:
        TermResult.objects.create(
            learner=learners[learner],
            institution=schools[school],
            school_year=years[year],
            term=term,
            subject=subject,
            grade=grade,
        )
    for learner, school, started_on in world.plans:
        SupportPlan.objects.create(
            learner=learners[learner], institution=schools[school], measures="Atbalsts", started_on=started_on
        )


# --- the definitions, in plain Python


def reason_of(world: World, row: EnrolmentRow) -> str:
    """The reason of a leaving: the one given, else the rule's (docs/figures.md, "Leaving reasons")."""
    if row.reason:
        return row.reason
    group = world.groups[row.group]
    if group.level == "interest":
        return ""
    assert row.left_on is not None
    others = [
        (other, world.groups[other.group])
        for other in world.enrolments
        if other.learner == row.learner and other.index != row.index and world.groups[other.group].level != "interest"
    ]
    near = [(other, g) for other, g in others if abs(other.enrolled_on - row.left_on) <= WINDOW]
    if any(g.school == group.school and other.enrolled_on >= row.enrolled_on for other, g in near):
        return ""  # the next grade or another group of the same school: no leaving
    if any(g.school != group.school for _other, g in near):
        return "transferred"
    if (6, 1) <= (row.left_on.month, row.left_on.day) <= (9, 15):
        birth = world.births[row.learner]
        last_vocational = max(
            (g.grade or 0 for g in world.groups if g.level == "vocational"), default=None
        )  # one vocational programme in these worlds: its last year is the highest grade its groups have
        if group.level == "preschool" and row.left_on.year - birth.year >= 7:
            return "completed"
        if (group.level, group.grade) in {("basic", 9), ("secondary", 12)}:
            return "completed"
        if group.level == "vocational" and group.grade == last_vocational:
            return "completed"
    return "unknown"


def holds(world: World, row: EnrolmentRow, day: date, year: int) -> bool:
    """Holding on `day` in a group of `year`, with pre-enrolment (begun by the later of the day and 1 September)."""
    start = YEARS[year][0]
    return (
        world.groups[row.group].year == year
        and row.enrolled_on <= max(day, start)
        and (row.left_on is None or row.left_on > day)
    )


def expected_stats(world: World, as_of: date) -> dict[str, object]:
    year = as_of.year if as_of.month >= 9 else as_of.year - 1
    found: dict[str, set[int]] = {code: set() for code in ("unexcused_absences", "insufficient_grades", "repeating")}
    by_left: dict[str, int] = dict.fromkeys(REASONS, 0)
    if year not in YEARS:
        return {
            "as_of": as_of.isoformat(),
            "at_risk_by_rule": {**dict.fromkeys(found, 0), "left_without_destination": 0},
            "at_risk_total": 0,
            "with_support_plan": 0,
            "left_without_destination": 0,
            "repeating": 0,
            "left_by_reason": by_left,
        }
    start = YEARS[year][0]
    months: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for learner, school, day, lessons, excused in world.absences:
        if not excused and start <= day <= as_of:
            months[(learner, school, day.year, day.month)] += lessons
    found["unexcused_absences"] = {learner for (learner, *_rest), lessons in months.items() if lessons >= 20}
    subjects: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for learner, school, result_year, term, subject, grade in world.results:
        if result_year == year and grade in {"1", "2", "3", "nv"}:
            subjects[(learner, school, term)].add(subject)
    found["insufficient_grades"] = {learner for (learner, *_rest), named in subjects.items() if len(named) >= 2}
    before = {
        (row.learner, world.groups[row.group].grade)
        for row in world.enrolments
        if world.groups[row.group].year == year - 1 and world.groups[row.group].grade is not None
    }
    found["repeating"] = {
        row.learner
        for row in world.enrolments
        if world.groups[row.group].grade is not None
        and holds(world, row, as_of, year)
        and (row.learner, world.groups[row.group].grade) in before
    }
    last: dict[int, EnrolmentRow] = {}
    for row in world.enrolments:
        in_year = row.left_on is not None and start <= row.left_on <= as_of
        if in_year and world.groups[row.group].level in SCHOOL_LEVELS and reason_of(world, row):
            known = last.get(row.learner)
            if known is None or (row.left_on, row.index) > (known.left_on, known.index):
                last[row.learner] = row
    without: set[int] = set()
    for learner, row in last.items():
        reason = reason_of(world, row)
        by_left[reason] += 1
        placed = any(
            other.learner == learner
            and other.index != row.index
            and world.groups[other.group].level != "interest"
            and (other.left_on is None or other.left_on > row.left_on)  # type: ignore[operator]
            for other in world.enrolments
        )
        if reason in {"dropped_out", "unknown"} and not placed:
            without.add(learner)
    everyone = set().union(*found.values(), without)
    planned = {learner for learner, _school, started_on in world.plans if started_on <= as_of}
    return {
        "as_of": as_of.isoformat(),
        "at_risk_by_rule": {
            "unexcused_absences": len(found["unexcused_absences"]),
            "insufficient_grades": len(found["insufficient_grades"]),
            "repeating": len(found["repeating"]),
            "left_without_destination": len(without),
        },
        "at_risk_total": len(everyone),
        "with_support_plan": len(everyone & planned),
        "left_without_destination": len(without),
        "repeating": len(found["repeating"]),
        "left_by_reason": by_left,
    }


def report_days() -> st.SearchStrategy[date]:
    """The day of the figures: mostly late in a school year (its leavings are in by then), sometimes any day."""
    late = st.sampled_from(
        [date(2024, 8, 20), date(2024, 8, 31), date(2025, 1, 31), date(2025, 6, 30), date(2025, 8, 31)]
    )
    return st.one_of(late, late, days(date(2024, 6, 1), date(2025, 8, 31)))


def prevention_stats(as_of: date) -> dict[str, object]:
    out = StringIO()
    call_command("prevention_stats", "--as-of", as_of.isoformat(), stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_prevention_stats_equal_their_definition_in_random_worlds() -> None:
    @FIGURE_SETTINGS
    @given(world=worlds(), as_of=report_days())
    def check(world: World, as_of: date) -> None:
        with rolled_back():
            store(world)
            assert differing_keys(prevention_stats(as_of), expected_stats(world, as_of)) == {}

    check()


def test_the_worlds_reach_every_reason_and_rule() -> None:
    seen: dict[str, int] = defaultdict(int)

    @settings(FIGURE_SETTINGS, max_examples=200)  # no database: many worlds are cheap
    @given(world=worlds(), as_of=report_days())
    def look(world: World, as_of: date) -> None:
        figures = expected_stats(world, as_of)
        for reason, count in figures["left_by_reason"].items():  # type: ignore[attr-defined]
            seen[reason] += count
        for rule, count in figures["at_risk_by_rule"].items():  # type: ignore[attr-defined]
            seen[rule] += count
        seen["inferred"] += sum(1 for row in world.enrolments if row.left_on and not row.reason)
        seen["no leaving: next group"] += sum(
            1 for row in world.enrolments if row.left_on and reason_of(world, row) == ""
        )

    look()
    assert all(
        seen[key]
        for key in [
            *REASONS,
            "unexcused_absences",
            "insufficient_grades",
            "repeating",
            "left_without_destination",
            "inferred",
            "no leaving: next group",
        ]
    ), dict(seen)
