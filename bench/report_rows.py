"""Staff, finance and quality rows for a generated national set, so that every section of the readiness report is full.

    counts = generate_rows(national.generated_institutions(), "2024/2025", random.Random(1), print)

`eduboard.registry.national.generate` makes registry rows only (institutions, groups, learners, enrolments of one
school year). This adds, for the same institutions and sized from their groups and learners, the rows the readiness
report's staff, money and quality sections read (`reports.readiness`: `people_stats`, the finance selectors, the
quality selectors), shaped as the demonstration loaders make them (src/eduboard/*/demo.py) but sized roughly like
Latvia, not Daugavpils:

- people: the standard position kinds; about 45,000 staff (heads, deputies, subject and preschool teachers, speech
  therapists, psychologists, special educators, assistants, librarians, other staff) with valid synthetic personal
  codes; about 50,000 rates (FTE, subjects for teachers; about one pedagogue in ten with a second rate in another
  institution of the same municipality, earlier rates that ended, people who left); about 2,000 vacancies of this
  hiring season and the last (declared, published, filled or withdrawn); the child-rights training requirement and
  its records (some missing, expired or expiring);
- finance: groups of all preschools, general schools and interest institutions; allocations of the report's year and
  the one before (salaries and upkeep per institution, teaching aids and meals per group, by source) with their
  monthly spending; approved costs per learner, meal rules and the catering procurements where missing; the
  settlements with the other 42 municipalities of January to August;
- quality: lesson observations of the last two school years (board, institution and peer) with an answer to every
  criterion of the default form; centralised exams of the report's calendar year and the one before with every
  candidate's result (some below the pass threshold, a few below it in the same subject for the second year) and
  each institution's result; monitoring tests and pilot exams; the heads' evaluations and unified-school statuses.

Everything is made in memory and inserted with `bulk_create` in batches inside one transaction: no query per row.
Dates fit a report on the school year `year` (`YYYY/YYYY+1`) as of 1 October of its first year. Reference rows the
board may already have (cost rates, meal rules, catering contracts, settlements of the period) are added only when
missing. Refresh the planner's statistics afterwards (bench_report.py runs `ANALYZE`).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet

from eduboard.core.latvian import paused_search_index
from eduboard.core.schoolyears import parse_school_year_code, school_year_get_or_create
from eduboard.finance.choices import (
    CateringServes,
    CateringStatus,
    CostKind,
    Direction,
    Purpose,
    SettlementLevel,
)
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealRule,
    SettlementLine,
)
from eduboard.finance.sources import ensure_standard_sources
from eduboard.people.demo import child_rights_requirement, random_staff_member
from eduboard.people.models import (
    Employment,
    PositionKind,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.positions import STANDARD_POSITIONS, ensure_standard_positions
from eduboard.quality.choices import (
    DEFAULT_THRESHOLDS,
    FRAMEWORK_HEADS,
    ExamKind,
    ObservationKind,
    QualityLevel,
    UnifiedSchoolEnvironment,
    UnifiedSchoolHead,
)
from eduboard.quality.defaults import DEFAULT_FORM_CODE, YES_PARTLY_NO, ensure_default_form
from eduboard.quality.frameworks import OVERALL
from eduboard.quality.models import (
    Answer,
    Criterion,
    ExamResult,
    ExamSitting,
    Framework,
    FrameworkCriterion,
    HeadEvaluation,
    HeadEvaluationLevel,
    LearnerResult,
    Observation,
    ObservationForm,
    ScaleOption,
    Subject,
    UnifiedSchoolStatus,
)
from eduboard.registry.boards import Board
from eduboard.registry.choices import InstitutionType, ProgrammeLevel, SpecialNeeds
from eduboard.registry.models import Enrolment, Group, Institution, Municipality
from eduboard.registry.synthetic import PersonalCodes

Report = Callable[[str], None]

BATCH = 2000  # rows per INSERT
CHUNK = 4000  # observations built, inserted and answered per round (with their 14 answers each)
CENT = Decimal("0.01")

PRESCHOOL = InstitutionType.PRESCHOOL.value
GENERAL = frozenset(
    {InstitutionType.BASIC_SCHOOL.value, InstitutionType.SECONDARY_SCHOOL.value, InstitutionType.GYMNASIUM.value}
)
VOCATIONAL = InstitutionType.VOCATIONAL.value
INTEREST = InstitutionType.INTEREST_EDUCATION.value
CENTRE = InstitutionType.INNOVATION_CENTRE.value
PEDAGOGICAL_CODES = frozenset(code for code, _name, pedagogical in STANDARD_POSITIONS if pedagogical)

# Subjects and their weight in a general school's lessons (the people area's rates name them in lower case).
SCHOOL_SUBJECTS: dict[str, int] = {
    "latviešu valoda": 14, "matemātika": 14, "angļu valoda": 9, "sākumskola": 16, "vēsture": 5, "bioloģija": 4,
    "ķīmija": 3, "fizika": 3, "ģeogrāfija": 3, "dabaszinības": 4, "sociālās zinības": 3, "datorika": 3,
    "krievu valoda": 3, "vācu valoda": 1, "mūzika": 4, "vizuālā māksla": 3, "sports un veselība": 6,
    "dizains un tehnoloģijas": 3,
}  # fmt: skip
VOCATIONAL_SUBJECTS = [
    "programmēšana",
    "dizains",
    "ēdināšanas pakalpojumi",
    "latviešu valoda",
    "matemātika",
    "angļu valoda",
    "fizika",
    "sports un veselība",
]
INTEREST_SUBJECTS = [
    "tautas dejas",
    "koris",
    "robotika",
    "vizuālā māksla",
    "teātris",
    "vokālais ansamblis",
    "sporta spēles",
    "keramika",
]
CENTRE_SUBJECTS = ["STEM nodarbības", "robotika", "dabaszinātnes"]
TEACHER_FTE = ["1", "1", "1", "1", "0.75", "0.5", "1.2", "0.9", "1.35"]
SECOND_FTE = ["0.25", "0.3", "0.5", "0.5", "0.2"]

# The board's observation subjects (quality.Subject, as files name them) for a school's lesson, a preschool's
# activity and an interest institution's session.
LESSON_SUBJECTS = [
    "Latviešu valoda",
    "Matemātika",
    "Angļu valoda",
    "Vēsture",
    "Bioloģija",
    "Ķīmija",
    "Fizika",
    "Ģeogrāfija",
    "Dabaszinības",
    "Sociālās zinības",
    "Datorika",
    "Vizuālā māksla",
    "Mūzika",
    "Sports un veselība",
]
PRESCHOOL_ACTIVITY, INTEREST_SESSION = "Pirmsskolas rotaļnodarbība", "Interešu izglītības nodarbība"
PRESCHOOL_GROUP_NAMES = ["Saulītes", "Zīļuki", "Mārītes", "Pūcītes", "Bitītes", "Taurenīši", "Lāčuki", "Vāverītes"]
# Criterion code -> the share of lessons meeting it in the report's school year, % (national, illustrative).
CRITERION_SHARES: dict[str, int] = {
    "results_defined": 79, "three_parts": 70, "differentiated_tasks": 61, "individual_support": 70,
    "learner_centred": 77, "in_latvian": 97, "lecture_format": 49, "name_cite_describe": 81, "argue_justify": 37,
    "create_evaluate": 29, "defined_problem": 26, "chose_solution": 33, "planned_acted": 47, "checked_evaluated": 41,
}  # fmt: skip
# Lessons observed in a school year per pedagogue, by kind (about 3,000, 20,000 and 3,000 on the national set).
OBSERVATIONS_PER_PEDAGOGUE = {
    ObservationKind.EXTERNAL: 0.086,
    ObservationKind.INTERNAL: 0.57,
    ObservationKind.PEER: 0.086,
}
# Vacancies of a hiring season per pedagogue: last season's and this one's (about 900 and 1,100 nationally).
VACANCIES_PER_PEDAGOGUE = (0.026, 0.031)

# Centralised exams: (subject, mean %, standard deviation) of a candidate's result; secondary by level.
CE_BASIC = [("Latviešu valoda", 60, 17), ("Matemātika", 44, 19), ("Angļu valoda", 64, 18)]
CE_SECONDARY_CORE = {
    "optimal": [("Latviešu valoda", 54, 17), ("Matemātika", 35, 18), ("Angļu valoda", 61, 18)],
    "higher": [("Latviešu valoda", 57, 15), ("Matemātika", 56, 18), ("Angļu valoda", 67, 15)],
}
HIGHER_SHARE = 0.35  # of candidates who take a core subject at the higher level
# Higher-level electives: (subject, share of candidates, mean %, standard deviation)
CE_ELECTIVES = [
    ("Bioloģija", 0.15, 53, 16), ("Fizika", 0.10, 50, 18), ("Ķīmija", 0.08, 48, 18), ("Vēsture", 0.12, 42, 17),
    ("Krievu valoda", 0.10, 72, 14), ("Vācu valoda", 0.03, 60, 17), ("Programmēšana", 0.04, 52, 18),
]  # fmt: skip
# Monitoring tests by grade: (subject, grade, mean %); pilot exams of grade 9 (in a fifth of the schools).
MONITORING = [
    ("Latviešu valoda", 3, 66),
    ("Matemātika", 3, 62),
    ("Latviešu valoda", 6, 58),
    ("Matemātika", 6, 51),
    ("Dabaszinības", 6, 49),
]
PILOT = [("Angļu valoda", 9, 55), ("Matemātika", 9, 38)]
REPEAT_SHARE = 0.06  # of this year's results below the threshold whose pupil was below it in the subject last year

SET_NAMES = {
    PRESCHOOL: "Sintētiskā kopa: visas pirmsskolas izglītības iestādes",
    "general": "Sintētiskā kopa: visas vispārizglītojošās skolas",
    INTEREST: "Sintētiskā kopa: visas interešu izglītības iestādes",
}
# Approved cost of one learner per month (EUR, illustrative national values) and upkeep per learner per month.
COST_RATES = {
    CostKind.PRESCHOOL_DAY: "386.40",
    CostKind.PRESCHOOL_24H: "571.90",
    CostKind.GENERAL: "318.75",
    CostKind.INTEREST: "41.20",
}
UPKEEP_PER_LEARNER = {PRESCHOOL: 165, VOCATIONAL: 120, INTEREST: 18}  # general schools: 74
CENTRE_UPKEEP = 14000  # a month
MONTHLY_SALARY = Decimal("1650") * Decimal("1.2359")  # a full rate with the employer's social tax
MEAL_RULES: list[dict[str, Any]] = [
    {"code": "preschool_special_needs", "name": "Speciālās pirmsskolas programmas: 100 % pašvaldība", "rank": 10,
     "level": ProgrammeLevel.PRESCHOOL, "special_needs": True, "price_per_day": "2.800", "municipal_per_day": "2.800"},
    {"code": "preschool_large_family", "name": "3+ Ģimenes karte, deklarēti pašvaldībā: 100 % pašvaldība",
     "rank": 12, "level": ProgrammeLevel.PRESCHOOL, "large_family": True, "declared_in_city": True,
     "price_per_day": "2.800", "municipal_per_day": "2.800"},
    {"code": "grades_1_4_lunch", "name": "1.–4. klase: pusdienas (valsts un pašvaldība uz pusēm)", "rank": 20,
     "level": ProgrammeLevel.BASIC, "grade_from": 1, "grade_to": 4, "price_per_day": "3.090",
     "state_per_day": "1.545", "municipal_per_day": "1.545"},
    {"code": "grades_5_12_cofinancing", "name": "5.–12. klase ar līgumu: pašvaldības līdzfinansējums", "rank": 30,
     "grade_from": 5, "grade_to": 12, "requires_contract": True, "price_per_day": "1.550",
     "municipal_per_day": "1.550"},
]  # fmt: skip
SETTLEMENT_COST = {
    SettlementLevel.PRESCHOOL: (190, 320),
    SettlementLevel.BASIC: (55, 80),
    SettlementLevel.SECONDARY: (58, 85),
}


@dataclass
class Place:
    """A generated institution and what its staff and results are sized from."""

    pk: int
    number: str
    type: str
    municipality: str
    learners: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by programme level
    groups: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by programme level
    grades: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # learners by grade
    special_groups: int = 0
    teachers: list[int] = field(default_factory=list)  # people (indexes, then pks) teaching there now
    head: int | None = None
    pedagogue_fte: Decimal = Decimal(0)

    @property
    def pupils(self) -> int:
        return self.learners[ProgrammeLevel.BASIC] + self.learners[ProgrammeLevel.SECONDARY]

    @property
    def learners_total(self) -> int:
        return sum(self.learners.values())


@dataclass
class Rate:
    person: int  # index into the people made
    place: Place
    position: str
    subject: str
    fte: Decimal
    start: date
    end: date | None = None


class Clock:
    """Progress messages with the seconds since the start."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.report(f"{message} ({time.perf_counter() - self.started:.1f} s)")


