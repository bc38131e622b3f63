"""`registry_stats` against its definition: random small worlds, the selector's JSON, and the same figures computed
in plain Python from the rows drawn (never from queries).

The definitions (docs/registry.md, registry/selectors.py):
- the school year of a date contains it (1 September to 31 August); from June to August the coming one once its
  groups exist;
- an enrolment in a group of that year holds on a day when enrolled on or before max(day, the year's first day)
  and not left by the day (`left_on` is the first day away);
- an institution counts when active on the reporting day, max(day, the year's first day): opened on or before it
  (or no opening day) and not closed by then;
- a learner counts once per figure, however many groups they are in; first graders are in grade 1 of basic
  programmes, "admitted to grade 10" in grade 10 of secondary programmes;
- a group's free places are its capacity less its learners counted, never below zero; none without a capacity;
- a child waits in the queue on a day when registered by then and waiting, or changed status only after it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.choices import InstitutionType, ProgrammeLevel, QueueStatus, SpecialNeeds
from eduboard.registry.models import (
    Enrolment,
    Group,
    Learner,
    Licence,
    Municipality,
    Programme,
    QueueEntry,
    ResidentsElsewhere,
)
from eduboard.registry.selectors import registry_stats
from eduboard.registry.synthetic import PersonalCodes
from tests.figure_worlds import (
    FIGURE_SETTINGS,
    InstitutionRow,
    create_institutions,
    day_on_or_after,
    days,
    differing_keys,
    institution_rows,
    rolled_back,
    same_day_a_year_before,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LEVELS = [level.value for level in ProgrammeLevel]
GROUP_YEARS = (2023, 2024)  # the school years 2023/2024 and 2024/2025 have groups

# key: (code, level, special needs)
PROGRAMMES = {
    "preschool": ("88000001", ProgrammeLevel.PRESCHOOL, SpecialNeeds.NONE),
    "basic": ("88000002", ProgrammeLevel.BASIC, SpecialNeeds.NONE),
    "basic_special": ("88000003", ProgrammeLevel.BASIC, SpecialNeeds.LEARNING),
    "secondary": ("88000004", ProgrammeLevel.SECONDARY, SpecialNeeds.NONE),
    "vocational": ("88000005", ProgrammeLevel.VOCATIONAL, SpecialNeeds.NONE),
    "interest": ("88000006", ProgrammeLevel.INTEREST, SpecialNeeds.NONE),
    "preschool_special": ("88000007", ProgrammeLevel.PRESCHOOL, SpecialNeeds.LANGUAGE),
}


def year_start(year: int) -> date:
    return date(year, 9, 1)


def year_code(year: int) -> str:
    return f"{year}/{year + 1}"


@dataclass(frozen=True)
class GroupRow:
    index: int
    institution: int
    year: int  # the school year's first calendar year
    programme: str
    grade: int | None
    capacity: int | None

    @property
    def level(self) -> str:
        return PROGRAMMES[self.programme][1].value

    @property
    def special(self) -> bool:
        return PROGRAMMES[self.programme][2] != SpecialNeeds.NONE


@dataclass(frozen=True)
class LearnerRow:
    index: int
    birth_date: date
    municipality: str | None  # "home", "elsewhere" or unknown


@dataclass(frozen=True)
class EnrolmentRow:
    learner: int
    group: int
    enrolled_on: date
    left_on: date | None


@dataclass(frozen=True)
class QueueRow:
    birth_date: date
    registered_on: date
    status: str
    status_changed_on: date | None
    first_choice: int


@dataclass(frozen=True)
class LicenceRow:
    institution: int
    programme: str
    issued_on: date | None
    valid_until: date | None


@dataclass(frozen=True)
class ResidentsRow:
    year: int
    level: str
    learners: int


@dataclass
class RegistryWorld:
    institutions: list[InstitutionRow]
    years: set[int]  # school years in the table (with or without groups)
    groups: list[GroupRow]
    learners: list[LearnerRow]
    enrolments: list[EnrolmentRow]
    queue: list[QueueRow] = field(default_factory=list)
    licences: list[LicenceRow] = field(default_factory=list)
    residents: list[ResidentsRow] = field(default_factory=list)


# --- the worlds


@st.composite
def registry_worlds(draw: st.DrawFn) -> RegistryWorld:
    institutions = draw(institution_rows(min_size=2, max_size=4))
    years = set(GROUP_YEARS)
    if draw(st.booleans()):
        years.add(2022)  # a year before any group: figures of it are all zero
    if draw(st.booleans()):
        years.add(2025)  # the coming year exists, but no group of it yet
    groups = [
        GroupRow(
            index=index,
            institution=draw(st.sampled_from([row.index for row in institutions])),
            year=draw(st.sampled_from(GROUP_YEARS)),
            programme=draw(st.sampled_from(sorted(PROGRAMMES))),
            grade=draw(st.sampled_from([None, 1, 1, 2, 10, 10, 11])),
            capacity=draw(st.none() | st.integers(0, 4)),
        )
        for index in range(draw(st.integers(2, 8)))
    ]
    learners: list[LearnerRow] = []
    enrolments: list[EnrolmentRow] = []
    if groups:
        for index in range(draw(st.integers(2, 10))):
            learners.append(
                LearnerRow(
                    index=index,
                    birth_date=draw(st.dates(date(2006, 1, 1), date(2021, 12, 31))),
                    municipality=draw(st.sampled_from(["home", "home", "elsewhere", None])),
                )
            )
            places = draw(st.lists(st.sampled_from([g.index for g in groups]), min_size=1, max_size=3, unique=True))
            previous: EnrolmentRow | None = None
            for group_index in places:
                start = year_start(groups[group_index].year)
                if previous is not None and previous.left_on is not None and draw(st.booleans()):
                    enrolled_on = previous.left_on  # a transfer: the first day away is the first day there
                else:  # often admitted in the summer before the year (pre-enrolment)
                    summer = [start - timedelta(days=n) for n in (0, 1, 12, 78)]
                    enrolled_on = draw(
                        st.sampled_from(summer) | days(start - timedelta(days=100), start + timedelta(days=364))
                    )
                left_on = None if draw(st.booleans()) else day_on_or_after(draw, enrolled_on)
                previous = EnrolmentRow(index, group_index, enrolled_on, left_on)
                enrolments.append(previous)
    queue = []
    for _ in range(draw(st.integers(0, 3))):
        registered_on = draw(days())
        status = draw(st.sampled_from(list(QueueStatus.values)))
        changed = None if status == QueueStatus.WAITING else day_on_or_after(draw, registered_on)
        queue.append(
            QueueRow(
                birth_date=draw(st.dates(date(2018, 1, 1), date(2022, 12, 31))),
                registered_on=registered_on,
                status=status,
                status_changed_on=changed,
                first_choice=draw(st.sampled_from([row.index for row in institutions])),
            )
        )
    licences: dict[tuple[int, str], LicenceRow] = {}
    for _ in range(draw(st.integers(0, 3))):
        issued_on = draw(st.none() | days())
        if issued_on is None:
            valid_until = draw(st.none() | days())
        else:
            valid_until = None if draw(st.booleans()) else day_on_or_after(draw, issued_on)
        row = LicenceRow(
            institution=draw(st.sampled_from([row.index for row in institutions])),
            programme=draw(st.sampled_from(sorted(PROGRAMMES))),
            issued_on=issued_on,
            valid_until=valid_until,
        )
        licences.setdefault((row.institution, row.programme), row)
    residents: dict[tuple[int, str], ResidentsRow] = {}
    for _ in range(draw(st.integers(0, 3))):
        resident = ResidentsRow(
            draw(st.sampled_from(sorted(years))), draw(st.sampled_from(LEVELS)), draw(st.integers(0, 30))
        )
        residents.setdefault((resident.year, resident.level), resident)
    return RegistryWorld(
        institutions, years, groups, learners, enrolments, queue, list(licences.values()), list(residents.values())
    )


def reporting_days() -> st.SearchStrategy[date]:
    """Days to report on: around the two years with groups, and a few days of years without any."""
    return st.one_of(days(date(2023, 1, 1), date(2025, 10, 15)), st.sampled_from([date(2023, 3, 1), date(2025, 9, 1)]))


def store(world: RegistryWorld) -> None:
    """Write the world's rows to the database."""
    codes = PersonalCodes()  # one example's codes: the example's rows are rolled back
    institutions = create_institutions(world.institutions)
    years = {year: school_year_get_or_create(code=year_code(year)) for year in sorted(world.years)}
    programmes = {
        key: Programme.objects.create(code=code, name=f"Programma {key}", level=level, special_needs=special)
        for key, (code, level, special) in PROGRAMMES.items()
    }
    home = Municipality.objects.create(name="Daugavpils", is_home=True)
    elsewhere = Municipality.objects.create(name="Augšdaugavas novads", is_home=False)
    municipalities = {"home": home, "elsewhere": elsewhere, None: None}
    groups = {
        row.index: Group.objects.create(
            institution=institutions[row.institution],
            school_year=years[row.year],
            programme=programmes[row.programme],
            name=f"G{row.index}",
            grade=row.grade,
            capacity=row.capacity,
        )
        for row in world.groups
    }
    learners = {
        row.index: Learner.objects.create(
            personal_code=codes.for_birth_date(row.birth_date),
            first_name="Anna",
            last_name=f"Liepa{row.index}",
            birth_date=row.birth_date,
            declared_municipality=municipalities[row.municipality],
        )
        for row in world.learners
    }
    Enrolment.objects.bulk_create(
        Enrolment(learner=learners[e.learner], group=groups[e.group], enrolled_on=e.enrolled_on, left_on=e.left_on)
        for e in world.enrolments
    )
    for index, entry in enumerate(world.queue):
        child = Learner.objects.create(
            personal_code=codes.for_birth_date(entry.birth_date),
            first_name="Ieva",
            last_name=f"Rinda{index}",
            birth_date=entry.birth_date,
        )
        QueueEntry.objects.create(
            child=child,
            registered_on=entry.registered_on,
            wanted_start_on=entry.registered_on,
            first_choice=institutions[entry.first_choice],
            status=entry.status,
            status_changed_on=entry.status_changed_on,
        )
    for licence in world.licences:
        Licence.objects.create(
            institution=institutions[licence.institution],
            programme=programmes[licence.programme],
            issued_on=licence.issued_on,
            valid_until=licence.valid_until,
        )
    for resident in world.residents:
        ResidentsElsewhere.objects.create(
            school_year=years[resident.year], municipality=elsewhere, level=resident.level, learners=resident.learners
        )


