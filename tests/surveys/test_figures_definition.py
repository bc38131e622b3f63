"""The survey figures (`manage.py survey_stats`, `surveys.selectors.survey_figures`) against their definition.

A Hypothesis strategy draws a small world as plain rows (institutions of every kind, some closed, some founded by
the state; pedagogues and other staff with rates on random days; learners in classes of random grades; a survey's
questions per audience, entered populations, finished and unfinished anonymous responses, many of a cut under the
privacy floor of 5; a second survey's responses beside it). The world is written to the database, the command is
run for the city, each institution type and each institution, and its whole JSON is compared with `expected_figures`,
a plain computation over the drawn rows written from docs/surveys.md and the selector's docstring:

- `response_rates[audience]`: finished responses ÷ the audience's size in the institutions it was asked in (those
  with its population entered or with a finished response of it); an entered population overrides the computed
  one (the rate never above 100 %: where the responses outnumber the size, 100): teachers are the distinct people
  holding on the census date a rate there in a pedagogical position; pupils the distinct learners whose enrolment
  in a group of the audience's grades counts on the census date (the registry's reporting school year and
  enrolment rule); other audiences have no computed size. Fewer than 5 responses: all three null; no size known
  (0): population and percent null.
- `questions[code][audience]`: for a scale or choice question, each answer's share of the finished responses that
  answered it (a multiple choice: of those responses); null under 5 answers.

Percentages come from the one helper (`core.numbers.percent`: round half up, 2 places). Each example runs in a
transaction that is rolled back, so the examples never see each other's rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eduboard.core.numbers import percent
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from eduboard.surveys.models import Answer, Population, Question, Response, Survey
from eduboard.surveys.selectors import computed_populations, survey_figures
from tests.figure_worlds import command_json, exact_form

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

SURVEY, OTHER_SURVEY = "fig-labbutiba", "fig-cita"
MIN_ANSWERS = 5
AUDIENCES = ("teachers", "pupils_1_2", "pupils_3_4", "pupils_5_12", "parents", "staff")
GRADES = {"pupils_1_2": (1, 2), "pupils_3_4": (3, 4), "pupils_5_12": (5, 12)}
INSTITUTION_TYPES = ("basic", "secondary", "gymnasium", "preschool", "interest", "vocational")
TYPE_GROUPS = {"school": ("basic", "secondary", "gymnasium"), "preschool": ("preschool",)}
YEARS = {"2023/2024": date(2023, 9, 1), "2024/2025": date(2024, 9, 1)}
# Census days: in a school year, in a summer (the coming year counts once its groups exist), on a first day.
CENSUS_DAYS = (date(2024, 5, 7), date(2024, 7, 15), date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2))
DAYS = (
    date(2023, 9, 1), date(2024, 1, 15), date(2024, 5, 7), date(2024, 5, 8), date(2024, 7, 15), date(2024, 8, 20),
    date(2024, 9, 1), date(2024, 9, 2), date(2024, 10, 1),
)  # fmt: skip
SCALES = {
    "frequency": ("always", "often", "sometimes", "rarely", "never"),
    "agreement": ("agree", "rather_agree", "rather_disagree", "disagree"),
    "yes_partly_no": ("yes", "partly", "no"),
}
CHOICES = ("a", "b", "c")
KINDS = (*SCALES, "single", "multiple", "number", "text")
COUNTED = (*SCALES, "single", "multiple")


@dataclass(frozen=True)
class Place:
    type: str
    founder: str
    closed_on: date | None


@dataclass(frozen=True)
class ClassGroup:
    institution: int
    year: str
    grade: int | None


@dataclass(frozen=True)
class Seat:
    learner: int
    group: int
    enrolled_on: date
    left_on: date | None


@dataclass(frozen=True)
class Rate:
    person: int
    institution: int
    pedagogical: bool
    start: date
    end: date | None


@dataclass(frozen=True)
class Ask:
    code: str
    audience: str
    kind: str
    position: int


@dataclass(frozen=True)
class Size:
    institution: int
    audience: str
    size: int


@dataclass(frozen=True)
class Reply:
    survey: str
    institution: int
    audience: str
    finished: bool
    answers: tuple[tuple[str, str], ...]  # (question code, value)


@dataclass(frozen=True)
class World:
    census: date
    institutions: list[Place]
    groups: list[ClassGroup]
    enrolments: list[Seat]
    rates: list[Rate]
    questions: list[Ask]
    populations: list[Size]
    responses: list[Reply]


def days_near(census: date) -> st.SearchStrategy[date]:
    """Any day of the window, or one at the census day's edges (the day before, the day, the day after, the
    first day of the coming school year), where a rule's `<` and `<=` part."""
    edges = [census - timedelta(days=1), census, census + timedelta(days=1), date(census.year, 9, 1)]
    return st.sampled_from(edges) | st.sampled_from(DAYS)


