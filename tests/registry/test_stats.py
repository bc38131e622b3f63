"""Registry figures as of a date: what `registry_stats` and `manage.py registry_stats` report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import selectors
from eduboard.registry.boards import several_boards
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    Learner,
    Licence,
    Municipality,
    Programme,
    QueueEntry,
    ResidentsElsewhere,
)
from eduboard.registry.selectors import registry_stats
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
AS_OF = date(2024, 10, 1)
LEVELS = ["preschool", "basic", "secondary", "vocational", "interest"]


def levels(**counts: int) -> dict[str, int]:
    return {level: counts.get(level, 0) for level in LEVELS}


def types(**counts: int) -> dict[str, int]:
    return {code: counts.get(code, 0) for code in InstitutionType.values}


class People:
    """Makes learners with valid personal codes and enrols them."""

    def __init__(self, home: Municipality) -> None:
        self.home = home
        self.next_birth = date(2015, 1, 1)

    def learner(self, municipality: Municipality | None = None, birth: date | None = None) -> Learner:
        if birth is None:
            self.next_birth += timedelta(days=1)
            birth = self.next_birth
        return Learner.objects.create(
            personal_code=CODES.for_birth_date(birth),
            first_name="Anna",
            last_name="Liepa",
            birth_date=birth,
            declared_municipality=municipality or self.home,
        )

    def enrol(
        self,
        group: Group,
        count: int = 1,
        *,
        municipality: Municipality | None = None,
        enrolled_on: date | None = None,
        left_on: date | None = None,
    ) -> list[Learner]:
        learners = [self.learner(municipality) for _ in range(count)]
        for learner in learners:
            Enrolment.objects.create(
                learner=learner, group=group, enrolled_on=enrolled_on or group.school_year.start_date, left_on=left_on
            )
        return learners


@dataclass
class Programmes:
    preschool: Programme
    basic: Programme
    secondary: Programme
    vocational: Programme


def make_programmes() -> Programmes:
    return Programmes(
        Programme.objects.create(code="01011111", name="Pirmsskola", level="preschool"),
        Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic"),
        Programme.objects.create(code="31011011", name="Vidējā izglītība", level="secondary"),
        Programme.objects.create(code="33214011", name="Dizains", level="vocational"),
    )


def institution(number: str, kind: str, **fields: object) -> Institution:
    fields.setdefault("opened_on", date(1990, 9, 1))
    return Institution.objects.create(registration_number=number, name=f"Iestāde {number}", type=kind, **fields)


def group(school: Institution, year: SchoolYear, programme: Programme, name: str, **fields: object) -> Group:
    return Group.objects.create(institution=school, school_year=year, programme=programme, name=name, **fields)


@dataclass
class World:
    this_year: SchoolYear
    last_year: SchoolYear
    home: Municipality
    other: Municipality
    people: People
    programmes: Programmes
    groups: dict[str, Group]


@pytest.fixture
def world() -> World:
    """Six institutions, 2024/2025 and 2023/2024 groups; figures as of 2024-10-01 are worked out by hand."""
    this_year = school_year_get_or_create(code="2024/2025")
    last_year = school_year_get_or_create(code="2023/2024")
    home = Municipality.objects.create(name="Daugavpils", is_home=True)
    other = Municipality.objects.create(name="Augšdaugavas novads")
    third = Municipality.objects.create(name="Krāslavas novads")
    people = People(home)
    p = make_programmes()
    preschool = institution("9000000001", "preschool")
    school = institution("9000000011", "secondary")
    basic = institution("9000000017", "basic")
    institution("9000000051", "basic", closed_on=date(2024, 8, 31), joined_to=school)
    institution("9000000019", "gymnasium", opened_on=date(2024, 9, 1))
    vocational = institution("9000000021", "vocational")
    g = {
        "bitites": group(preschool, this_year, p.preschool, "Bitītes", capacity=5),
        "maritites": group(preschool, this_year, p.preschool, "Mārītes"),  # no capacity
        "ziles": group(school, this_year, p.preschool, "Zīles", capacity=4),
        "1a": group(school, this_year, p.basic, "1.a", grade=1, capacity=2),
        "10a": group(school, this_year, p.secondary, "10.a", grade=10, capacity=30),
        "1b": group(basic, this_year, p.basic, "1.b", grade=1, capacity=28),
        "5a": group(basic, this_year, p.basic, "5.a", grade=5),
        "kurss": group(vocational, this_year, p.vocational, "1. kurss", grade=1),
    }
    people.enrol(g["bitites"], 2)
    people.enrol(g["bitites"], 1, municipality=other)
    people.enrol(g["maritites"], 2)
    people.learner()  # a child in no group counts nowhere
    people.enrol(g["ziles"], 1, municipality=Municipality.objects.create(name="Daugavpils pilsēta", is_home=True))
    people.enrol(g["1a"], 3)  # more than the capacity of 2
    people.enrol(g["10a"], 1)
    people.enrol(g["10a"], 1, municipality=third)
    people.enrol(g["1b"], 1, enrolled_on=date(2024, 9, 2))
    people.enrol(g["1b"], 1, left_on=AS_OF)  # left_on is the first day not counted
    people.enrol(g["1b"], 1, enrolled_on=AS_OF + timedelta(days=1))  # not yet enrolled
    people.enrol(g["5a"], 1, municipality=other)
    people.enrol(g["kurss"], 1)
    # A year before (2023-10-01).
    people.enrol(group(preschool, last_year, p.preschool, "Bitītes", capacity=5), 4, left_on=date(2024, 8, 31))
    people.enrol(group(school, last_year, p.basic, "1.a", grade=1), 2)
    people.enrol(group(school, last_year, p.secondary, "10.a", grade=10), 1)
    people.enrol(group(institution("9000000052", "basic"), last_year, p.basic, "2.a", grade=2), 1)
    Institution.objects.filter(registration_number="9000000052").update(closed_on=date(2024, 8, 31))
    # Residents of Daugavpils who learn elsewhere, as other municipalities report them.
    ResidentsElsewhere.objects.create(school_year=this_year, municipality=other, level="preschool", learners=5)
    ResidentsElsewhere.objects.create(school_year=this_year, municipality=other, level="basic", learners=7)
    ResidentsElsewhere.objects.create(school_year=this_year, municipality=third, level="basic", learners=3)
    ResidentsElsewhere.objects.create(school_year=last_year, municipality=other, level="basic", learners=99)
    return World(this_year, last_year, home, other, people, p, g)


def test_stats_report_the_school_year_of_the_date(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["as_of"] == "2024-10-01"
    assert stats["school_year"] == "2024/2025"
    for key in [
        "institutions_by_type",
        "groups_by_institution",
        "groups_by_level",
        "learners_by_level",
        "learners_by_level_year_before",
        "learners_by_level_change",
        "first_graders",
        "grade10_admitted",
        "places_by_institution",
        "free_places_total",
        "free_places_preschool",
        "queue_length",
        "learners_from_other_municipalities",
        "residents_learning_elsewhere",
    ]:
        assert key in stats


def test_institutions_are_counted_by_type_when_open_on_the_date(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    # the two schools closed on 2024-08-31 do not count; the gymnasium opened on 2024-09-01 does
    assert stats["institutions_by_type"] == types(preschool=1, secondary=1, basic=1, gymnasium=1, vocational=1)


def test_groups_are_counted_per_institution_by_registration_number(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["groups_by_institution"] == {"9000000001": 2, "9000000011": 3, "9000000017": 2, "9000000021": 1}
    assert stats["groups_total"] == 8
    assert stats["groups_by_level"] == levels(preschool=3, basic=3, secondary=1, vocational=1)
    assert stats["groups_by_level_year_before"] == levels(preschool=1, basic=2, secondary=1)


def test_learners_are_counted_by_level_with_the_change_since_a_year_before(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["learners_by_level"] == levels(preschool=6, basic=5, secondary=2, vocational=1)
    assert stats["learners_total"] == 14
    assert stats["learners_by_level_year_before"] == levels(preschool=4, basic=3, secondary=1)
    assert stats["learners_by_level_change"] == levels(preschool=2, basic=2, secondary=1, vocational=1)


def test_first_graders_are_grade_1_of_basic_programmes_only(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["first_graders"] == 4  # 3 in 1.a, 1 in 1.b; not the vocational first course
    assert stats["first_graders_year_before"] == 2


def test_grade10_admitted_are_grade_10_of_secondary_programmes(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["grade10_admitted"] == 2
    assert stats["grade10_admitted_year_before"] == 1


def test_a_learner_in_several_groups_at_once_counts_once_per_figure(world: World) -> None:
    learner = world.people.learner(world.other)
    for name in ("1a", "1b", "kurss"):  # two first-grade classes of basic programmes and a vocational course
        Enrolment.objects.create(learner=learner, group=world.groups[name], enrolled_on=date(2024, 9, 1))
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["learners_by_level"] == levels(preschool=6, basic=6, secondary=2, vocational=2)
    assert stats["learners_total"] == 15
    assert stats["first_graders"] == 5
    assert stats["learners_from_other_municipalities"] == levels(preschool=1, basic=2, secondary=1, vocational=1)
    # places are per group: each group holds the learner
    assert stats["enrolled_total"] == 17


def test_many_learners_in_several_groups_give_the_same_figures_as_few(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _number in range(3):
        learner = world.people.learner(world.other)
        for name in ("1a", "1b", "kurss"):
            Enrolment.objects.create(learner=learner, group=world.groups[name], enrolled_on=date(2024, 9, 1))
    few = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)  # the ids of the learners in several groups as a list
    monkeypatch.setattr(selectors, "IN_BATCH", 1)
    many = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)  # too many for a list: as a subquery
    assert many == few
    assert few["learners_total"] == 17 and few["first_graders"] == 7 and few["enrolled_total"] == 23
    assert few["learners_from_other_municipalities"] == levels(preschool=1, basic=4, secondary=1, vocational=3)


def test_a_learner_who_moved_to_another_group_counts_once_without_a_correction(world: World) -> None:
    # two enrolments in the year's groups, but only one counts on each date: counted once, in that group
    early_day, later_day = date(2024, 9, 10), AS_OF
    early_before, later_before = (
        registry_stats(visible_to=WHOLE_CITY, as_of=early_day),
        registry_stats(visible_to=WHOLE_CITY, as_of=later_day),
    )
    learner = world.people.learner(world.other)
    Enrolment.objects.create(
        learner=learner, group=world.groups["1a"], enrolled_on=date(2024, 9, 1), left_on=date(2024, 9, 20)
    )
    Enrolment.objects.create(learner=learner, group=world.groups["kurss"], enrolled_on=date(2024, 9, 20))
    for day, before, level, first_graders in (
        (early_day, early_before, "basic", 1),
        (later_day, later_before, "vocational", 0),
    ):
        stats = registry_stats(visible_to=WHOLE_CITY, as_of=day)
        assert stats["learners_by_level"] == {
            **before["learners_by_level"],
            level: before["learners_by_level"][level] + 1,
        }
        assert stats["learners_total"] == before["learners_total"] + 1
        assert stats["enrolled_total"] == before["enrolled_total"] + 1
        assert stats["first_graders"] == before["first_graders"] + first_graders
        other = before["learners_from_other_municipalities"]
        assert stats["learners_from_other_municipalities"] == {**other, level: other[level] + 1}


def test_free_places_are_capacity_less_learners_never_below_zero_and_none_without_capacity(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["places_by_institution"] == {
        "9000000001": {"capacity": 5, "enrolled": 5, "free": 2},  # Bitītes 5 - 3; Mārītes has no capacity
        "9000000011": {"capacity": 36, "enrolled": 6, "free": 31},  # Zīles 3 + 1.a 0 (3 in 2) + 10.a 28
        "9000000017": {"capacity": 28, "enrolled": 2, "free": 27},  # 1.b 28 - 1; 5.a has no capacity
        "9000000021": {"capacity": 0, "enrolled": 1, "free": 0},
    }
    assert stats["capacity_total"] == 69
    assert stats["enrolled_total"] == 14
    assert stats["free_places_total"] == 60


def test_free_preschool_places_are_split_between_preschools_and_schools(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["free_places_preschool"] == {"preschools": 2, "schools": 3, "total": 5}


def test_learners_from_other_municipalities_are_counted_by_level(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    # every name of the board's own municipality counts as home; learners without one are not "other"
    assert stats["learners_from_other_municipalities"] == levels(preschool=1, basic=1, secondary=1)
    assert stats["learners_from_other_municipalities_total"] == 3


def test_residents_learning_elsewhere_are_summed_by_level_for_the_school_year(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["residents_learning_elsewhere"] == levels(preschool=5, basic=10)
    assert stats["residents_learning_elsewhere_total"] == 15


def test_queue_length_counts_children_waiting_on_the_date(world: World) -> None:
    preschool = Institution.objects.get(registration_number="9000000001")

    def entry(registered: date, status: str = "waiting", changed: date | None = None) -> None:
        QueueEntry.objects.create(
            child=world.people.learner(birth=date(2022, 1, 1) + timedelta(days=QueueEntry.objects.count())),
            registered_on=registered,
            wanted_start_on=date(2025, 9, 1),
            first_choice=preschool,
            status=status,
            status_changed_on=changed,
        )

    entry(date(2024, 5, 1))  # waiting
    entry(date(2024, 9, 30))  # waiting
    entry(date(2024, 10, 2))  # registered after the date
    entry(date(2024, 3, 1), "accepted", date(2024, 9, 1))  # placed before the date
    entry(date(2024, 3, 1), "withdrawn", date(2024, 9, 15))  # withdrew before the date
    entry(date(2024, 3, 1), "offered", date(2024, 10, 5))  # still waiting on the date
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["queue_length"] == 3
    assert sum(stats["queue_by_age"].values()) == 3
    assert (
        registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 4, 1))["queue_length"] == 3
    )  # 2024-03-01 ×3, not 2024-05-01


def test_stats_command_prints_the_same_json_as_the_selector(world: World) -> None:
    out = StringIO()
    call_command("registry_stats", "--as-of", "2024-10-01", stdout=out)
    assert json.loads(out.getvalue()) == registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)


def test_stats_command_refuses_a_date_not_written_yyyy_mm_dd(world: World) -> None:
    with pytest.raises((CommandError, SystemExit)):
        call_command("registry_stats", "--as-of", "01.10.2024", stdout=StringIO(), stderr=StringIO())


# --- the rules of "as of"


def test_left_on_is_the_first_day_a_learner_is_not_counted(world: World) -> None:
    learner = world.people.enrol(world.groups["5a"], left_on=date(2024, 11, 15))[0]
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 11, 14))["learners_by_level"]["basic"] == 7
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 11, 15))["learners_by_level"]["basic"] == 6
    assert Enrolment.objects.filter(learner=learner).exists()


def test_a_learner_counts_from_the_day_of_enrolment(world: World) -> None:
    world.people.enrol(world.groups["5a"], enrolled_on=date(2024, 11, 15))
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 11, 14))["learners_by_level"]["basic"] == 6
    assert registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 11, 15))["learners_by_level"]["basic"] == 7


def test_summer_date_reports_the_coming_school_year_once_its_groups_exist(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 20))
    assert stats["school_year"] == "2024/2025"
    # enrolled on or before 1 September count; those who come later do not
    assert stats["learners_by_level"] == levels(preschool=6, basic=5, secondary=2, vocational=1)
    assert stats["first_graders"] == 4
    # the gymnasium opening on 1 September counts; the schools closing on 31 August do not
    assert stats["institutions_by_type"] == types(preschool=1, secondary=1, basic=1, gymnasium=1, vocational=1)
    # compared with the summer before: the 2023/2024 year, then the coming one
    assert stats["learners_by_level_year_before"] == levels(preschool=4, basic=3, secondary=1)


def test_summer_date_learner_enrolled_after_the_first_school_day_is_not_counted(world: World) -> None:
    # 1.b: on 2024-08-20 only the pupil enrolled on 1 September (who leaves on 1 October) counts, plus 5.a
    assert (
        registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 20))["places_by_institution"]["9000000017"][
            "enrolled"
        ]
        == 2
    )
    world.people.enrol(world.groups["1b"], enrolled_on=date(2024, 9, 2))
    assert (
        registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 20))["places_by_institution"]["9000000017"][
            "enrolled"
        ]
        == 2
    )
    assert registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)["places_by_institution"]["9000000017"]["enrolled"] == 3


def test_summer_date_reports_the_ending_school_year_while_the_coming_one_has_no_groups(world: World) -> None:
    Enrolment.objects.filter(group__school_year=world.this_year).delete()
    Group.objects.filter(school_year=world.this_year).delete()
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 20))
    assert stats["school_year"] == "2023/2024"
    assert stats["learners_by_level"] == levels(preschool=4, basic=3, secondary=1)
    # on 2024-08-20 both schools closing on 31 August still work, the gymnasium does not yet
    assert stats["institutions_by_type"] == types(preschool=1, secondary=1, basic=3, vocational=1)


def test_may_date_reports_the_current_school_year_even_when_the_next_has_groups(world: World) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=date(2024, 5, 31))
    assert stats["school_year"] == "2023/2024"
    assert stats["learners_by_level"] == levels(preschool=4, basic=3, secondary=1)


def test_date_without_any_school_year_reports_zeros() -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=date(2030, 1, 15))
    assert stats["school_year"] is None
    assert stats["learners_by_level"] == levels()
    assert stats["free_places_total"] == 0
    assert stats["groups_by_institution"] == {}


# --- cost


def build_institutions(count: int, programmes: Programmes, year: SchoolYear, last_year: SchoolYear) -> None:
    home = Municipality.objects.get_or_create(name="Daugavpils", defaults={"is_home": True})[0]
    people = People(home)
    special = Programme.objects.get_or_create(
        code="21015611", defaults={"name": "Speciālā", "level": "basic", "special_needs": "learning"}
    )[0]
    start = Institution.objects.count()
    for index in range(start, start + count):
        school = institution(f"{9100000000 + index}", "secondary" if index % 2 else "preschool")
        Licence.objects.create(institution=school, programme=special)
        people.enrol(group(school, year, programmes.basic, "1.a", grade=1, capacity=20), 2)
        people.enrol(group(school, year, programmes.preschool, "Bitītes", capacity=10), 1)
        people.enrol(group(school, year, special, "2.s", grade=2, capacity=8), 1)
        people.enrol(group(school, last_year, programmes.secondary, "10.a", grade=10), 1)
        QueueEntry.objects.create(
            child=people.learner(birth=date(2022, 1, 1) + timedelta(days=index)),
            registered_on=date(2024, 1, 1),
            wanted_start_on=date(2025, 9, 1),
            first_choice=school,
        )


def test_number_of_queries_does_not_grow_with_the_number_of_institutions() -> None:
    programmes = make_programmes()
    year = school_year_get_or_create(code="2024/2025")
    last_year = school_year_get_or_create(code="2023/2024")
    build_institutions(2, programmes, year, last_year)
    several_boards()  # the deployment's count of boards is kept (renewed when a board is added or deleted)
    with CaptureQueriesContext(connection) as few:
        small = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    build_institutions(18, programmes, year, last_year)
    with CaptureQueriesContext(connection) as many:
        large = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert len(small["places_by_institution"]) == 2 and len(large["places_by_institution"]) == 20
    assert large["queue_length"] == 20
    assert len(many.captured_queries) == len(few.captured_queries)