# --- the definitions, over the rows in memory


def reporting_year(world: RegistryWorld, day: date) -> int | None:
    """The school year containing `day`; from June to August the coming one once it has groups."""
    if day.month in (6, 7, 8) and day.year in world.years and any(g.year == day.year for g in world.groups):
        return day.year
    containing = day.year if day.month >= 9 else day.year - 1
    return containing if containing in world.years else None


def holds(enrolment: EnrolmentRow, day: date, year: int) -> bool:
    """An enrolment in a group of `year` holds on `day` (pre-enrolment: begun by the year's first day)."""
    begun_by = max(day, year_start(year))
    return enrolment.enrolled_on <= begun_by and (enrolment.left_on is None or enrolment.left_on > day)


def counted(world: RegistryWorld, day: date) -> tuple[int | None, list[tuple[EnrolmentRow, GroupRow]]]:
    """The reporting year of `day` and the enrolments (with their groups) that count on it."""
    year = reporting_year(world, day)
    if year is None:
        return None, []
    return year, [
        (e, world.groups[e.group])
        for e in world.enrolments
        if world.groups[e.group].year == year and holds(e, day, year)
    ]


def learner_figures(world: RegistryWorld, day: date) -> dict[str, Any]:
    """Distinct learners by level and in all, first graders, grade 10 and from other municipalities."""
    _year, rows = counted(world, day)
    from_elsewhere = {row.index for row in world.learners if row.municipality == "elsewhere"}

    def learners(keep: Any) -> set[int]:
        return {e.learner for e, group in rows if keep(group)}

    by_level = {level: learners(lambda g, level=level: g.level == level) for level in LEVELS}
    return {
        "by_level": {level: len(found) for level, found in by_level.items()},
        "total": len(learners(lambda g: True)),
        "first_graders": len(learners(lambda g: g.level == ProgrammeLevel.BASIC and g.grade == 1)),
        "grade10": len(learners(lambda g: g.level == ProgrammeLevel.SECONDARY and g.grade == 10)),
        "other_by_level": {level: len(found & from_elsewhere) for level, found in by_level.items()},
        "other_total": len(learners(lambda g: True) & from_elsewhere),
    }


