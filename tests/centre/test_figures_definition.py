"""Every kind of `manage.py innovation_stats` (visits, interest, competitions, courses) against its definition.

For each kind a Hypothesis strategy draws a small world as plain rows, the world is written to the database, the
command is run and its whole JSON is compared with a plain computation over the drawn rows, written from the
docs and the selectors' docstrings:

- `visits` (docs/innovation.md, `innovation.selectors.innovation_figures`): the centre's visits (booked, walk-in,
  events) on the period's days and those of them taken outside the centre, their visitors of every kind (learners,
  teachers, parents, seniors, other adults, children under school age) by kind and by age band and their number by
  module (every kind, band and module, 0 where none) and by municipality (those named), distinct schools by name
  (case and spacing aside), bookings of the period's slots by status (every status), places booked (held by
  requested, confirmed and attended bookings) ÷ places offered in the period's slots (2 places, null without slots),
  and the points recorded on the period's days (days in Riga);
- `interest` (docs/registry.md, `interest.selectors.interest_figures`): interest groups of the reporting school year,
  their distinct (STEM) programmes, clubs open on the day, distinct learners with an enrolment in them counting on
  the day, rates holding on the day in interest-education institutions and the distinct pedagogues among them;
- `competitions` (docs/competitions.md): competitions held in the calendar year, their teams, the teams' members,
  distinct schools (a city school by its record, another by its name, case and spacing aside);
- `courses` (docs/courses.md): courses with a session in the period (without sessions: whose dates overlap it),
  distinct people certified in them (a city teacher by record, another by name and school, case and spacing
  aside), the courses' hours (each once) and the certificates issued.

Each example runs in a transaction that is rolled back, so the examples never see each other's rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduboard.centre.choices import AGE_BANDS, MODULES, BookingStatus
from eduboard.centre.models import Activity, AgeBand, Booking, Card, Module, PointEntry, Slot, Visit
from eduboard.competitions.choices import DISCIPLINES
from eduboard.competitions.models import Competition, Discipline, Team
from eduboard.competitions.reference import ensure_reference
from eduboard.core.numbers import percent
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.courses.models import Course, CourseSession, Participant
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.registry.models import Club, Enrolment, Group, Institution, Learner, Programme
from tests.figure_worlds import command_json, exact_form

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
RIGA = ZoneInfo("Europe/Riga")
STATUSES = tuple(BookingStatus.values)
HOLDING = ("requested", "confirmed", "attended")
MODULE_CODES = tuple(code for code, *_ in MODULES)
BAND_CODES = tuple(code for code, *_ in AGE_BANDS)
DISCIPLINE_CODES = tuple(row["code"] for row in DISCIPLINES)
# School names as people write them: the same school in other case and spacing, another school, none.
SCHOOL_NAMES = (
    "Daugavpils 3. vidusskola",
    "daugavpils  3. VIDUSSKOLA",
    " Daugavpils 3. vidusskola",
    "Krāslavas ģimnāzija",
)
TEACHER_NAMES = ("Anna Liepa", "anna  liepa", "Pēteris Ozols")


def command_figures(*args: str) -> Any:
    return command_json("innovation_stats", *args)


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def periods(days: list[date]) -> st.SearchStrategy[tuple[date, date]]:
    return st.tuples(st.sampled_from(days), st.sampled_from(days)).map(lambda p: (min(p), max(p)))


def institution(number: int, **fields: Any) -> Institution:
    fields.setdefault("type", "innovation_centre")
    return Institution.objects.create(name=f"Iestāde {number}", registration_number=f"{9800000000 + number}", **fields)


# --- visits


VISIT_DAYS = [date(2025, 9, 30) + timedelta(days=n) for n in range(5)]  # 30.09.–4.10.2025
POINT_TIMES = (time(0, 5), time(1, 30), time(12, 0), time(22, 30), time(23, 55))  # Riga: near midnight, UTC-wise


@dataclass(frozen=True)
class SlotRow:
    centre: int
    day: date
    places: int


@dataclass(frozen=True)
class BookingRow:
    slot: int
    status: str
    group_size: int


@dataclass(frozen=True)
class VisitRow:
    centre: int
    kind: str
    day: date
    school_name: str
    municipality: str
    learners: int
    teachers: int
    module: str | None
    age_band: str | None
    others: tuple[int, int, int, int] = (0, 0, 0, 0)  # parents, seniors, other adults, children under school age
    outside: str = ""  # the school or address an outside visit was taken to; empty: at the centre

    @property
    def visitors(self) -> int:
        return self.learners + self.teachers + sum(self.others)


@dataclass(frozen=True)
class PointRow:
    centre: int
    points: int
    at: datetime  # aware, in Riga


@dataclass(frozen=True)
class CentreWorld:
    centres: int
    slots: list[SlotRow]
    bookings: list[BookingRow]
    visits: list[VisitRow]
    points: list[PointRow]
    period: tuple[date, date]


@st.composite
def centre_worlds(draw: st.DrawFn) -> CentreWorld:
    centres = draw(st.integers(1, 2))
    centre = st.integers(0, centres - 1)
    day = st.sampled_from(VISIT_DAYS)
    slots = draw(st.lists(st.builds(SlotRow, centre, day, st.integers(1, 30)), max_size=6))
    bookings: list[BookingRow] = []
    if slots:
        booking = st.builds(BookingRow, st.integers(0, len(slots) - 1), st.sampled_from(STATUSES), st.integers(1, 12))
        bookings = draw(st.lists(booking, max_size=10))
    # Places offered hold the places booked (a database check; the services keep it so).
    held = Counter()
    for b in bookings:
        if b.status in HOLDING:
            held[b.slot] += b.group_size
    slots = [SlotRow(s.centre, s.day, max(s.places, held[i])) for i, s in enumerate(slots)]
    visit = st.builds(
        VisitRow,
        centre,
        st.sampled_from(("booked", "walk_in", "event")),
        day,
        st.sampled_from(("", *SCHOOL_NAMES)),
        st.sampled_from(("", "Daugavpils", "Krāslavas novads")),
        st.integers(0, 30),
        st.integers(0, 3),
        st.none() | st.sampled_from(MODULE_CODES),
        st.none() | st.sampled_from(BAND_CODES),
        st.tuples(*(st.integers(0, 12) for _kind in range(4))),
        st.sampled_from(("", "Kalkūnes pamatskola", "Vienības iela 30")),
    )
    moment = st.builds(lambda d, t: datetime.combine(d, t, tzinfo=RIGA), day, st.sampled_from(POINT_TIMES))
    return CentreWorld(
        centres=centres,
        slots=slots,
        bookings=bookings,
        visits=draw(st.lists(visit, max_size=10)),
        points=draw(st.lists(st.builds(PointRow, centre, st.integers(1, 50), moment), max_size=8)),
        period=draw(periods(VISIT_DAYS)),
    )


def expected_visit_figures(world: CentreWorld) -> dict[str, Any]:
    first, last = world.period
    visits = [v for v in world.visits if first <= v.day <= last]
    slots = [i for i, s in enumerate(world.slots) if first <= s.day <= last]
    bookings = [b for b in world.bookings if b.slot in slots]
    offered = sum(world.slots[i].places for i in slots)
    booked = sum(b.group_size for b in bookings if b.status in HOLDING)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "visits": len(visits),
        "visitors": sum(v.visitors for v in visits),
        "visitors_by_age_band": {band: sum(v.visitors for v in visits if v.age_band == band) for band in BAND_CODES},
        "visitors_by_kind": {
            "learners": sum(v.learners for v in visits),
            "teachers": sum(v.teachers for v in visits),
            **{
                kind: sum(v.others[i] for v in visits)
                for i, kind in enumerate(("parents", "seniors", "other_adults", "children_under_school_age"))
            },
        },
        "outreach_visits": sum(1 for v in visits if v.outside),
        "visits_by_module": {module: sum(1 for v in visits if v.module == module) for module in MODULE_CODES},
        "visits_by_municipality": dict(Counter(v.municipality for v in visits if v.municipality)),
        "schools_reached": len({folded(v.school_name) for v in visits if v.school_name}),
        "bookings_by_status": {status: sum(1 for b in bookings if b.status == status) for status in STATUSES},
        "occupancy_percent": percent(booked, offered) if offered else None,
        "points_total": sum(p.points for p in world.points if first <= p.at.astimezone(RIGA).date() <= last),
    }


def build_centre(world: CentreWorld) -> None:
    ensure_reference()
    modules = {m.code: m for m in Module.objects.all()}
    bands = {b.code: b for b in AgeBand.objects.all()}
    centres = [institution(i) for i in range(world.centres)]
    activities = [
        Activity.objects.create(
            centre=c,
            code=f"fig-activity-{i}",
            kind="workshop",
            module=modules[MODULE_CODES[i]],
            duration_min=60,
            places=30,
            languages="lv",
            title_lv="Darbnīca",
            published=True,
        )
        for i, c in enumerate(centres)
    ]
    slots = [
        Slot.objects.create(
            activity=activities[s.centre],
            date=s.day,
            start=time(8 + i, 0),
            end=time(8 + i, 45),
            places=s.places,
            booked=sum(b.group_size for b in world.bookings if b.slot == i and b.status in HOLDING),
        )
        for i, s in enumerate(world.slots)
    ]
    for i, b in enumerate(world.bookings):
        Booking.objects.create(
            slot=slots[b.slot],
            status=b.status,
            school_name=SCHOOL_NAMES[0],
            municipality="Daugavpils",
            contact_name="Anna Liepa",
            email="anna@example.lv",
            phone="20000000",
            group_size=b.group_size,
            grade="5",
            language="lv",
            token=f"fig-token-{i}",
        )
    for v in world.visits:
        Visit.objects.create(
            centre=centres[v.centre], kind=v.kind, date=v.day, school_name=v.school_name, municipality=v.municipality,
            learners=v.learners, teachers=v.teachers, module=modules.get(v.module or ""),
            age_band=bands.get(v.age_band or ""), parents=v.others[0], seniors=v.others[1], other_adults=v.others[2],
            children_under_school_age=v.others[3], place="outside" if v.outside else "centre", place_name=v.outside,
        )  # fmt: skip
    cards = [Card.objects.create(centre=c, number=f"F{i:05d}", issued_on=VISIT_DAYS[0]) for i, c in enumerate(centres)]
    for p in world.points:
        PointEntry.objects.create(card=cards[p.centre], task="Mikroskops", points=p.points, recorded_at=p.at)


def test_visit_figures_equal_their_definition() -> None:
    @EXAMPLES
    @given(world=centre_worlds())
    def check(world: CentreWorld) -> None:
        with transaction.atomic():
            build_centre(world)
            first, last = world.period
            got = command_figures("visits", "--from", first.isoformat(), "--to", last.isoformat())
            assert exact_form(got) == exact_form(expected_visit_figures(world))
            transaction.set_rollback(True)

    check()


# --- interest education


YEARS = {"2023/2024": date(2023, 9, 1), "2024/2025": date(2024, 9, 1)}
# Days in a school year, in summers (before a year whose groups may not exist), on first days and a day after.
INTEREST_DAYS = [
    date(2023, 8, 20), date(2023, 9, 1), date(2024, 1, 15), date(2024, 5, 31), date(2024, 6, 1), date(2024, 7, 15),
    date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2), date(2025, 3, 1),
]  # fmt: skip


@dataclass(frozen=True)
class Place:
    type: str
    founder: str
    closed_on: date | None


@dataclass(frozen=True)
class ProgrammeRow:
    interest: bool
    stem: bool


@dataclass(frozen=True)
class GroupRow:
    institution: int
    programme: int
    year: str


@dataclass(frozen=True)
class Seat:
    learner: int
    group: int
    enrolled_on: date
    left_on: date | None


@dataclass(frozen=True)
class ClubRow:
    institution: int
    opened_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class Rate:
    person: int
    institution: int
    pedagogical: bool
    start: date
    end: date | None


@dataclass(frozen=True)
class InterestWorld:
    as_of: date
    institutions: list[Place]
    programmes: list[ProgrammeRow]
    groups: list[GroupRow]
    enrolments: list[Seat]
    clubs: list[ClubRow]
    rates: list[Rate]


def near(as_of: date) -> st.SearchStrategy[date]:
    """Any day of the list, or one at the edges of `as_of` (the day before, the day, the day after), where a
    rule's `<` and `<=` part."""
    return st.sampled_from([as_of - timedelta(days=1), as_of, as_of + timedelta(days=1)]) | st.sampled_from(
        INTEREST_DAYS
    )


