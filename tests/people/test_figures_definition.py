"""`people_stats` against its definition: random small worlds of staff holding rates in several institutions,
vacancies and training, the selector's answer, and the same figures computed in plain Python from the rows drawn.

The definitions (docs/people.md, people/selectors.py):
- a rate (employment) holds on a day from its first to its last day, both included;
- a pedagogue is a person holding on the day a rate in a position whose `is_pedagogical` is true; they work in
  several institutions when those rates are in two or more institutions;
- pedagogues in preschool programmes: every pedagogue of a preschool, and elsewhere those in `preschool_teacher`;
  general schools are the institutions of types basic, secondary and gymnasium;
- a vacancy is open on a day when declared by then and neither filled nor withdrawn by then;
- a person holding a rate on the day lacks a required training when never done by then (missing), when its renewal
  day has passed (expired), or when that day is within the board's warning days (90) of the day (expiring).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import (
    Employment,
    PositionKind,
    StaffMember,
    TrainingAppliesTo,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.selectors import people_stats
from eduboard.registry.choices import InstitutionType
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
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# code: (name, pedagogical). `preschool_teacher` is the standard kind (made by a migration); the others are this
# test's own, with plain ASCII names so that both databases order them alike.
# code: (name, pedagogical, English name, Russian name); a blank translation reads as the Latvian name
POSITIONS = {
    "preschool_teacher": (
        "Pirmsskolas izglītības skolotājs",
        True,
        "Preschool teacher",
        "Учитель дошкольного образования",
    ),
    "fig_teacher": ("Alpha teacher", True, "", "Альфа-учитель"),
    "fig_aide": ("Beta aide", False, "Beta aide (en)", ""),
    "fig_therapist": ("Gamma therapist", True, "", ""),
}
GENERAL_SCHOOLS = {InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM}
FTES = [Decimal("0.1"), Decimal("0.333"), Decimal("0.5"), Decimal("1"), Decimal("1.25"), Decimal("3.221")]


@dataclass(frozen=True)
class RateRow:
    person: int
    institution: int
    position: str
    subject: str
    fte: Decimal
    start: date
    end: date | None  # the last day, included

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class VacancyRow:
    index: int
    institution: int
    position: str
    subject: str
    fte: Decimal
    declared_on: date
    published_on: date | None
    filled_on: date | None
    withdrawn_on: date | None

    def open_on(self, day: date) -> bool:
        return (
            self.declared_on <= day
            and (self.filled_on is None or self.filled_on > day)
            and (self.withdrawn_on is None or self.withdrawn_on > day)
        )


@dataclass(frozen=True)
class RequirementRow:
    index: int
    renewal_months: int | None
    applies_to: str
    positions: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"Apmaciba {self.index}"


@dataclass(frozen=True)
class RecordRow:
    person: int
    requirement: int
    completed_on: date


@dataclass
class PeopleWorld:
    institutions: list[InstitutionRow]
    people: int
    rates: list[RateRow]
    vacancies: list[VacancyRow]
    requirements: list[RequirementRow]
    records: list[RecordRow]


def last_name(person: int) -> str:
    return f"Darbinieks{person:02d}"


@st.composite
def people_worlds(draw: st.DrawFn) -> PeopleWorld:
    institutions = draw(institution_rows(min_size=2, max_size=4))
    numbers = [row.index for row in institutions]
    people = draw(st.integers(1, 6))
    rates: dict[tuple[Any, ...], RateRow] = {}
    for person in range(people):
        for _ in range(draw(st.integers(1, 3))):  # one to three rates, often in other institutions
            start = draw(days())
            rate = RateRow(
                person=person,
                institution=draw(st.sampled_from(numbers)),
                position=draw(st.sampled_from(sorted(POSITIONS))),
                subject=draw(st.sampled_from(["", "matematika"])),
                fte=draw(st.sampled_from(FTES)),
                start=start,
                end=None if draw(st.booleans()) else day_on_or_after(draw, start),
            )
            rates.setdefault((person, rate.institution, rate.position, rate.subject, rate.start), rate)
    vacancies = []
    for index in range(draw(st.integers(0, 4))):
        declared_on = draw(days())
        published_on = None if draw(st.integers(0, 3)) == 0 else day_on_or_after(draw, declared_on)
        filled_on = withdrawn_on = None
        if published_on is not None and draw(st.booleans()):
            filled_on = day_on_or_after(draw, published_on)  # filled only after it was published (a constraint)
        elif draw(st.integers(0, 2)) == 0:
            withdrawn_on = day_on_or_after(draw, declared_on)
        vacancies.append(
            VacancyRow(
                index=index,
                institution=draw(st.sampled_from(numbers)),
                position=draw(st.sampled_from(sorted(POSITIONS))),
                subject=draw(st.sampled_from(["", "fizika"])),
                fte=draw(st.sampled_from(FTES)),
                declared_on=declared_on,
                published_on=published_on,
                filled_on=filled_on,
                withdrawn_on=withdrawn_on,
            )
        )
    requirements = [
        RequirementRow(
            index=index,
            renewal_months=draw(st.sampled_from([None, 12, 36])),
            applies_to=draw(st.sampled_from(list(TrainingAppliesTo.values))),
            positions=tuple(draw(st.sets(st.sampled_from(sorted(POSITIONS)), max_size=2))),
        )
        for index in range(draw(st.integers(0, 2)))
    ]
    records = []
    if requirements:
        for _ in range(draw(st.integers(0, 5))):
            records.append(
                RecordRow(
                    person=draw(st.integers(0, people - 1)),
                    requirement=draw(st.sampled_from([r.index for r in requirements])),
                    completed_on=draw(st.dates(date(2020, 1, 1), date(2025, 10, 1)) | days()),
                )
            )
    return PeopleWorld(institutions, people, list(rates.values()), vacancies, requirements, records)


def store(world: PeopleWorld) -> dict[int, int]:
    """Write the world's rows to the database; the staff members' ids by the rows' person numbers."""
    codes = PersonalCodes()
    institutions = create_institutions(world.institutions)
    positions = {}
    for code, (name, pedagogical, english, russian) in POSITIONS.items():
        positions[code], _created = PositionKind.objects.update_or_create(
            code=code, defaults={"name": name, "is_pedagogical": pedagogical, "name_en": english, "name_ru": russian}
        )
    staff = {
        person: StaffMember.objects.create(
            personal_code=codes.for_birth_date(date(1980, 1, 1) + timedelta(days=person)),
            first_name="Anna",
            last_name=last_name(person),
        )
        for person in range(world.people)
    }
    for rate in world.rates:
        Employment.objects.create(
            staff_member=staff[rate.person],
            institution=institutions[rate.institution],
            position=positions[rate.position],
            subject=rate.subject,
            fte=rate.fte,
            start_date=rate.start,
            end_date=rate.end,
        )
    for vacancy in world.vacancies:
        Vacancy.objects.create(
            institution=institutions[vacancy.institution],
            position=positions[vacancy.position],
            subject=vacancy.subject,
            fte=vacancy.fte,
            declared_on=vacancy.declared_on,
            published_on=vacancy.published_on,
            filled_on=vacancy.filled_on,
            withdrawn_on=vacancy.withdrawn_on,
        )
    requirements = {}
    for row in world.requirements:
        requirements[row.index] = TrainingRequirement.objects.create(
            name=row.name, hours=8, renewal_months=row.renewal_months, applies_to=row.applies_to
        )
        requirements[row.index].positions.set([positions[code] for code in row.positions])
    for record in world.records:
        TrainingRecord.objects.create(
            staff_member=staff[record.person],
            requirement=requirements[record.requirement],
            completed_on=record.completed_on,
            hours=8,
        )
    return {person: member.pk for person, member in staff.items()}