def groups_by_level(world: RegistryWorld, day: date) -> dict[str, int]:
    year = reporting_year(world, day)
    found = Counter(g.level for g in world.groups if g.year == year)
    return {level: found[level] for level in LEVELS}


def expected_registry_stats(world: RegistryWorld, as_of: date) -> dict[str, Any]:
    """Every key of `registry_stats`, from the definitions."""
    year, rows = counted(world, as_of)
    before = same_day_a_year_before(as_of)
    numbers = {row.index: row.registration_number for row in world.institutions}
    kinds = {row.index: row.type for row in world.institutions}
    year_groups = [g for g in world.groups if g.year == year]
    in_group = Counter(e.group for e, _g in rows)
    now, then = learner_figures(world, as_of), learner_figures(world, before)

    reporting_day = max(as_of, year_start(year)) if year is not None else as_of
    active = Counter(row.type for row in world.institutions if row.active_on(reporting_day))

    places: dict[str, dict[str, int]] = {}
    preschool_free = {"preschools": 0, "schools": 0}
    for group in year_groups:
        enrolled = in_group[group.index]
        free = max(group.capacity - enrolled, 0) if group.capacity is not None else 0
        sums = places.setdefault(numbers[group.institution], {"capacity": 0, "enrolled": 0, "free": 0})
        sums["capacity"] += group.capacity or 0
        sums["enrolled"] += enrolled
        sums["free"] += free
        if group.level == ProgrammeLevel.PRESCHOOL:
            preschool_free["preschools" if kinds[group.institution] == InstitutionType.PRESCHOOL else "schools"] += free

    waiting: Counter[str] = Counter()
    for entry in world.queue:
        still_waiting = entry.status == QueueStatus.WAITING or (
            entry.status_changed_on is not None and entry.status_changed_on > as_of
        )
        if entry.registered_on <= as_of and still_waiting:
            birth = entry.birth_date
            waiting[str(as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day)))] += 1

    special: dict[str, set[str]] = defaultdict(set)
    for group in year_groups:
        if group.special:
            special[numbers[group.institution]].add(PROGRAMMES[group.programme][0])
    for licence in world.licences:
        in_force = (licence.issued_on is None or licence.issued_on <= as_of) and (
            licence.valid_until is None or licence.valid_until >= as_of
        )
        if in_force and PROGRAMMES[licence.programme][2] != SpecialNeeds.NONE:
            special[numbers[licence.institution]].add(PROGRAMMES[licence.programme][0])

    residents = dict.fromkeys(LEVELS, 0)
    for resident in world.residents:
        if resident.year == year:
            residents[resident.level] += resident.learners

    return {
        "as_of": as_of.isoformat(),
        "school_year": year_code(year) if year is not None else None,
        "institutions_by_type": {code: active[code] for code in InstitutionType.values},
        "groups_by_institution": dict(sorted(Counter(numbers[g.institution] for g in year_groups).items())),
        "groups_total": len(year_groups),
        "groups_by_level": groups_by_level(world, as_of),
        "groups_by_level_year_before": groups_by_level(world, before),
        "learners_by_level": now["by_level"],
        "learners_total": now["total"],
        "learners_by_level_year_before": then["by_level"],
        "learners_by_level_change": {level: now["by_level"][level] - then["by_level"][level] for level in LEVELS},
        "first_graders": now["first_graders"],
        "first_graders_year_before": then["first_graders"],
        "grade10_admitted": now["grade10"],
        "grade10_admitted_year_before": then["grade10"],
        "places_by_institution": dict(sorted(places.items())),
        "capacity_total": sum(p["capacity"] for p in places.values()),
        "enrolled_total": sum(p["enrolled"] for p in places.values()),
        "free_places_total": sum(p["free"] for p in places.values()),
        "free_places_preschool": {**preschool_free, "total": preschool_free["preschools"] + preschool_free["schools"]},
        "queue_length": sum(waiting.values()),
        "queue_by_age": dict(sorted(waiting.items(), key=lambda item: int(item[0]))),
        "special_programmes_by_institution": {number: sorted(codes) for number, codes in sorted(special.items())},
        "learners_from_other_municipalities": now["other_by_level"],
        "learners_from_other_municipalities_total": now["other_total"],
        "residents_learning_elsewhere": residents,
        "residents_learning_elsewhere_total": sum(residents.values()),
    }