def on_or_after(day: date, census: date) -> st.SearchStrategy[date]:
    return days_near(census).map(lambda d: max(d, day))


@st.composite
def answer_value(draw: st.DrawFn, kind: str) -> str:
    if kind in SCALES:
        return draw(st.sampled_from(SCALES[kind]))
    if kind == "single":
        return draw(st.sampled_from(CHOICES))
    if kind == "multiple":
        return ";".join(draw(st.lists(st.sampled_from(CHOICES), min_size=1, max_size=3, unique=True)))
    if kind == "number":
        return str(draw(st.integers(0, 9)))
    return draw(st.sampled_from(("labi", "nezinu")))


@st.composite
def replies(draw: st.DrawFn, survey: str, institution: int, audience: str, questions: list[Ask]) -> Reply:
    answers = []
    for question in questions:
        if question.audience == audience and draw(st.integers(0, 5)) > 0:  # a few skip a question
            answers.append((question.code, draw(answer_value(question.kind))))
    return Reply(survey, institution, audience, draw(st.integers(0, 6)) > 0, tuple(answers))


@st.composite
def reply_blocks(
    draw: st.DrawFn, survey: str, institutions: int, audiences: list[str], questions: list[Ask], most: int
) -> list[Reply]:
    """Replies in blocks of one institution and audience, 0–`most` each: cuts fall on both sides of the floor."""
    result: list[Reply] = []
    for _ in range(draw(st.integers(0, 4))):
        institution = draw(st.integers(0, institutions - 1))
        audience = draw(st.sampled_from(audiences))
        count = draw(st.integers(0, most))
        result += [draw(replies(survey, institution, audience, questions)) for _ in range(count)]
    return result