def _money(value: Decimal | float) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(value: float) -> Decimal:
    return Decimal(min(100.0, max(0.0, value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _day_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _school_days(start: date, end: date) -> list[date]:
    """Monday to Friday from `start` to `end`, without the winter holidays (23 December – 7 January)."""
    days = []
    day = start
    while day <= end:
        winter = (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 7)
        if day.weekday() < 5 and not winter:
            days.append(day)
        day += timedelta(days=1)
    return days


def generate_rows(
    institutions: QuerySet[Institution] | Iterable[Institution], year: str, rng: random.Random, report: Report | None
) -> dict[str, int]:
    """Make the staff, finance and quality rows of `institutions` (a generated set) for a report on the school year
    `year`; returns how many rows of each kind were made."""
    clock = Clock(report or (lambda _message: None))
    start = parse_school_year_code(year)
    counts: dict[str, int] = {}
    with transaction.atomic():
        places = _places(list(institutions), year)
        clock(f"sizes of {len(places)} institutions read")
        counts |= _people(places, start, rng, clock)
        counts |= _finance(places, start, rng, clock)
        counts |= _quality(places, year, start, rng, clock)
    clock("staff, finance and quality rows done")
    return counts


def _places(institutions: list[Institution], year: str) -> dict[int, Place]:
    """Each institution with its learners and groups by level, learners by grade and special groups (one query)."""
    places = {
        i.pk: Place(i.pk, i.registration_number, i.type, i.address.split(",")[0].strip() or "?") for i in institutions
    }
    school_year = school_year_get_or_create(code=year)
    rows = (
        Group.objects.filter(institution__in=list(places), school_year=school_year)
        .order_by()
        .values_list("institution_id", "programme__level", "programme__special_needs", "grade")
        .annotate(n=Count("enrolments"), groups=Count("pk", distinct=True))
    )
    for institution_id, level, special, grade, learners, groups in rows:
        place = places[institution_id]
        place.learners[level] += learners
        place.groups[level] += groups
        if grade:
            place.grades[grade] += learners
        if special != SpecialNeeds.NONE:
            place.special_groups += groups
    return places


# --- people


class _Staff:
    """People and their rates in memory, saved in bulk."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self.rng = rng
        self.start = start
        self.codes = PersonalCodes()
        self.codes.used.update(StaffMember.objects.values_list("personal_code", flat=True))
        self.people: list[StaffMember] = []
        self.rates: list[Rate] = []
        self.keys: set[tuple[int, int, str, str, date]] = set()

    def person(self) -> int:
        self.people.append(random_staff_member(self.rng, self.codes, born=(1958, 2001)))
        return len(self.people) - 1

    def started(self) -> date:
        """The start of a rate held now: mostly 1 September, some new this school year."""
        rng = self.rng
        if rng.random() < 0.07:
            return date(self.start, 9, 1)
        year = rng.randint(1992, self.start - 1)
        return date(year, 9, 1) if rng.random() < 0.8 else _day_in(rng, date(year, 1, 10), date(year, 12, 20))

    def rate(
        self,
        person: int,
        place: Place,
        position: str,
        subject: str = "",
        fte: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> bool:
        start = start or self.started()
        key = (person, place.pk, position, subject, start)
        if key in self.keys:
            return False
        self.keys.add(key)
        value = Decimal(fte or self.rng.choice(TEACHER_FTE))
        self.rates.append(Rate(person, place, position, subject, value, start, end))
        if end is None and position in PEDAGOGICAL_CODES:
            place.teachers.append(person)
            place.pedagogue_fte += value
            if position == "head":
                place.head = person
        return True

    def hire(
        self,
        place: Place,
        count: int,
        position: str,
        subjects: Sequence[str] = (),
        fte: str | None = None,
        weights: Sequence[int] | None = None,
    ) -> list[int]:
        made = []
        for _n in range(count):
            person = self.person()
            subject = self.rng.choices(subjects, weights=weights)[0] if subjects else ""
            self.rate(person, place, position, subject, fte)
            made.append(person)
        return made


def _staff_of(build: _Staff, place: Place) -> None:
    """The institution's staff now, sized from its groups and learners."""
    rng = build.rng
    hire = build.hire
    kind = place.type
    hire(place, 1, "head", fte="1")
    if kind == PRESCHOOL:
        groups = place.groups[ProgrammeLevel.PRESCHOOL]
        if groups >= 6:
            hire(place, 1, "deputy_head", fte="1")
        hire(place, 1, "speech_therapist", fte="1" if groups >= 8 else "0.5")
        if rng.random() < 0.4:
            hire(place, 1, "psychologist", fte="0.5")
        if place.special_groups:
            hire(place, 1, "special_educator")
        hire(place, 1, "subject_teacher", ["mūzika"], fte="0.75")
        if rng.random() < 0.7:
            hire(place, 1, "subject_teacher", ["sports un veselība"], fte="0.5")
        hire(place, 2 * groups, "preschool_teacher")
        hire(place, math.ceil(groups / 2), "assistant", fte="1")
        hire(place, 1, "other", fte="1")
    elif kind in GENERAL:
        pupils = place.pupils
        hire(place, 1 + (pupils > 300) + (pupils > 700), "deputy_head", fte="1")
        hire(place, 1, "psychologist", fte="1" if pupils > 250 else "0.5")
        if pupils > 200 or place.special_groups:
            hire(place, 1 + place.special_groups // 2, "special_educator")
        if place.grades.get(1):
            hire(place, 1, "speech_therapist", fte="0.5")
        hire(
            place,
            max(4, round(pupils / 10.5)),
            "subject_teacher",
            list(SCHOOL_SUBJECTS),
            weights=[
                0 if subject == "sākumskola" and not place.grades.get(1) else weight
                for subject, weight in SCHOOL_SUBJECTS.items()
            ],
        )
        hire(place, 2 * place.groups[ProgrammeLevel.PRESCHOOL], "preschool_teacher")
        hire(place, place.special_groups + pupils // 160, "assistant", fte="1")
        hire(place, 1, "librarian", fte="0.5" if pupils < 300 else "1")
        hire(place, 1 + pupils // 400, "other", fte="1")
    elif kind == VOCATIONAL:
        learners = place.learners_total
        hire(place, 2, "deputy_head", fte="1")
        hire(place, 1, "psychologist", fte="1")
        hire(place, max(6, round(learners / 11)), "subject_teacher", VOCATIONAL_SUBJECTS)
        hire(place, 1, "librarian", fte="1")
        hire(place, 3, "other", fte="1")
    elif kind == INTEREST:
        groups = place.groups[ProgrammeLevel.INTEREST]
        hire(place, 1, "deputy_head", fte="1")
        hire(place, max(2, math.ceil(groups / 2)), "subject_teacher", INTEREST_SUBJECTS)
        hire(place, 2, "other", fte="1")
    else:  # an innovation centre: organisers of its educational activities
        hire(place, rng.randint(3, 8), "subject_teacher", CENTRE_SUBJECTS, fte="1")
        hire(place, 1, "other", fte="1")


def _people(places: dict[int, Place], start: int, rng: random.Random, clock: Clock) -> dict[str, int]:
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    build = _Staff(rng, start)
    ordered = sorted(places.values(), key=lambda p: p.number)
    for place in ordered:
        _staff_of(build, place)
    by_municipality: dict[str, list[Place]] = defaultdict(list)
    for place in ordered:
        by_municipality[place.municipality].append(place)
    _second_rates(build, ordered, by_municipality)
    _left(build, ordered)
    with paused_search_index(StaffMember):  # indexed for search in one statement (core.latvian)
        StaffMember.objects.bulk_create(build.people, batch_size=BATCH)
    Employment.objects.bulk_create(
        (
            Employment(
                staff_member_id=build.people[rate.person].pk,
                institution_id=rate.place.pk,
                position=positions[rate.position],
                subject=rate.subject,
                fte=rate.fte,
                start_date=rate.start,
                end_date=rate.end,
            )
            for rate in build.rates
        ),
        batch_size=BATCH,
    )
    for place in ordered:  # from indexes to the people's ids
        place.teachers = sorted({int(build.people[person].pk) for person in place.teachers})
        place.head = build.people[place.head].pk if place.head is not None else None
    clock(f"{len(build.people)} staff, {len(build.rates)} rates")
    vacancies = _vacancies(ordered, positions, start, rng)
    trainings = _training(build, start, rng)
    clock(f"{vacancies} vacancies, {trainings} training records")
    return {
        "position_kinds": len(positions),
        "staff_members": len(build.people),
        "employments": len(build.rates),
        "employments_held": sum(1 for rate in build.rates if rate.end is None),
        "pedagogues": len(
            {rate.person for rate in build.rates if rate.end is None and rate.position in PEDAGOGICAL_CODES}
        ),
        "vacancies": vacancies,
        "training_records": trainings,
    }


def _second_rates(build: _Staff, ordered: list[Place], by_municipality: dict[str, list[Place]]) -> None:
    """About a tenth of the pedagogues hold a second, smaller rate in another institution of their municipality; a
    few teachers a second subject in their own; some held an earlier rate elsewhere that ended."""
    rng = build.rng
    fits = {
        "subject_teacher": GENERAL | {VOCATIONAL, INTEREST},
        "preschool_teacher": {PRESCHOOL},
        "speech_therapist": GENERAL | {PRESCHOOL},
        "psychologist": GENERAL | {PRESCHOOL},
        "special_educator": GENERAL | {PRESCHOOL},
    }
    for rate in list(build.rates):
        if rate.position not in fits:
            continue
        draw = rng.random()
        if draw < 0.10:
            others = [
                p
                for p in by_municipality[rate.place.municipality]
                if p is not rate.place and p.type in fits[rate.position]
            ]
            if others:
                other = rng.choice(others)
                subject = rng.choice(list(SCHOOL_SUBJECTS)) if rate.position == "subject_teacher" else ""
                build.rate(rate.person, other, rate.position, subject, rng.choice(SECOND_FTE))
        elif draw < 0.15 and rate.position == "subject_teacher" and rate.place.type in GENERAL:
            build.rate(
                rate.person,
                rate.place,
                "subject_teacher",
                rng.choice(list(SCHOOL_SUBJECTS)),
                rng.choice(SECOND_FTE),
                start=rate.start,
            )
        elif draw < 0.22 and rate.start.year > 2000:  # an earlier rate elsewhere, ended before this one began
            other = rng.choice(by_municipality[rate.place.municipality])
            if other.type in fits[rate.position]:
                began = date(rng.randint(1990, rate.start.year - 2), 9, 1)
                ended = _day_in(rng, began + timedelta(days=300), rate.start - timedelta(days=1))
                subject = rng.choice(list(SCHOOL_SUBJECTS)) if rate.position == "subject_teacher" else ""
                build.rate(rate.person, other, rate.position, subject, start=began, end=ended)


def _left(build: _Staff, ordered: list[Place]) -> None:
    """People who left: a rate that ended before the report's school year (3 % of the staff)."""
    rng = build.rng
    for _n in range(len(build.people) * 3 // 100):
        place = rng.choice(ordered)
        position = "preschool_teacher" if place.type == PRESCHOOL else "subject_teacher"
        subject = "" if position == "preschool_teacher" else rng.choice(list(SCHOOL_SUBJECTS))
        began = date(rng.randint(1995, build.start - 2), 9, 1)
        ended = rng.choice([date(build.start - 1, 6, 30), date(build.start, 6, 30), date(build.start, 8, 31)])
        build.rate(build.person(), place, position, subject, start=began, end=ended)


def _vacancies(ordered: list[Place], positions: dict[str, PositionKind], start: int, rng: random.Random) -> int:
    """Vacancies in proportion to the pedagogues (about 2,000 on the national set): last year's hiring season (all
    filled or withdrawn) and this one's (declared from late April, most published; some filled by the end of
    September, some to be filled later, some withdrawn, the rest open)."""
    schools = [p for p in ordered if p.type != CENTRE]
    weights = [max(1, len(p.teachers)) for p in schools]
    made: list[Vacancy] = []
    pedagogues = len({person for place in ordered for person in place.teachers})
    for season, share in zip((start - 1, start), VACANCIES_PER_PEDAGOGUE, strict=True):
        count = round(pedagogues * share)
        for place in rng.choices(schools, weights=weights, k=count):
            if place.type == PRESCHOOL:
                position = rng.choices(
                    ["preschool_teacher", "speech_therapist", "psychologist", "assistant"], [70, 15, 8, 7]
                )[0]
            else:
                position = rng.choices(
                    ["subject_teacher", "special_educator", "psychologist", "speech_therapist", "assistant"],
                    [80, 6, 5, 4, 5],
                )[0]
            subject = ""
            if position == "subject_teacher":
                pool = (
                    list(SCHOOL_SUBJECTS)
                    if place.type in GENERAL
                    else VOCATIONAL_SUBJECTS
                    if place.type == VOCATIONAL
                    else INTEREST_SUBJECTS
                )
                subject = rng.choice(pool)
            declared = _day_in(rng, date(season, 4, 20), date(season, 9, 25))
            published = declared + timedelta(days=rng.randint(0, 10)) if rng.random() < 0.9 else None
            filled = withdrawn = None
            draw = rng.random()
            if season < start:  # last season's: all done with
                if published and draw < 0.85:
                    filled = published + timedelta(days=rng.randint(7, 60))
                else:
                    withdrawn = declared + timedelta(days=rng.randint(20, 90))
            elif published and draw < 0.40:  # filled by early autumn
                filled = min(published + timedelta(days=rng.randint(5, 45)), date(start, 9, 30))
                filled = max(filled, published)
            elif published and draw < 0.52:  # to be filled later (the report's "to be filled by")
                filled = date(start, rng.choice([10, 11]), rng.choice([15, 1])) + timedelta(days=31)
            elif draw < 0.60:
                withdrawn = declared + timedelta(days=rng.randint(10, 40))
            made.append(
                Vacancy(
                    institution_id=place.pk,
                    position=positions[position],
                    subject=subject,
                    fte=Decimal(rng.choice(["1", "1", "1", "0.5", "0.75", "0.25", "1.5", "0.38"])),
                    description="Sintētiska vakance",
                    declared_on=declared,
                    published_on=published,
                    filled_on=filled,
                    withdrawn_on=withdrawn,
                )
            )
    Vacancy.objects.bulk_create(made, batch_size=BATCH)
    return len(made)


def _training(build: _Staff, start: int, rng: random.Random) -> int:
    """The child-rights training (every 5 years for pedagogues): most done, some never, some expired or expiring."""
    requirement = child_rights_requirement()
    pedagogues = sorted({r.person for r in build.rates if r.end is None and r.position in PEDAGOGICAL_CODES})
    records = []
    for index, person in enumerate(pedagogues):
        staff_id = int(build.people[person].pk)
        draw = rng.random()
        if draw < 0.04:
            continue  # never done
        if draw < 0.07:  # done five years ago: expired or about to
            done = _day_in(rng, date(start - 5, 6, 1), date(start - 5, 12, 20))
        else:
            done = _day_in(rng, date(start - 4, 1, 10), date(start, 8, 31))
        if rng.random() < 0.1:  # the time before
            earlier = done - timedelta(days=rng.randint(1830, 2200))
            records.append(_record(staff_id, requirement, earlier, f"BT-{index:06d}-A"))
        records.append(_record(staff_id, requirement, done, f"BT-{index:06d}"))
    TrainingRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)


def _record(staff_id: int, requirement: TrainingRequirement, done: date, number: str) -> TrainingRecord:
    return TrainingRecord(
        staff_member_id=staff_id,
        requirement=requirement,
        completed_on=done,
        hours=40,
        document=f"Apliecība Nr. {number}",
    )


# --- finance


def _finance(places: dict[int, Place], start: int, rng: random.Random, clock: Clock) -> dict[str, int]:
    ordered = sorted(places.values(), key=lambda p: p.number)
    # The board's reference data (issue 41): the board of the generated institutions.
    board = Institution.objects.select_related("board").get(pk=ordered[0].pk).board
    ensure_standard_sources(board=board)
    sources = {source.code: source for source in FundingSource.objects.of_board(board)}
    members = {
        PRESCHOOL: [p for p in ordered if p.type == PRESCHOOL],
        "general": [p for p in ordered if p.type in GENERAL],
        INTEREST: [p for p in ordered if p.type == INTEREST],
    }
    sets: dict[str, InstitutionSet] = {}
    through = InstitutionSet.members.through
    for key, name in SET_NAMES.items():
        sets[key], _created = InstitutionSet.objects.get_or_create(board=board, name=name)
    through.objects.filter(institutionset_id__in=[s.pk for s in sets.values()]).delete()
    through.objects.bulk_create(
        [through(institutionset_id=sets[key].pk, institution_id=p.pk) for key, group in members.items() for p in group],
        batch_size=BATCH,
    )
    allocations: list[tuple[Allocation, list[tuple[date, Decimal, str]]]] = []
    for year in (start - 1, start):
        growth = Decimal("1") if year == start else Decimal("0.94")
        last_month = 12 if year < start else 9  # the report's year: spent up to September
        for place in ordered:
            if place.pedagogue_fte:
                amount = _money(place.pedagogue_fte * MONTHLY_SALARY * 12 * growth)
                spending = _monthly(rng, year, amount, last_month, "Atalgojums")
                allocations.append(
                    _allocation(year, place, None, Purpose.SALARIES, sources["state"], amount, "Mērķdotācija", spending)
                )
            if place.type == CENTRE:
                upkeep = Decimal(CENTRE_UPKEEP * 12)
            else:
                per_learner = UPKEEP_PER_LEARNER.get(place.type, 74)
                upkeep = Decimal(max(place.learners_total, 10) * per_learner * 12)
            amount = _money(upkeep * growth)
            spending = _monthly(rng, year, amount, last_month, "Uzturēšanas izdevumi")
            allocations.append(
                _allocation(year, place, None, Purpose.OTHER, sources["municipal"], amount, "Uzturēšana", spending)
            )
        for key, group in members.items():
            learners = sum(p.learners_total for p in group)
            for source, per_learner in (("state", 18 if key != INTEREST else 0), ("municipal", 9)):
                if not per_learner:
                    continue
                amount = _money(Decimal(learners * per_learner) * growth)
                spending = _purchases(rng, year, amount, last_month)
                allocations.append(
                    _allocation(year, None, sets[key], Purpose.TEACHING_AIDS, sources[source], amount, "", spending)
                )
            if key != INTEREST:
                days = 170
                pupils = sum(sum(n for g, n in p.grades.items() if g <= 4) for p in group) if key == "general" else 0
                children = sum(p.learners[ProgrammeLevel.PRESCHOOL] for p in group)
                state = pupils * Decimal("1.545") * days
                meals = [("state", state), ("municipal", state + children * Decimal("0.9") * days)]
                for source, value in meals:
                    if value:
                        amount = _money(value * growth)
                        spending = _meal_months(rng, year, amount, last_month)
                        allocations.append(
                            _allocation(year, None, sets[key], Purpose.MEALS, sources[source], amount, "", spending)
                        )
    Allocation.objects.bulk_create([allocation for allocation, _spending in allocations], batch_size=BATCH)
    expenditures = [
        Expenditure(
            allocation_id=allocation.pk,
            date=day,
            amount=amount,
            document=f"SINT-{allocation.pk}-{day:%Y%m%d}",
            description=description,
        )
        for allocation, spending in allocations
        for day, amount, description in spending
    ]
    Expenditure.objects.bulk_create(expenditures, batch_size=BATCH)
    clock(f"{len(allocations)} allocations, {len(expenditures)} expenditures")
    counts = {
        "institution_sets": len(sets),
        "allocations": len(allocations),
        "expenditures": len(expenditures),
        **_reference(board, ordered, start, rng),
    }
    clock(
        f"{counts['settlement_lines']} settlement lines; cost rates, meal rules, catering: "
        f"{counts['cost_rates']}, {counts['meal_rules']}, {counts['catering_contracts']} added"
    )
    return counts


def _allocation(
    year: int,
    place: Place | None,
    institution_set: InstitutionSet | None,
    purpose: str,
    source: FundingSource,
    amount: Decimal,
    note: str,
    spending: list[tuple[date, Decimal, str]],
) -> tuple[Allocation, list[tuple[date, Decimal, str]]]:
    allocation = Allocation(
        year=year,
        institution_id=place.pk if place else None,
        institution_set=institution_set,
        purpose=purpose,
        source=source,
        amount=amount,
        note=note,
    )
    return allocation, spending


def _monthly(
    rng: random.Random, year: int, amount: Decimal, last_month: int, description: str
) -> list[tuple[date, Decimal, str]]:
    """A twelfth of the amount each month (a few % either way) on the 10th, up to `last_month`."""
    return [
        (date(year, month, 10), _money(amount / 12 * Decimal(rng.uniform(0.97, 1.02))), description)
        for month in range(1, last_month + 1)
    ]


def _meal_months(rng: random.Random, year: int, amount: Decimal, last_month: int) -> list[tuple[date, Decimal, str]]:
    """Meals are paid for the months of lessons: January to May and September to December."""
    months = [m for m in (1, 2, 3, 4, 5, 9, 10, 11, 12) if m <= last_month]
    return [
        (date(year, month, 15), _money(amount / 9 * Decimal(rng.uniform(0.9, 1.05))), "Ēdināšanas kompensācija")
        for month in months
    ]


def _purchases(rng: random.Random, year: int, amount: Decimal, last_month: int) -> list[tuple[date, Decimal, str]]:
    """Teaching aids bought on 4 to 8 days up to `last_month`: 30–90 % of the amount in all."""
    count = rng.randint(4, 8)
    share = Decimal(rng.uniform(0.3, 0.9)) if last_month < 12 else Decimal(rng.uniform(0.85, 0.99))
    parts = [rng.random() + 0.2 for _n in range(count)]
    days = sorted({_day_in(rng, date(year, 1, 15), date(year, last_month, 28)) for _n in range(count)})
    what = ["Mācību grāmatas", "Darba burtnīcas", "Digitālie mācību līdzekļi", "Mākslas materiāli", "Sporta inventārs"]
    return [
        (day, _money(amount * share * Decimal(part / sum(parts))), rng.choice(what))
        for day, part in zip(days, parts, strict=False)
    ]


def _reference(board: Board, ordered: list[Place], start: int, rng: random.Random) -> dict[str, int]:
    """Cost rates, meal rules and catering procurements where missing, and the settlements of January–August."""
    made = {"cost_rates": 0, "meal_rules": 0, "catering_contracts": 0, "settlement_lines": 0}
    for year in (start - 1, start):
        have = set(CostRate.objects.of_board(board).filter(year=year).values_list("kind", flat=True))
        rates = [
            CostRate(
                board=board,
                year=year,
                kind=kind,
                monthly_cost=_money(Decimal(cost) * (1 if year == start else Decimal("0.95"))),
            )
            for kind, cost in COST_RATES.items()
            if kind not in have
        ]
        CostRate.objects.bulk_create(rates)
        made["cost_rates"] += len(rates)
    have_rules = set(MealRule.objects.of_board(board).values_list("code", flat=True))
    rules = []
    for spec in MEAL_RULES:
        if spec["code"] in have_rules:
            continue
        values = {"state_per_day": "0", **spec}
        for key in ("price_per_day", "state_per_day", "municipal_per_day"):
            values[key] = Decimal(values[key])
        rules.append(MealRule(board=board, valid_from=date(start - 1, 9, 1), **values))
    MealRule.objects.bulk_create(rules)
    made["meal_rules"] = len(rules)
    have_catering = set(CateringContract.objects.of_board(board).values_list("serves", flat=True))
    children = sum(p.learners[ProgrammeLevel.PRESCHOOL] for p in ordered)
    contracts = [
        CateringContract(
            board=board,
            serves=serves,
            status=status,
            decided_on=decided,
            years=years,
            total_amount=total,
            procedure=procedure,
        )
        for serves, status, decided, years, total, procedure in (
            (
                CateringServes.PRESCHOOLS,
                CateringStatus.PLANNED,
                date(start, 7, 15),
                3,
                _money(children * Decimal("2.80") * 200 * 3),
                "Pieteikums centralizētajam iepirkumam",
            ),
            (
                CateringServes.GENERAL_SCHOOLS,
                CateringStatus.CONCLUDED,
                date(start - 1, 8, 1),
                5,
                None,
                "Atklāts konkurss",
            ),
        )
        if serves not in have_catering
    ]
    CateringContract.objects.bulk_create(contracts)
    made["catering_contracts"] = len(contracts)
    period = (date(start, 1, 1), date(start, 8, 31))
    if (
        not SettlementLine.objects.of_board(board)
        .filter(period_start__gte=period[0], period_end__lte=period[1])
        .exists()
    ):
        lines = []
        for municipality in Municipality.objects.filter(is_home=False).order_by("name"):
            for direction in Direction.values:
                for level in SettlementLevel.values:
                    low, high = SETTLEMENT_COST[SettlementLevel(level)]
                    cost = _money(Decimal(rng.uniform(low, high)))
                    for months in (8, rng.randint(2, 7)):
                        lines.append(
                            SettlementLine(
                                board=board,
                                municipality=municipality,
                                direction=direction,
                                level=level,
                                period_start=period[0],
                                period_end=period[1],
                                learners=rng.randint(3, 180) if months == 8 else rng.randint(1, 25),
                                months=months,
                                monthly_cost=cost,
                            )
                        )
        SettlementLine.objects.bulk_create(lines, batch_size=BATCH)
        made["settlement_lines"] = len(lines)
    return made


# --- quality


def _subjects(names: Iterable[str]) -> dict[str, Subject]:
    """Subjects by name (names are unique ignoring case), the missing ones created (two queries)."""
    wanted = sorted(set(names))
    found = {s.name.lower(): s for s in Subject.objects.all()}
    Subject.objects.bulk_create([Subject(name=name) for name in wanted if name.lower() not in found])
    found = {s.name.lower(): s for s in Subject.objects.all()}
    return {name: found[name.lower()] for name in wanted}


def _quality(places: dict[int, Place], year: str, start: int, rng: random.Random, clock: Clock) -> dict[str, int]:
    ordered = sorted(places.values(), key=lambda p: p.number)
    subjects = _subjects(
        [*LESSON_SUBJECTS, PRESCHOOL_ACTIVITY, INTEREST_SESSION]
        + [s for s, _m, _d in CE_BASIC]
        + [s for level in CE_SECONDARY_CORE.values() for s, _m, _d in level]
        + [s for s, _share, _m, _d in CE_ELECTIVES]
        + [s for s, _g, _m in MONITORING + PILOT]
    )
    counts = _observations(ordered, start, rng, subjects, clock)
    counts |= _exams(ordered, year, start, rng, subjects, clock)
    counts |= _heads(ordered, start, rng)
    clock(
        f"{counts['head_evaluations']} heads' evaluations, {counts['unified_school_statuses']} unified-school statuses"
    )
    return counts


def _observations(
    ordered: list[Place], start: int, rng: random.Random, subjects: dict[str, Subject], clock: Clock
) -> dict[str, int]:
    """Lessons observed in the last two school years (1 September – 30 June), every criterion answered."""
    ensure_default_form()
    form = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("-version").first()
    if form is None:
        return {"observations": 0, "answers": 0}
    criteria = list(Criterion.objects.filter(form=form).order_by("position"))
    options = {o.code: o for o in ScaleOption.objects.filter(scale__code=YES_PARTLY_NO)}
    observed = [p for p in ordered if p.teachers and p.type in GENERAL | {PRESCHOOL, VOCATIONAL}]
    other = [p for p in ordered if p.teachers and p.type in {INTEREST, CENTRE}]
    weights = [len(p.teachers) for p in observed]
    made = answered = 0
    for first in (start - 2, start - 1):  # the school year before the report's previous one, then that one
        days = _school_days(date(first, 9, 1), date(first + 1, 6, 30))
        shift = -3 if first == start - 2 else 0  # a little better each year
        plan: list[tuple[str, Place]] = []
        pedagogues = len({person for place in observed for person in place.teachers})
        for kind, per_pedagogue in OBSERVATIONS_PER_PEDAGOGUE.items():
            count = round(pedagogues * per_pedagogue)
            sessions = count // 40 if kind == ObservationKind.EXTERNAL and other else 0  # the board's in other schools
            plan += [(kind, p) for p in rng.choices(observed, weights=weights, k=count - sessions)]
            plan += [(kind, rng.choice(other)) for _n in range(sessions)]
        for offset in range(0, len(plan), CHUNK):
            observations = [
                _observation(rng, form, kind, place, rng.choice(days), subjects)
                for kind, place in plan[offset : offset + CHUNK]
            ]
            Observation.objects.bulk_create(observations, batch_size=BATCH // 2)
            answers = []
            for observation in observations:
                lift = 6 if observation.kind == ObservationKind.INTERNAL else 0
                for criterion in criteria:
                    share = CRITERION_SHARES.get(criterion.code, 60) + shift + lift
                    option = "yes" if rng.random() * 100 < share else rng.choice(["partly", "partly", "no"])
                    answers.append(Answer(observation_id=observation.pk, criterion=criterion, option=options[option]))
            Answer.objects.bulk_create(answers, batch_size=BATCH * 2)
            made += len(observations)
            answered += len(answers)
        clock(f"{made} lesson observations, {answered} answers")
    return {"observations": made, "answers": answered}


def _observation(
    rng: random.Random, form: ObservationForm, kind: str, place: Place, day: date, subjects: dict[str, Subject]
) -> Observation:
    if place.type == PRESCHOOL:
        subject, grade = subjects[PRESCHOOL_ACTIVITY], rng.choice(PRESCHOOL_GROUP_NAMES)
    elif place.type in {INTEREST, CENTRE}:
        subject, grade = subjects[INTEREST_SESSION], rng.choice(["U-10", "U-12", "U-14", "7–9 gadi", "10–14 gadi"])
    else:
        grades = sorted(place.grades) or [10]
        subject, grade = subjects[rng.choice(LESSON_SUBJECTS)], f"{rng.choice(grades)}.{rng.choice('abc')}"
    observer = {
        ObservationKind.EXTERNAL: "Izglītības pārvaldes speciālists (sint.)",
        ObservationKind.INTERNAL: "Iestādes vadības komanda (sint.)",
        ObservationKind.PEER: "Kolēģis (sint.)",
    }[ObservationKind(kind)]
    return Observation(
        form=form,
        date=day,
        institution_id=place.pk,
        kind=kind,
        observer_name=observer,
        teacher_id=rng.choice(place.teachers),
        subject=subject,
        grade=grade,
    )


@dataclass
class _Sitting:
    """A sitting being made: its rows and each institution's results."""

    sitting: ExamSitting
    results: dict[int, list[Decimal]] = field(default_factory=lambda: defaultdict(list))


def _exams(
    ordered: list[Place], year: str, start: int, rng: random.Random, subjects: dict[str, Subject], clock: Clock
) -> dict[str, int]:
    """Centralised exams of the report's calendar year (the spring of its previous school year) and the year before
    with every candidate's result; each institution's result; monitoring tests and pilot exams."""
    exam_year = start  # the report on 2024/2025 compares the exams of 2024 (and 2023)
    places = {p.pk: p for p in ordered}
    rosters: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)  # (institution, grade) -> learners
    for institution_id, grade, code, learner_id in (
        Enrolment.objects.filter(
            group__institution__in=list(places), group__school_year__code=year, group__grade__in=(9, 10, 11, 12)
        )
        .order_by("learner_id")
        .values_list("group__institution_id", "group__grade", "learner__personal_code", "learner_id")
        .iterator(chunk_size=10_000)
    ):
        rosters[(institution_id, grade)].append((code, learner_id))
    offsets = {p.pk: rng.gauss(0, 6) for p in ordered}  # how much better or worse an institution does
    sittings: dict[tuple[int, str, str, str, int | None], _Sitting] = {}
    learner_rows: list[LearnerResult] = []
    below_now: list[tuple[int, str, str, int, int]] = []  # (institution, subject, level, learner, index)

    def sitting(when: int, exam: str, subject: str, level: str, grade: int | None) -> _Sitting:
        key = (when, exam, subject, level, grade)
        if key not in sittings:
            found, _created = ExamSitting.objects.get_or_create(
                year=when, exam=exam, subject=subjects[subject], level=level, grade=grade
            )
            sittings[key] = _Sitting(found)
        return sittings[key]

    def sit(
        when: int,
        exam: str,
        subject: str,
        level: str,
        mean: float,
        spread: float,
        place: Place,
        code: str,
        learner_id: int,
    ) -> Decimal:
        made = sitting(when, exam, subject, level, None)
        value = _percent(rng.gauss(mean + offsets[place.pk], spread))
        made.results[place.pk].append(value)
        learner_rows.append(
            LearnerResult(
                sitting=made.sitting, personal_code=code, learner_id=learner_id, institution_id=place.pk, percent=value
            )
        )
        return value

    for when, basic_grade, secondary_grade in ((exam_year, 9, 12), (exam_year - 1, 10, 11)):
        shift = 0 if when == exam_year else 1.5
        for place in ordered:
            for code, learner_id in rosters.get((place.pk, basic_grade), []):
                for subject, mean, spread in CE_BASIC:
                    value = sit(when, ExamKind.CE_BASIC, subject, "", mean + shift, spread, place, code, learner_id)
                    if when == exam_year and value < DEFAULT_THRESHOLDS[ExamKind.CE_BASIC]:
                        below_now.append((place.pk, subject, "", learner_id, len(learner_rows) - 1))
            for code, learner_id in rosters.get((place.pk, secondary_grade), []):
                for core in ("Latviešu valoda", "Matemātika", "Angļu valoda"):
                    level = "higher" if rng.random() < HIGHER_SHARE else "optimal"
                    mean, spread = next((m, d) for s, m, d in CE_SECONDARY_CORE[level] if s == core)
                    value = sit(when, ExamKind.CE_SECONDARY, core, level, mean + shift, spread, place, code, learner_id)
                    if when == exam_year and value < DEFAULT_THRESHOLDS[ExamKind.CE_SECONDARY]:
                        below_now.append((place.pk, core, level, learner_id, len(learner_rows) - 1))
                for subject, share, mean, spread in CE_ELECTIVES:
                    if rng.random() < share:
                        sit(
                            when,
                            ExamKind.CE_SECONDARY,
                            subject,
                            "higher",
                            mean + shift,
                            spread,
                            place,
                            code,
                            learner_id,
                        )
    # Pupils below the threshold in a subject for the second year: the same exam and subject a year before.
    taken = {(row.sitting.pk, row.personal_code) for row in learner_rows}
    for institution_id, subject, level, _learner_id, index in below_now:
        if rng.random() >= REPEAT_SHARE:
            continue
        row = learner_rows[index]
        before = sitting(exam_year - 1, row.sitting.exam, subject, level, None)
        if (before.sitting.pk, row.personal_code) in taken:
            continue
        value = _percent(rng.uniform(1, float(DEFAULT_THRESHOLDS[ExamKind(row.sitting.exam)]) - 0.5))
        before.results[institution_id].append(value)
        learner_rows.append(
            LearnerResult(
                sitting=before.sitting,
                personal_code=row.personal_code,
                learner_id=row.learner_id,
                institution_id=institution_id,
                percent=value,
            )
        )
    LearnerResult.objects.bulk_create(learner_rows, batch_size=BATCH * 2)
    clock(f"{len(learner_rows)} learners' exam results in {len(sittings)} sittings")
    results = _exam_results(sittings, places)
    results += _tests(ordered, exam_year, rng, offsets, sitting)
    ExamResult.objects.bulk_create(results, batch_size=BATCH)
    clock(f"{len(results)} institutions' exam and test results")
    return {
        "exam_sittings": len(sittings),
        "exam_results": len(results),
        "learner_results": len(learner_rows),
        "learner_results_below_threshold": sum(
            1
            for row in learner_rows
            if row.percent < DEFAULT_THRESHOLDS.get(row.sitting.exam, Decimal(0)) and row.sitting.year == exam_year
        ),
    }


def _exam_results(sittings: dict[Any, _Sitting], places: dict[int, Place]) -> list[ExamResult]:
    """Each institution's result in each sitting from its candidates' results, with the national mean (all the
    candidates') and the mean of its type."""
    rows = []
    for made in sittings.values():
        sitting = made.sitting
        threshold = DEFAULT_THRESHOLDS.get(sitting.exam)
        everyone = [value for values in made.results.values() for value in values]
        national = _percent(float(sum(everyone) / len(everyone))) if everyone else None
        by_type: dict[str, list[Decimal]] = defaultdict(list)
        for institution_id, values in made.results.items():
            by_type[places[institution_id].type] += values
        type_means = {kind: _percent(float(sum(values) / len(values))) for kind, values in by_type.items()}
        sitting.national_mean_percent = national.quantize(Decimal("0.1")) if national is not None else None
        sitting.save(update_fields=["national_mean_percent"])
        for institution_id, values in made.results.items():
            rows.append(
                ExamResult(
                    sitting=sitting,
                    institution_id=institution_id,
                    candidates=len(values),
                    mean_percent=_percent(float(sum(values) / len(values))),
                    below_threshold=sum(1 for v in values if v < threshold) if threshold is not None else None,
                    national_mean_percent=sitting.national_mean_percent,
                    type_mean_percent=type_means[places[institution_id].type],
                )
            )
    return rows


def _tests(
    ordered: list[Place],
    exam_year: int,
    rng: random.Random,
    offsets: dict[int, float],
    sitting: Callable[[int, str, str, str, int | None], _Sitting],
) -> list[ExamResult]:
    """Monitoring tests (this year and the year before) and pilot exams (this year, in a fifth of the schools):
    each institution's result only."""
    rows = []
    specs = [
        (when, ExamKind.MONITORING, subject, grade, mean)
        for when in (exam_year - 1, exam_year)
        for subject, grade, mean in MONITORING
    ]
    specs += [(exam_year, ExamKind.PILOT, subject, grade, mean) for subject, grade, mean in PILOT]
    pilots = {p.pk for p in ordered if rng.random() < 0.2}
    for when, exam, subject, grade, mean in specs:
        made = sitting(when, exam, subject, "", grade).sitting
        made.national_mean_percent = _percent(mean + rng.uniform(-1.5, 1.5))
        made.save(update_fields=["national_mean_percent"])
        for place in ordered:
            learners = place.grades.get(grade, 0)
            if place.type not in GENERAL or learners < 5 or (exam == ExamKind.PILOT and place.pk not in pilots):
                continue
            rows.append(
                ExamResult(
                    sitting=made,
                    institution_id=place.pk,
                    candidates=max(1, round(learners * rng.uniform(0.9, 1.0))),
                    mean_percent=_percent(mean + offsets[place.pk] + rng.gauss(0, 4)),
                    below_threshold=None,
                    national_mean_percent=made.national_mean_percent,
                )
            )
    return rows


def _heads(ordered: list[Place], start: int, rng: random.Random) -> dict[str, int]:
    """The general schools' heads evaluated in May (a third of them three years before too), and each general
    school's unified-school status of last autumn (a third assessed again this September)."""
    framework = Framework.objects.filter(code=FRAMEWORK_HEADS).order_by("-version").first()
    criteria = list(FrameworkCriterion.objects.filter(framework=framework).exclude(code=OVERALL))
    heads = {p.pk: p.head for p in ordered if p.type in GENERAL and p.head is not None}
    schools = [p for p in ordered if p.pk in heads]
    levels = [
        QualityLevel.EXCELLENT,
        QualityLevel.VERY_GOOD,
        QualityLevel.GOOD,
        QualityLevel.NEEDS_IMPROVEMENT,
        QualityLevel.INSUFFICIENT,
    ]
    evaluations: list[HeadEvaluation] = []
    if framework is not None:
        for place in schools:
            days = [date(start, 5, 31)] + ([date(start - 3, 5, 31)] if rng.random() < 0.33 else [])
            for day in days:
                evaluations.append(
                    HeadEvaluation(
                        head_id=heads[place.pk],
                        institution_id=place.pk,
                        framework=framework,
                        evaluated_on=day,
                        overall_level=rng.choices(levels, [15, 25, 40, 17, 3])[0],
                    )
                )
        HeadEvaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    evaluation_levels = [
        HeadEvaluationLevel(evaluation_id=evaluation.pk, criterion=criterion, level=rng.choice(levels[:4]))
        for evaluation in evaluations
        for criterion in criteria
    ]
    HeadEvaluationLevel.objects.bulk_create(evaluation_levels, batch_size=BATCH)
    statuses = []
    environments, transitions = list(UnifiedSchoolEnvironment.values), list(UnifiedSchoolHead.values)
    for place in schools:
        days = [date(start - 1, 9, 30)] + ([date(start, 9, 15)] if rng.random() < 0.33 else [])
        for day in days:
            statuses.append(
                UnifiedSchoolStatus(
                    institution_id=place.pk,
                    head_id=heads[place.pk],
                    assessed_on=day,
                    environment=rng.choices(environments, [65, 25, 10])[0],
                    head_transition=rng.choices(transitions, [55, 35, 10])[0],
                )
            )
    UnifiedSchoolStatus.objects.bulk_create(statuses, batch_size=BATCH)
    return {
        "head_evaluations": len(evaluations),
        "head_evaluation_levels": len(evaluation_levels),
        "unified_school_statuses": len(statuses),
    }