# --- the tests


def test_registry_stats_equal_their_definition_in_random_worlds() -> None:
    @FIGURE_SETTINGS
    @given(world=registry_worlds(), as_of=reporting_days())
    def check(world: RegistryWorld, as_of: date) -> None:
        with rolled_back():
            store(world)
            answer = registry_stats(as_of=as_of, visible_to=WHOLE_CITY)
            expected = expected_registry_stats(world, as_of)
            assert list(answer) == list(expected)  # every key, in the documented order
            assert differing_keys(answer, expected) == {}

    check()


def test_the_world_strategy_reaches_the_cases_the_definitions_turn_on() -> None:
    """The worlds are not all trivial: summer days of the coming year, transfers, learners in two groups at once,
    closed institutions and learners from elsewhere all occur within the examples the property test draws."""
    seen: Counter[str] = Counter()

    @settings(FIGURE_SETTINGS, max_examples=200)  # no database: many worlds are cheap
    @given(world=registry_worlds(), as_of=reporting_days())
    def look(world: RegistryWorld, as_of: date) -> None:
        year, rows = counted(world, as_of)
        seen["summer, coming year"] += as_of.month in (6, 7, 8) and year == as_of.year
        seen["no school year"] += year is None
        seen["learners counted"] += bool(rows)
        learners = Counter(e.learner for e, _g in rows)
        seen["a learner in two groups"] += any(n > 1 for n in learners.values())
        seen["pre-enrolled"] += any(e.enrolled_on > as_of for e, _g in rows)
        seen["transfer"] += any(
            a.learner == b.learner and a.left_on == b.enrolled_on for a in world.enrolments for b in world.enrolments
        )
        seen["closed institution"] += any(row.closed_on is not None for row in world.institutions)
        seen["state-founded"] += any(row.founder == "state" for row in world.institutions)

    look()
    assert set(seen) and all(count > 0 for count in seen.values()), seen