@st.composite
def survey_worlds(draw: st.DrawFn) -> World:
    census = draw(st.sampled_from(CENSUS_DAYS))
    institutions = [
        Place(
            type=draw(st.sampled_from(INSTITUTION_TYPES)),
            founder=draw(st.sampled_from(("municipality", "municipality", "state"))),
            closed_on=draw(st.none() | st.sampled_from(DAYS)),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    n = len(institutions)
    groups = [
        ClassGroup(
            institution=draw(st.integers(0, n - 1)),
            year=draw(st.sampled_from(sorted(YEARS))),
            grade=draw(st.none() | st.integers(1, 12)),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    enrolments: list[Seat] = []
    for learner in range(draw(st.integers(0, 10)) if groups else 0):
        first = draw(st.integers(0, len(groups) - 1))
        enrolled = draw(days_near(census))
        left = draw(st.none() | on_or_after(enrolled, census))
        enrolments.append(Seat(learner, first, enrolled, left))
        second = draw(st.integers(0, len(groups) - 1))
        if second == first or not draw(st.booleans()):
            continue
        # One place at a time in an institution (a transfer within it begins on the day the first place is left);
        # a place in another institution may overlap.
        if groups[second].institution == groups[first].institution:
            if left is None:
                continue
            start = left
        else:
            start = draw(days_near(census))
        enrolments.append(Seat(learner, second, start, draw(st.none() | on_or_after(start, census))))
    rates = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(days_near(census))
        rates.append(
            Rate(
                person=draw(st.integers(0, 4)),
                institution=draw(st.integers(0, n - 1)),
                pedagogical=draw(st.booleans()),
                start=start,
                end=draw(st.none() | on_or_after(start, census)),
            )
        )
    questions = []
    for position, code in enumerate(("q1", "q2", "q3")[: draw(st.integers(1, 3))]):
        kind = draw(st.sampled_from(KINDS))
        for audience in draw(st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=3, unique=True)):
            questions.append(Ask(code, audience, kind, position))
    asked_audiences = list(dict.fromkeys(q.audience for q in questions))
    # Replies mostly from the audiences asked, a few from one that has no question (never in the figures).
    reply_audiences = [*asked_audiences, *asked_audiences, "staff"]
    # Entered sizes, mostly for the audiences asked (some for an audience with no question: never shown).
    sizes = st.builds(Size, st.integers(0, n - 1), st.sampled_from([*asked_audiences, "staff"]), st.integers(1, 40))
    populations = list({(p.institution, p.audience): p for p in draw(st.lists(sizes, max_size=4))}.values())
    responses = draw(reply_blocks(SURVEY, n, reply_audiences, questions, most=9))
    responses += draw(reply_blocks(OTHER_SURVEY, n, reply_audiences, questions, most=3))
    return World(
        census=census,
        institutions=institutions,
        groups=groups,
        enrolments=enrolments,
        rates=rates,
        questions=questions,
        populations=populations,
        responses=responses,
    )


# --- the definition, over the rows in memory


def reporting_year(world: World, day: date) -> str:
    """The school year figures as of `day` describe: the coming one on a summer day once its groups exist."""
    if day.month in (6, 7, 8):
        coming = f"{day.year}/{day.year + 1}"
        if any(g.year == coming for g in world.groups):
            return coming
    return f"{day.year}/{day.year + 1}" if day.month >= 9 else f"{day.year - 1}/{day.year}"


def computed_size(world: World, institution: int, audience: str) -> int:
    day = world.census
    if audience == "teachers":
        return len(
            {
                r.person
                for r in world.rates
                if r.institution == institution and r.pedagogical and r.start <= day and (r.end is None or r.end >= day)
            }
        )
    if audience in GRADES:
        low, high = GRADES[audience]
        year = reporting_year(world, day)
        if year not in YEARS:
            return 0
        counted_until = max(day, YEARS[year])
        return len(
            {
                e.learner
                for e in world.enrolments
                if (g := world.groups[e.group]).institution == institution
                and g.year == year
                and g.grade is not None
                and low <= g.grade <= high
                and e.enrolled_on <= counted_until
                and (e.left_on is None or e.left_on > day)
            }
        )
    return 0


def parts(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def answer_codes(kind: str) -> tuple[str, ...]:
    return SCALES.get(kind, CHOICES)


def expected_figures(world: World, cut: set[int]) -> dict[str, Any]:
    audiences = list(dict.fromkeys(q.audience for q in sorted(world.questions, key=lambda q: q.position)))
    finished = [r for r in world.responses if r.survey == SURVEY and r.finished and r.institution in cut]
    counted = Counter(r.audience for r in finished)
    entered = {(p.institution, p.audience): p.size for p in world.populations if p.institution in cut}
    asked = set(entered) | {(r.institution, r.audience) for r in finished}
    sizes: dict[str, int] = defaultdict(int)
    for institution, audience in asked:
        sizes[audience] += entered.get((institution, audience), computed_size(world, institution, audience))
    rates: dict[str, Any] = {}
    for audience in audiences:
        n = counted[audience]
        if n < MIN_ANSWERS:
            rates[audience] = {"responses": None, "population": None, "percent": None}
        else:
            whole = sizes[audience]
            rates[audience] = {
                "responses": n,
                "population": whole or None,
                "percent": percent(min(n, whole), whole) if whole else None,
            }
    questions: dict[str, Any] = {}
    for q in world.questions:
        if q.kind not in COUNTED:
            continue
        values = [v for r in finished if r.audience == q.audience for code, v in r.answers if code == q.code]
        cut_figures: dict[str, Any] | None = None
        if len(values) >= MIN_ANSWERS:
            chosen = Counter(part for v in values for part in parts(v))
            cut_figures = {code: percent(chosen[code], len(values)) for code in answer_codes(q.kind)}
        questions.setdefault(q.code, {})[q.audience] = cut_figures
    return {"survey": SURVEY, "response_rates": rates, "questions": questions}


# --- the world in the database


def build(world: World) -> list[Institution]:
    years = {code: school_year_get_or_create(code=code) for code in YEARS}
    teacher, _ = PositionKind.objects.get_or_create(
        code="fig-skolotajs", defaults={"name": "Skolotājs", "is_pedagogical": True}
    )
    cleaner, _ = PositionKind.objects.get_or_create(
        code="fig-apkopejs", defaults={"name": "Apkopējs", "is_pedagogical": False}
    )
    programme, _ = Programme.objects.get_or_create(
        code="91011111", defaults={"name": "Pamatizglītības programma (tests)", "level": "basic"}
    )
    institutions = [
        Institution.objects.create(
            name=f"Iestāde {i}",
            type=p.type,
            founder=p.founder,
            closed_on=p.closed_on,
            registration_number=f"{9700000000 + i}",
        )
        for i, p in enumerate(world.institutions)
    ]
    groups = [
        Group.objects.create(
            institution=institutions[g.institution],
            school_year=years[g.year],
            programme=programme,
            name=f"G{i}",
            grade=g.grade,
        )
        for i, g in enumerate(world.groups)
    ]
    learners = {
        n: Learner.objects.create(
            personal_code=f"010110-2{n:04d}", first_name="Anna", last_name=f"Liepa{n}", birth_date=date(2010, 1, 1)
        )
        for n in sorted({e.learner for e in world.enrolments})
    }
    for e in world.enrolments:
        Enrolment.objects.create(
            learner=learners[e.learner], group=groups[e.group], enrolled_on=e.enrolled_on, left_on=e.left_on
        )
    people = {
        n: StaffMember.objects.create(personal_code=f"010180-1{n:04d}", first_name="Jānis", last_name=f"Bērziņš{n}")
        for n in sorted({r.person for r in world.rates})
    }
    for i, r in enumerate(world.rates):
        Employment.objects.create(
            staff_member=people[r.person], institution=institutions[r.institution],
            position=teacher if r.pedagogical else cleaner, subject=f"s{i}", fte=Decimal("0.500"),
            start_date=r.start, end_date=r.end,
        )  # fmt: skip
    surveys = {
        code: Survey.objects.create(code=code, title_lv=code, census_date=world.census)
        for code in (SURVEY, OTHER_SURVEY)
    }
    questions = {}
    for code, survey in surveys.items():
        for q in world.questions:
            questions[(code, q.code, q.audience)] = Question.objects.create(
                survey=survey, audience=q.audience, code=q.code, text_lv=q.code, kind=q.kind,
                choices=list(CHOICES) if q.kind in ("single", "multiple") else [], position=q.position,
            )  # fmt: skip
    for p in world.populations:
        Population.objects.create(
            survey=surveys[SURVEY], institution=institutions[p.institution], audience=p.audience, population=p.size
        )
    responses = Response.objects.bulk_create(
        Response(
            survey=surveys[r.survey],
            key=f"r{i}",
            institution=institutions[r.institution],
            audience=r.audience,
            finished=r.finished,
        )
        for i, r in enumerate(world.responses)
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[(r.survey, code, r.audience)], value=value)
        for response, r in zip(responses, world.responses, strict=True)
        for code, value in r.answers
    )
    return institutions


def describe(figures: dict[str, Any]) -> None:
    """Label the example (`--hypothesis-show-statistics`), to see that the worlds reach both sides of the floor."""
    rates = figures["response_rates"].values()
    event("a response rate shown" if any(r["responses"] for r in rates) else "no response rate shown")
    event("a percent shown" if any(r["percent"] for r in rates) else "no percent shown")
    shown = [cut for cuts in figures["questions"].values() for cut in cuts.values()]
    event("a question's shares shown" if any(shown) else "no question's shares shown")
    event("a question withheld" if any(cut is None for cut in shown) else "no question withheld")


def command_figures(*args: str) -> Any:
    return command_json("survey_stats", SURVEY, *args)


def test_survey_figures_equal_their_definition_for_the_city_each_type_and_each_institution() -> None:
    @EXAMPLES
    @given(world=survey_worlds())
    def check(world: World) -> None:
        with transaction.atomic():
            institutions = build(world)
            everyone = set(range(len(institutions)))
            # The sizes the rates rest on, for every institution and audience, also where the floor hides them.
            sizes = computed_populations(
                audiences=AUDIENCES,
                institutions=Institution.objects.filter(pk__in=[i.pk for i in institutions]),
                on=world.census,
            )
            assert sizes == {
                (institutions[i].pk, audience): size
                for i in everyone
                for audience in AUDIENCES
                if (size := computed_size(world, i, audience))
            }
            city = expected_figures(world, everyone)
            describe(city)
            assert exact_form(survey_figures(survey=Survey.objects.get(code=SURVEY), visible_to=WHOLE_CITY)) == (
                exact_form(city)
            )
            # The command speaks of the board: its own institutions only; one institution named, whoever founded it.
            own = {i for i, p in enumerate(world.institutions) if p.founder == "municipality"}
            assert exact_form(command_figures()) == exact_form(expected_figures(world, own))
            for group, types in TYPE_GROUPS.items():
                cut = {i for i, p in enumerate(world.institutions) if p.type in types and i in own}
                assert exact_form(command_figures("--type", group)) == exact_form(expected_figures(world, cut)), group
            for i, institution in enumerate(institutions):
                got = command_figures("--institution", institution.registration_number)
                assert exact_form(got) == exact_form(expected_figures(world, {i})), i
            transaction.set_rollback(True)

    check()


def test_a_pupil_in_two_groups_of_an_audiences_grades_at_one_school_is_one_pupil_of_its_population() -> None:
    """The property above keeps a learner to one place at a time in an institution; here a pupil of 5.a also holds
    a place in a grade-6 group of the same school (e.g. a mixed class for some subjects) on the census date."""
    world = World(
        census=date(2024, 5, 7),
        institutions=[Place("basic", "municipality", None)],
        groups=[ClassGroup(0, "2023/2024", 5), ClassGroup(0, "2023/2024", 6)],
        enrolments=[
            Seat(0, 0, date(2023, 9, 1), None),
            Seat(0, 1, date(2023, 9, 1), None),
            Seat(1, 0, date(2023, 9, 1), None),
        ],
        rates=[],
        questions=[Ask("q1", "pupils_5_12", "yes_partly_no", 0)],
        populations=[],
        responses=[Reply(SURVEY, 0, "pupils_5_12", True, (("q1", "yes"),)) for _ in range(5)],
    )
    institutions = build(world)
    assert computed_size(world, 0, "pupils_5_12") == 2  # two pupils
    sizes = computed_populations(audiences=["pupils_5_12"], institutions=Institution.objects.all(), on=world.census)
    assert sizes == {(institutions[0].pk, "pupils_5_12"): 2}
    assert command_figures()["response_rates"]["pupils_5_12"] == {
        "responses": 5,
        "population": 2,
        "percent": Decimal("100.00"),  # 5 answers of a population of 2: never above 100 %
    }