@st.composite
def interest_worlds(draw: st.DrawFn) -> InterestWorld:
    as_of = draw(st.sampled_from(INTEREST_DAYS))
    day = near(as_of)

    def days_from(first: date) -> st.SearchStrategy[date]:
        return day.map(lambda d: max(d, first))

    institutions = [
        Place(
            draw(st.sampled_from(("interest", "interest", "basic", "preschool"))),
            draw(st.sampled_from(("municipality", "municipality", "state"))),
            draw(st.none() | day),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    n = len(institutions)
    programmes = [
        ProgrammeRow(draw(st.integers(0, 3)) > 0, draw(st.booleans())) for _ in range(draw(st.integers(1, 4)))
    ]
    groups = [
        GroupRow(
            draw(st.integers(0, n - 1)),
            draw(st.integers(0, len(programmes) - 1)),
            draw(st.sampled_from(sorted(YEARS))),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    enrolments: dict[tuple[int, int], Seat] = {}
    for _ in range(draw(st.integers(0, 12)) if groups else 0):
        learner, group = draw(st.integers(0, 5)), draw(st.integers(0, len(groups) - 1))
        enrolled = draw(day)
        enrolments[(learner, group)] = Seat(learner, group, enrolled, draw(st.none() | days_from(enrolled)))
    clubs = []
    for _ in range(draw(st.integers(0, 4))):
        opened = draw(st.none() | day)
        clubs.append(
            ClubRow(draw(st.integers(0, n - 1)), opened, draw(st.none() | days_from(opened or INTEREST_DAYS[0])))
        )
    rates = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(day)
        rates.append(
            Rate(
                draw(st.integers(0, 4)),
                draw(st.integers(0, n - 1)),
                draw(st.booleans()),
                start,
                draw(st.none() | days_from(start)),
            )
        )
    return InterestWorld(
        as_of=as_of,
        institutions=institutions,
        programmes=programmes,
        groups=groups,
        enrolments=list(enrolments.values()),
        clubs=clubs,
        rates=rates,
    )


def expected_interest_figures(world: InterestWorld) -> dict[str, int]:
    day = world.as_of
    year = f"{day.year}/{day.year + 1}" if day.month >= 9 else f"{day.year - 1}/{day.year}"
    if day.month in (6, 7, 8) and any(g.year == f"{day.year}/{day.year + 1}" for g in world.groups):
        year = f"{day.year}/{day.year + 1}"  # a summer day describes the coming year once its groups exist
    # The board's figures: its own institutions only, never a state-founded one's rows.
    own = {i for i, place in enumerate(world.institutions) if place.founder == "municipality"}
    groups = [
        i
        for i, g in enumerate(world.groups)
        if g.year == year and world.programmes[g.programme].interest and g.institution in own
    ]
    programmes = {world.groups[i].programme for i in groups}
    counted_until = max(day, YEARS[year]) if year in YEARS else day
    participants = {
        e.learner
        for e in world.enrolments
        if e.group in groups and e.enrolled_on <= counted_until and (e.left_on is None or e.left_on > day)
    }
    rates = [
        r
        for r in world.rates
        if world.institutions[r.institution].type == "interest"
        and r.institution in own
        and r.start <= day
        and (r.end is None or r.end >= day)
    ]
    return {
        "programmes": len(programmes),
        "stem_programmes": sum(1 for p in programmes if world.programmes[p].stem),
        "groups": len(groups),
        "clubs": sum(
            1
            for c in world.clubs
            if c.institution in own
            and (c.opened_on is None or c.opened_on <= day)
            and (c.closed_on is None or c.closed_on > day)
        ),
        "participants": len(participants),
        "pedagogues": len({r.person for r in rates if r.pedagogical}),
        "employments": len(rates),
    }


def build_interest(world: InterestWorld) -> None:
    years = {code: school_year_get_or_create(code=code) for code in YEARS}
    teacher, _ = PositionKind.objects.get_or_create(
        code="fig-pulcina-vaditajs", defaults={"name": "Pulciņa vadītājs", "is_pedagogical": True}
    )
    other, _ = PositionKind.objects.get_or_create(
        code="fig-dezurants", defaults={"name": "Dežurants", "is_pedagogical": False}
    )
    institutions = [
        institution(i, type=p.type, founder=p.founder, closed_on=p.closed_on) for i, p in enumerate(world.institutions)
    ]
    programmes = [
        Programme.objects.create(
            code=f"9{i:07d}", name=f"Programma {i}", level="interest" if p.interest else "basic", stem=p.stem
        )
        for i, p in enumerate(world.programmes)
    ]
    groups = [
        Group.objects.create(
            institution=institutions[g.institution],
            school_year=years[g.year],
            programme=programmes[g.programme],
            name=f"G{i}",
        )
        for i, g in enumerate(world.groups)
    ]
    learners = {
        n: Learner.objects.create(
            personal_code=f"010112-2{n:04d}", first_name="Anna", last_name=f"Liepa{n}", birth_date=date(2012, 1, 1)
        )
        for n in sorted({e.learner for e in world.enrolments})
    }
    for e in world.enrolments:
        Enrolment.objects.create(
            learner=learners[e.learner], group=groups[e.group], enrolled_on=e.enrolled_on, left_on=e.left_on
        )
    for i, c in enumerate(world.clubs):
        Club.objects.create(
            institution=institutions[c.institution], name=f"Klubs {i}", opened_on=c.opened_on, closed_on=c.closed_on
        )
    people = {
        n: StaffMember.objects.create(personal_code=f"010180-2{n:04d}", first_name="Jānis", last_name=f"Kalns{n}")
        for n in sorted({r.person for r in world.rates})
    }
    for i, r in enumerate(world.rates):
        Employment.objects.create(
            staff_member=people[r.person], institution=institutions[r.institution],
            position=teacher if r.pedagogical else other, subject=f"s{i}", fte=Decimal("0.250"), start_date=r.start,
            end_date=r.end,
        )  # fmt: skip


def test_interest_figures_equal_their_definition() -> None:
    @EXAMPLES
    @given(world=interest_worlds())
    def check(world: InterestWorld) -> None:
        with transaction.atomic():
            build_interest(world)
            got = command_figures("interest", "--as-of", world.as_of.isoformat())
            assert exact_form(got) == exact_form(expected_interest_figures(world))
            transaction.set_rollback(True)

    check()


# --- robotics competitions


COMPETITION_DAYS = (date(2024, 12, 31), date(2025, 1, 1), date(2025, 4, 12), date(2025, 12, 31), date(2026, 1, 1))


@dataclass(frozen=True)
class TeamRow:
    competition: int
    discipline: str
    school: int | None  # a city school's record (0 or 1), or none
    school_name: str
    members: int


@dataclass(frozen=True)
class CompetitionWorld:
    days: list[date]
    teams: list[TeamRow]
    year: int


@st.composite
def competition_worlds(draw: st.DrawFn) -> CompetitionWorld:
    days = draw(st.lists(st.sampled_from(COMPETITION_DAYS), max_size=4))
    teams: list[TeamRow] = []
    if days:
        team = st.builds(
            TeamRow,
            st.integers(0, len(days) - 1),
            st.sampled_from(DISCIPLINE_CODES),
            st.none() | st.integers(0, 1),
            st.sampled_from(SCHOOL_NAMES),
            st.integers(0, 4),
        )
        teams = draw(st.lists(team, max_size=10))
    return CompetitionWorld(days=days, teams=teams, year=draw(st.sampled_from((2024, 2025, 2026))))


def expected_competition_figures(world: CompetitionWorld) -> dict[str, int]:
    held = {i for i, d in enumerate(world.days) if d.year == world.year}
    teams = [t for t in world.teams if t.competition in held]
    return {
        "competitions": len(held),
        "teams": len(teams),
        "participants": sum(t.members for t in teams),
        "schools": len({("record", t.school) if t.school is not None else folded(t.school_name) for t in teams}),
    }


def build_competitions(world: CompetitionWorld) -> None:
    ensure_reference()
    centre = institution(0)
    schools = [institution(1 + i, type="secondary") for i in range(2)]
    disciplines = {d.code: d for d in Discipline.objects.all()}
    competitions = [
        Competition.objects.create(centre=centre, code=f"fig-cup-{i}", title_lv="Kauss", date=d, place="Daugavpils")
        for i, d in enumerate(world.days)
    ]
    for i, t in enumerate(world.teams):
        Team.objects.create(
            competition=competitions[t.competition], discipline=disciplines[t.discipline], name=f"Komanda {i}",
            school=None if t.school is None else schools[t.school], school_name=t.school_name,
            members=[{"name": f"Bērns {m}", "age": 12} for m in range(t.members)], robot="R",
            coach_email="c@example.lv",
        )  # fmt: skip


def test_competition_figures_equal_their_definition() -> None:
    @EXAMPLES
    @given(world=competition_worlds())
    def check(world: CompetitionWorld) -> None:
        with transaction.atomic():
            build_competitions(world)
            got = command_figures("competitions", "--year", str(world.year))
            assert exact_form(got) == exact_form(expected_competition_figures(world))
            transaction.set_rollback(True)

    check()


# --- courses for teachers


COURSE_DAYS = [date(2025, 9, 28) + timedelta(days=n) for n in range(7)]


@dataclass(frozen=True)
class CourseRow:
    starts_on: date
    ends_on: date
    hours: int
    sessions: frozenset[date]


@dataclass(frozen=True)
class ParticipantRow:
    course: int
    staff: int | None  # a city teacher's record, or none (then named)
    name: str
    school_name: str
    certified: bool


@dataclass(frozen=True)
class CourseWorld:
    courses: list[CourseRow]
    participants: list[ParticipantRow]
    period: tuple[date, date]


@st.composite
def course_worlds(draw: st.DrawFn) -> CourseWorld:
    courses = []
    for _ in range(draw(st.integers(0, 4))):
        starts_on, ends_on = draw(periods(COURSE_DAYS))
        sessions = draw(st.frozensets(st.sampled_from(COURSE_DAYS), max_size=3))
        courses.append(CourseRow(starts_on, ends_on, draw(st.integers(1, 40)), sessions))
    participants: dict[tuple[int, int], ParticipantRow] = {}
    others: list[ParticipantRow] = []
    for _ in range(draw(st.integers(0, 10)) if courses else 0):
        course = draw(st.integers(0, len(courses) - 1))
        staff = draw(st.none() | st.integers(0, 2))
        certified = draw(st.booleans())
        if staff is None:
            others.append(
                ParticipantRow(
                    course, None, draw(st.sampled_from(TEACHER_NAMES)), draw(st.sampled_from(SCHOOL_NAMES)), certified
                )
            )
        else:  # a city teacher once per course, named as in their record
            participants[(course, staff)] = ParticipantRow(
                course, staff, f"Skolotāja {staff}", SCHOOL_NAMES[0], certified
            )
    return CourseWorld(courses, [*participants.values(), *others], draw(periods(COURSE_DAYS)))


def expected_course_figures(world: CourseWorld) -> dict[str, int]:
    first, last = world.period
    held = {
        i
        for i, c in enumerate(world.courses)
        if any(first <= d <= last for d in c.sessions)
        or (not c.sessions and c.starts_on <= last and c.ends_on >= first)
    }
    certified = [p for p in world.participants if p.course in held and p.certified]
    return {
        "courses": len(held),
        "teachers_trained": len(
            {("record", p.staff) if p.staff is not None else (folded(p.name), folded(p.school_name)) for p in certified}
        ),
        "hours": sum(world.courses[i].hours for i in held),
        "certificates": len(certified),
    }


def build_courses(world: CourseWorld) -> None:
    centre = institution(0)
    people = [
        StaffMember.objects.create(personal_code=f"010185-1{n:04d}", first_name="Skolotāja", last_name=str(n))
        for n in range(3)
    ]
    courses = [
        Course.objects.create(
            centre=centre,
            code=f"fig-course-{i}",
            title="Kurss",
            hours=c.hours,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            places=50,
            lecturer="Lektors",
        )
        for i, c in enumerate(world.courses)
    ]
    for course, c in zip(courses, world.courses, strict=True):
        for d in sorted(c.sessions):
            CourseSession.objects.create(course=course, date=d)
    for i, p in enumerate(world.participants):
        Participant.objects.create(
            course=courses[p.course], staff_member=None if p.staff is None else people[p.staff], name=p.name,
            school_name=p.school_name, certificate_number=f"FIG-{i}" if p.certified else "",
        )  # fmt: skip


def test_course_figures_equal_their_definition() -> None:
    @EXAMPLES
    @given(world=course_worlds())
    def check(world: CourseWorld) -> None:
        with transaction.atomic():
            build_courses(world)
            first, last = world.period
            got = command_figures("courses", "--from", first.isoformat(), "--to", last.isoformat())
            assert exact_form(got) == exact_form(expected_course_figures(world))
            transaction.set_rollback(True)

    check()