# --- the definitions, over the rows in memory


def fte3(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_people_stats(world: PeopleWorld, as_of: date, staff_ids: dict[int, int]) -> dict[str, Any]:
    """Every key of `people_stats`, from the definitions."""
    kinds = {row.index: row.type for row in world.institutions}
    numbers = {row.index: row.registration_number for row in world.institutions}
    names = {row.index: row.name for row in world.institutions}
    held = [rate for rate in world.rates if rate.holds_on(as_of)]
    pedagogical = [rate for rate in held if POSITIONS[rate.position][1]]
    places: dict[int, set[int]] = defaultdict(set)
    for rate in pedagogical:
        places[rate.person].add(rate.institution)

    def figure(people: set[int]) -> dict[str, int]:
        return {"pedagogues": len(people), "in_several_institutions": sum(len(places[p]) > 1 for p in people)}

    def who(keep: Any) -> set[int]:
        return {rate.person for rate in pedagogical if keep(rate)}

    in_preschools = who(lambda r: kinds[r.institution] == InstitutionType.PRESCHOOL)
    in_schools = who(lambda r: kinds[r.institution] != InstitutionType.PRESCHOOL and r.position == "preschool_teacher")
    by_institution: dict[str, dict[str, Any]] = {}
    for index in sorted(numbers, key=numbers.get):
        people = who(lambda r, i=index: r.institution == i)
        if people:
            by_institution[numbers[index]] = {"name": names[index], "type": kinds[index], **figure(people)}

    open_vacancies = sorted(
        (v for v in world.vacancies if v.open_on(as_of)),
        key=lambda v: (POSITIONS[v.position][0], v.index),  # in an institution: by position name, then as entered
    )
    vacancies: dict[str, dict[str, Any]] = {}
    for v in open_vacancies:
        entry = vacancies.setdefault(
            numbers[v.institution], {"institution": names[v.institution], "positions": [], "fte": Decimal(0)}
        )
        entry["positions"].append(
            {
                "position": v.position,
                "position_name": POSITIONS[v.position][0],
                # in each language, the Latvian where a translation is blank
                "position_names": {
                    "lv": POSITIONS[v.position][0],
                    "en": POSITIONS[v.position][2] or POSITIONS[v.position][0],
                    "ru": POSITIONS[v.position][3] or POSITIONS[v.position][0],
                },
                "subject": v.subject,
                "fte": fte3(v.fte),
                "published_on": v.published_on.isoformat() if v.published_on else None,
                "filled_on": v.filled_on.isoformat() if v.filled_on else None,
            }
        )
        entry["fte"] += v.fte
    for entry in vacancies.values():
        entry["fte"] = fte3(entry["fte"])

    soon = as_of + timedelta(days=90)  # a new board's warning days (settings.TRAINING_EXPIRY_WARNING_DAYS)
    gaps = []
    for person in sorted({rate.person for rate in held}):  # last names sort as the person numbers
        positions = {rate.position for rate in held if rate.person == person}
        is_pedagogue = any(POSITIONS[code][1] for code in positions)
        for requirement in sorted(world.requirements, key=lambda r: r.name):
            applies = (
                requirement.applies_to == TrainingAppliesTo.ALL
                or (requirement.applies_to == TrainingAppliesTo.PEDAGOGICAL and is_pedagogue)
                or (
                    requirement.applies_to == TrainingAppliesTo.POSITIONS
                    and bool(positions & set(requirement.positions))
                )
            )
            if not applies:
                continue
            done = [
                r.completed_on
                for r in world.records
                if r.person == person and r.requirement == requirement.index and r.completed_on <= as_of
            ]
            completed = max(done) if done else None
            expires = (
                add_months(completed, requirement.renewal_months) if completed and requirement.renewal_months else None
            )
            if completed is None:
                status = "missing"
            elif expires is not None and expires < as_of:
                status = "expired"
            elif expires is not None and expires <= soon:
                status = "expiring"
            else:
                continue
            gaps.append(
                {
                    "staff_member": staff_ids[person],
                    "name": f"{last_name(person)} Anna",
                    "requirement": requirement.name,
                    "status": status,
                    "completed_on": completed.isoformat() if completed else None,
                    "expires_on": expires.isoformat() if expires else None,
                }
            )

    everyone = who(lambda r: True)
    return {
        "as_of": as_of.isoformat(),
        "pedagogues_total": len(everyone),
        "pedagogues_in_several_institutions": figure(everyone)["in_several_institutions"],
        "pedagogues_by_institution_type": {
            kind: figure(who(lambda r, kind=kind: kinds[r.institution] == kind)) for kind in InstitutionType.values
        },
        "pedagogues_by_institution": by_institution,
        "preschool_programme_pedagogues": {
            "preschools": figure(in_preschools),
            "schools": figure(in_schools),
            **figure(in_preschools | in_schools),
        },
        "general_school_pedagogues": figure(who(lambda r: kinds[r.institution] in GENERAL_SCHOOLS)),
        "vacancies": dict(sorted(vacancies.items())),
        "vacancies_count": len(open_vacancies),
        "vacancies_fte_total": fte3(sum((v.fte for v in open_vacancies), Decimal(0))),
        "training_gaps": gaps,
        "training_gaps_by_status": {
            status: sum(gap["status"] == status for gap in gaps) for status in ("missing", "expired", "expiring")
        },
    }


# --- the tests


def test_people_stats_equal_their_definition_in_random_worlds() -> None:
    @FIGURE_SETTINGS
    @given(world=people_worlds(), as_of=days())
    def check(world: PeopleWorld, as_of: date) -> None:
        with rolled_back():
            staff_ids = store(world)
            answer = people_stats(as_of=as_of, visible_to=WHOLE_CITY)
            expected = expected_people_stats(world, as_of, staff_ids)
            assert list(answer) == list(expected)  # every key, in the documented order
            assert differing_keys(answer, expected) == {}
            # FTE figures are Decimals with 3 places, never floats
            assert all(
                isinstance(value, Decimal) and value == fte3(value)
                for value in [answer["vacancies_fte_total"], *(entry["fte"] for entry in answer["vacancies"].values())]
            )

    check()


def test_the_world_strategy_reaches_the_cases_the_definitions_turn_on() -> None:
    seen: dict[str, int] = defaultdict(int)

    @settings(FIGURE_SETTINGS, max_examples=200)  # no database: many worlds are cheap
    @given(world=people_worlds(), as_of=days())
    def look(world: PeopleWorld, as_of: date) -> None:
        held = [rate for rate in world.rates if rate.holds_on(as_of) and POSITIONS[rate.position][1]]
        places: dict[int, set[int]] = defaultdict(set)
        for rate in held:
            places[rate.person].add(rate.institution)
        seen["pedagogues"] += bool(held)
        seen["in several institutions"] += any(len(found) > 1 for found in places.values())
        seen["a rate ending on the day"] += any(rate.end == as_of for rate in world.rates)
        seen["an open vacancy"] += any(v.open_on(as_of) for v in world.vacancies)
        seen["a training requirement"] += bool(world.requirements)

    look()
    assert len(seen) == 5 and all(seen.values()), dict(seen)