# --- what the definitions say in one example each


def test_a_learner_in_two_groups_counts_once_in_learners_total() -> None:
    world = RegistryWorld(
        institutions=[InstitutionRow(0, InstitutionType.BASIC_SCHOOL, "municipality", None, None)],
        years={2023, 2024},
        groups=[GroupRow(0, 0, 2024, "basic", 1, 25), GroupRow(1, 0, 2024, "interest", None, None)],
        learners=[LearnerRow(0, date(2017, 3, 1), "elsewhere")],
        enrolments=[
            EnrolmentRow(0, 0, date(2024, 9, 1), None),
            EnrolmentRow(0, 1, date(2024, 9, 1), None),
        ],
    )
    with rolled_back():
        store(world)
        answer = registry_stats(as_of=date(2024, 10, 1), visible_to=WHOLE_CITY)
    assert answer["learners_total"] == 1
    assert answer["learners_by_level"]["basic"] == answer["learners_by_level"]["interest"] == 1
    assert answer["learners_from_other_municipalities"]["basic"] == 1


def test_a_learner_from_elsewhere_in_groups_of_two_levels_counts_once_in_their_total() -> None:
    world = RegistryWorld(
        institutions=[InstitutionRow(0, InstitutionType.BASIC_SCHOOL, "municipality", None, None)],
        years={2023, 2024},
        groups=[GroupRow(0, 0, 2024, "basic", 1, 25), GroupRow(1, 0, 2024, "interest", None, None)],
        learners=[LearnerRow(0, date(2017, 3, 1), "elsewhere")],
        enrolments=[
            EnrolmentRow(0, 0, date(2024, 9, 1), None),
            EnrolmentRow(0, 1, date(2024, 9, 1), None),
        ],
    )
    with rolled_back():
        store(world)
        answer = registry_stats(as_of=date(2024, 10, 1), visible_to=WHOLE_CITY)
    assert answer["learners_from_other_municipalities_total"] == 1 == answer["learners_total"]
