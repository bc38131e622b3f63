"""People figures as of a date: what `people_stats` and `manage.py people_stats` report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
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
from eduboard.people.positions import ensure_standard_positions
from eduboard.people.selectors import people_stats
from eduboard.registry.boards import Board
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
AS_OF = date(2024, 8, 19)
LONG_AGO = date(2015, 9, 1)

P1, P2 = "9000000001", "9000000002"  # preschools
S1, S2, G1 = "9000000011", "9000000012", "9000000013"  # secondary, basic, gymnasium
I1 = "9000000031"  # interest education


def figure(pedagogues: int, several: int) -> dict[str, int]:
    return {"pedagogues": pedagogues, "in_several_institutions": several}


def by_type(**figures: dict[str, int]) -> dict[str, dict[str, int]]:
    return {kind: figures.get(kind, figure(0, 0)) for kind in InstitutionType.values}


class Staff:
    """Makes people with valid personal codes and gives them rates."""

    def __init__(self, institutions: dict[str, Institution], positions: dict[str, PositionKind]) -> None:
        self.institutions, self.positions = institutions, positions
        self.next_birth = date(1975, 1, 1)

    def person(self, last_name: str) -> StaffMember:
        self.next_birth += timedelta(days=1)
        return StaffMember.objects.create(
            personal_code=CODES.for_birth_date(self.next_birth), first_name="Anna", last_name=last_name
        )

    def rate(
        self,
        who: StaffMember,
        number: str,
        position: str,
        *,
        subject: str = "",
        fte: str = "1",
        start: date = LONG_AGO,
        end: date | None = None,
    ) -> Employment:
        return Employment.objects.create(
            staff_member=who,
            institution=self.institutions[number],
            position=self.positions[position],
            subject=subject,
            fte=Decimal(fte),
            start_date=start,
            end_date=end,
        )


def vacancy(where: Institution, position: PositionKind, fte: str, **fields: Any) -> Vacancy:
    fields.setdefault("declared_on", date(2024, 8, 1))
    return Vacancy.objects.create(institution=where, position=position, fte=Decimal(fte), **fields)


@dataclass
class World:
    institutions: dict[str, Institution]
    positions: dict[str, PositionKind]
    people: dict[str, StaffMember]
    child_rights: TrainingRequirement
    first_aid: TrainingRequirement


@pytest.fixture
def world() -> World:
    """Two preschools, three general schools and an interest-education centre, with a dozen people.

    On 2024-08-19:
    - Abele: preschool teacher at P1 and speech therapist at P2 (several institutions);
    - Berzina: preschool teacher at P1;
    - Cirule: preschool teacher in S1's preschool groups and subject teacher at S2 (several);
    - Dumina: preschool teacher at S2;
    - Egle: subject teacher at S1 until 2024-08-19 and at G1 from 2024-08-19 (several: both days included);
    - Fogele: subject teacher at S1, her S2 rate ended on 2024-08-18 (not several);
    - Gaile: subject teacher at S1, her G1 rate starts on 2024-08-20 (not several);
    - Hercoga: subject teacher at S1 and teacher's assistant at S2 (an assistant is no pedagogue);
    - Irbe: teacher's assistant at S1 only (no pedagogue);
    - Jansone: head of I1 and subject teacher at S1 (several);
    - Kalna: only a rate at S1 that ended in 2023 (no pedagogue on the date);
    - Liepa: two subjects at S1 (one institution, not several).
    """
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    kinds = {P1: "preschool", P2: "preschool", S1: "secondary", S2: "basic", G1: "gymnasium", I1: "interest"}
    institutions = {
        number: Institution.objects.create(registration_number=number, name=f"Iestāde {number}", type=kind)
        for number, kind in kinds.items()
    }
    staff = Staff(institutions, positions)
    people = {
        name: staff.person(name)
        for name in [
            "Abele", "Berzina", "Cirule", "Dumina", "Egle", "Fogele", "Gaile", "Hercoga", "Irbe", "Jansone", "Kalna",
            "Liepa",
        ]
    }  # fmt: skip
    staff.rate(people["Abele"], P1, "preschool_teacher")
    staff.rate(people["Abele"], P2, "speech_therapist", fte="0.5")
    staff.rate(people["Berzina"], P1, "preschool_teacher")
    staff.rate(people["Cirule"], S1, "preschool_teacher")
    staff.rate(people["Cirule"], S2, "subject_teacher", subject="mūzika", fte="0.25")
    staff.rate(people["Dumina"], S2, "preschool_teacher")
    staff.rate(people["Egle"], S1, "subject_teacher", subject="fizika", end=AS_OF)
    staff.rate(people["Egle"], G1, "subject_teacher", subject="fizika", start=AS_OF)
    staff.rate(people["Fogele"], S1, "subject_teacher", subject="ķīmija")
    staff.rate(people["Fogele"], S2, "subject_teacher", subject="ķīmija", fte="0.5", end=AS_OF - timedelta(days=1))
    staff.rate(people["Gaile"], S1, "subject_teacher", subject="vēsture")
    staff.rate(people["Gaile"], G1, "subject_teacher", subject="vēsture", fte="0.5", start=AS_OF + timedelta(days=1))
    staff.rate(people["Hercoga"], S1, "subject_teacher", subject="matemātika")
    staff.rate(people["Hercoga"], S2, "assistant", fte="0.5")
    staff.rate(people["Irbe"], S1, "assistant")
    staff.rate(people["Jansone"], I1, "head")
    staff.rate(people["Jansone"], S1, "subject_teacher", subject="datorika", fte="0.25")
    staff.rate(people["Kalna"], S1, "subject_teacher", subject="sports", start=date(2020, 9, 1), end=date(2023, 6, 30))
    staff.rate(people["Liepa"], S1, "subject_teacher", subject="bioloģija", fte="0.5")
    staff.rate(people["Liepa"], S1, "subject_teacher", subject="ģeogrāfija", fte="0.5")

    child_rights = TrainingRequirement.objects.create(
        name="Bērnu tiesību aizsardzība", hours=40, renewal_months=60, applies_to=TrainingAppliesTo.PEDAGOGICAL
    )
    first_aid = TrainingRequirement.objects.create(
        name="Pirmā palīdzība", hours=8, renewal_months=None, applies_to=TrainingAppliesTo.POSITIONS
    )
    first_aid.positions.set([positions["assistant"]])
    done = {
        "Abele": date(2019, 8, 1),  # expires 2024-08-01: expired
        "Berzina": date(2019, 10, 1),  # expires 2024-10-01: within 90 days, expiring
        "Cirule": date(2019, 11, 17),  # expires 2024-11-17, the 90th day: expiring
        "Dumina": date(2019, 11, 18),  # expires 2024-11-18, the 91st day: no gap
        "Egle": date(2024, 9, 1),  # done after the date: missing on it
        "Fogele": date(2023, 5, 1),
        "Gaile": date(2023, 5, 1),
        "Hercoga": date(2023, 5, 1),
        "Jansone": date(2023, 5, 1),
        "Liepa": date(2023, 5, 1),
    }
    for name, day in done.items():
        TrainingRecord.objects.create(staff_member=people[name], requirement=child_rights, completed_on=day, hours=40)
    TrainingRecord.objects.create(  # an older record does not hide a newer one
        staff_member=people["Fogele"], requirement=child_rights, completed_on=date(2018, 1, 10), hours=40
    )
    TrainingRecord.objects.create(
        staff_member=people["Hercoga"], requirement=first_aid, completed_on=date(2010, 3, 3), hours=8
    )  # once is enough: Irbe, the other assistant, has none
    return World(institutions, positions, people, child_rights, first_aid)


# --- pedagogues


def test_pedagogues_are_counted_by_institution_by_registration_number(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    by_institution = stats["pedagogues_by_institution"]
    assert list(by_institution) == [P1, P2, S1, S2, G1, I1]
    assert {number: (row["pedagogues"], row["in_several_institutions"]) for number, row in by_institution.items()} == {
        P1: (2, 1),  # Abele, Berzina
        P2: (1, 1),  # Abele
        S1: (7, 3),  # Cirule, Egle, Fogele, Gaile, Hercoga, Jansone, Liepa; not Irbe, not Kalna
        S2: (2, 1),  # Cirule, Dumina; not Hercoga the assistant, not Fogele whose rate ended
        G1: (1, 1),  # Egle from her first day; not Gaile, who starts tomorrow
        I1: (1, 1),  # Jansone
    }
    assert by_institution[S1]["name"] == f"Iestāde {S1}"
    assert by_institution[S1]["type"] == "secondary"


def test_pedagogues_are_counted_by_institution_type(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["pedagogues_by_institution_type"] == by_type(
        preschool=figure(2, 1),
        secondary=figure(7, 3),
        basic=figure(2, 1),
        gymnasium=figure(1, 1),
        interest=figure(1, 1),
    )
    assert stats["pedagogues_total"] == 10  # 12 people less Irbe and Kalna
    assert stats["pedagogues_in_several_institutions"] == 4  # Abele, Cirule, Egle, Jansone


def test_in_several_institutions_counts_both_the_last_and_the_first_day_of_a_rate(world: World) -> None:
    def several_at_s1(day: date) -> int:
        return int(
            people_stats(visible_to=WHOLE_CITY, as_of=day)["pedagogues_by_institution"][S1]["in_several_institutions"]
        )

    # On 2024-08-18 Fogele still has her S2 rate and Egle has not started at G1.
    assert several_at_s1(AS_OF - timedelta(days=1)) == 3  # Cirule, Fogele, Jansone
    assert several_at_s1(AS_OF) == 3  # Cirule, Egle, Jansone
    # On 2024-08-20 Egle's S1 rate is over (she is no longer at S1) and Gaile has started at G1.
    after = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF + timedelta(days=1))["pedagogues_by_institution"]
    assert (after[S1]["pedagogues"], after[S1]["in_several_institutions"]) == (6, 3)  # Cirule, Gaile, Jansone
    assert after[G1]["pedagogues"] == 2  # Egle, Gaile


def test_a_future_rate_and_an_ended_rate_are_not_counted(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    # Kalna's only rate ended in 2023; Gaile's G1 rate starts after the date
    assert stats["pedagogues_by_institution"][G1]["pedagogues"] == 1
    early = people_stats(visible_to=WHOLE_CITY, as_of=date(2014, 1, 1))
    assert early["pedagogues_total"] == 0
    assert early["pedagogues_by_institution"] == {}


def test_two_subjects_in_one_institution_are_not_several_institutions(world: World) -> None:
    Employment.objects.exclude(staff_member=world.people["Liepa"]).delete()
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["pedagogues_by_institution"] == {
        S1: {"name": f"Iestāde {S1}", "type": "secondary", "pedagogues": 1, "in_several_institutions": 0}
    }


def test_a_teachers_assistant_rate_is_neither_a_pedagogue_nor_a_second_institution(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["pedagogues_by_institution"][S2]["pedagogues"] == 2  # not Hercoga the assistant
    only_hercoga = Employment.objects.filter(staff_member=world.people["Hercoga"])
    Employment.objects.exclude(pk__in=only_hercoga.values("pk")).delete()
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert list(stats["pedagogues_by_institution"]) == [S1]
    assert stats["pedagogues_in_several_institutions"] == 0


def test_preschool_programme_pedagogues_are_those_in_preschools_and_preschool_teachers_in_schools(
    world: World,
) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["preschool_programme_pedagogues"] == {
        "preschools": figure(2, 1),  # Abele (also at P2), Berzina
        "schools": figure(2, 1),  # Cirule (also teaches at S2), Dumina
        **figure(4, 2),
    }


def test_general_school_pedagogues_are_those_of_basic_secondary_and_gymnasium_schools(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    # S1, S2 and G1: Cirule, Dumina, Egle, Fogele, Gaile, Hercoga, Jansone, Liepa
    assert stats["general_school_pedagogues"] == figure(8, 3)  # Cirule, Egle, Jansone in several


def test_a_vocational_school_is_not_a_general_school(world: World) -> None:
    world.institutions[G1].type = "vocational"
    world.institutions[G1].save()
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["general_school_pedagogues"] == figure(8, 3)  # Egle still teaches at S1 on the date
    # the day after Egle teaches only at the vocational school; Gaile, now also there, counts as in several
    assert people_stats(visible_to=WHOLE_CITY, as_of=AS_OF + timedelta(days=1))["general_school_pedagogues"] == figure(
        7, 3
    )


# --- vacancies


@pytest.fixture
def vacancies(world: World) -> None:
    teacher, preschool_teacher = world.positions["subject_teacher"], world.positions["preschool_teacher"]
    where = world.institutions
    # open on 2024-08-19
    vacancy(where[S1], teacher, "1", subject="ķīmija", published_on=date(2024, 8, 1), filled_on=date(2024, 9, 1))
    vacancy(where[S1], teacher, "0.5", subject="fizika")  # declared only
    vacancy(where[P1], preschool_teacher, "3.221", published_on=date(2024, 8, 5))
    vacancy(where[I1], teacher, "0.25", subject="koris", published_on=date(2024, 8, 2), withdrawn_on=date(2024, 8, 25))
    # not open on 2024-08-19
    vacancy(where[S2], teacher, "1", subject="mūzika", published_on=date(2024, 8, 1), filled_on=date(2024, 8, 15))
    vacancy(where[S2], teacher, "1", subject="vēsture", published_on=date(2024, 8, 1), withdrawn_on=date(2024, 8, 10))
    vacancy(where[G1], world.positions["psychologist"], "0.38", published_on=date(2024, 8, 1), filled_on=AS_OF)
    vacancy(where[G1], teacher, "1", subject="angļu valoda", declared_on=AS_OF + timedelta(days=1))


def test_open_vacancies_are_grouped_by_registration_number_with_positions_and_fte(
    world: World, vacancies: None
) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert list(stats["vacancies"]) == [P1, S1, I1]
    assert stats["vacancies_count"] == 4
    assert stats["vacancies_fte_total"] == Decimal("4.971")
    assert {number: entry["fte"] for number, entry in stats["vacancies"].items()} == {
        P1: Decimal("3.221"),
        S1: Decimal("1.5"),
        I1: Decimal("0.25"),
    }
    assert stats["vacancies"][S1]["institution"] == f"Iestāde {S1}"
    at_s1 = stats["vacancies"][S1]["positions"]
    assert sorted((p["position"], p["subject"], p["fte"], p["published_on"]) for p in at_s1) == [
        ("subject_teacher", "fizika", Decimal("0.5"), None),
        ("subject_teacher", "ķīmija", Decimal("1"), "2024-08-01"),
    ]
    assert stats["vacancies"][P1]["positions"] == [
        {
            "position": "preschool_teacher",
            "position_name": "Pirmsskolas izglītības skolotājs",
            "position_names": {  # the shipped translations (people.reference_texts)
                "lv": "Pirmsskolas izglītības skolotājs",
                "en": "Preschool teacher",
                "ru": "Учитель дошкольного образования",
            },
            "subject": "",
            "fte": Decimal("3.221"),
            "published_on": "2024-08-05",
            "filled_on": None,
        }
    ]
    # FTE leave the selector as Decimals with 3 places, never floats
    figures = [p["fte"] for entry in stats["vacancies"].values() for p in entry["positions"]]
    figures += [entry["fte"] for entry in stats["vacancies"].values()] + [stats["vacancies_fte_total"]]
    assert all(isinstance(fte, Decimal) and fte.as_tuple().exponent == -3 for fte in figures)


def test_a_vacancy_filled_on_the_date_is_no_longer_open_but_one_filled_the_day_after_is(
    world: World, vacancies: None
) -> None:
    assert G1 not in people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)["vacancies"]
    day_before = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF - timedelta(days=1))
    assert day_before["vacancies"][G1]["fte"] == Decimal("0.38")
    after_september = people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 9, 1))
    assert S1 in after_september["vacancies"]
    assert [p["subject"] for p in after_september["vacancies"][S1]["positions"]] == ["fizika"]


def test_a_withdrawn_vacancy_is_not_open_from_the_day_it_is_withdrawn(world: World, vacancies: None) -> None:
    assert I1 in people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 24))["vacancies"]
    assert I1 not in people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 25))["vacancies"]
    assert (
        S2 in people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 9))["vacancies"]
    )  # vēsture, withdrawn on 2024-08-10


def test_vacancy_totals_keep_three_decimals(world: World) -> None:
    vacancy(world.institutions[P1], world.positions["preschool_teacher"], "3.221")
    vacancy(world.institutions[P1], world.positions["speech_therapist"], "0.38")
    vacancy(world.institutions[S1], world.positions["subject_teacher"], "0.001")
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["vacancies"][P1]["fte"] == Decimal("3.601")
    assert stats["vacancies_fte_total"] == Decimal("3.602")


# --- training


def gaps(stats: dict[str, Any]) -> list[tuple[str, str, str, str | None, str | None]]:
    return sorted(
        (gap["name"], gap["requirement"], gap["status"], gap["completed_on"], gap["expires_on"])
        for gap in stats["training_gaps"]
    )


def test_training_gaps_are_missing_expired_or_expiring_within_90_days(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert gaps(stats) == [
        ("Abele Anna", "Bērnu tiesību aizsardzība", "expired", "2019-08-01", "2024-08-01"),
        ("Berzina Anna", "Bērnu tiesību aizsardzība", "expiring", "2019-10-01", "2024-10-01"),
        ("Cirule Anna", "Bērnu tiesību aizsardzība", "expiring", "2019-11-17", "2024-11-17"),
        ("Egle Anna", "Bērnu tiesību aizsardzība", "missing", None, None),  # done only after the date
        ("Irbe Anna", "Pirmā palīdzība", "missing", None, None),  # the assistant
    ]
    assert stats["training_gaps_by_status"] == {"missing": 2, "expired": 1, "expiring": 2}


def test_the_expiry_warning_window_follows_the_boards_days(world: World) -> None:
    Board.objects.update(training_expiry_warning_days=30)
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["training_gaps_by_status"] == {"missing": 2, "expired": 1, "expiring": 0}


def test_staff_without_a_rate_on_the_date_have_no_training_gaps(world: World) -> None:
    names = {gap["name"] for gap in people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)["training_gaps"]}
    assert "Kalna Anna" not in names  # her rate ended in 2023
    assert "Dumina Anna" not in names  # renewal due on the 91st day


def test_a_page_of_training_gaps_is_the_plain_slice_of_the_filtered_gaps(world: World, monkeypatch: Any) -> None:
    """`training_gap_page` against its definition: filter the gaps, cut pages of TRAINING_PAGE_SIZE, a page beyond
    the last is the last; the counts by status are those before the filter."""
    from eduboard.people import selectors

    monkeypatch.setattr(selectors, "TRAINING_PAGE_SIZE", 2)
    every = selectors.training_gaps(as_of=AS_OF, visible_to=WHOLE_CITY)
    statuses = {gap.status for gap in every}
    for status in ["", *sorted(statuses)]:
        for words in ("", "anna", "irbe"):
            found = [
                gap
                for gap in every
                if (not status or gap.status == status) and (not words or words in gap.name.lower())
            ]
            pages = [found[start : start + 2] for start in range(0, len(found), 2)] or [[]]
            for number in range(1, len(pages) + 3):
                page = selectors.training_gap_page(
                    as_of=AS_OF, visible_to=WHOLE_CITY, words=words, status=status, page=number
                )
                expected = min(number, len(pages))
                assert (page.number, page.rows, page.found) == (expected, pages[expected - 1], len(found))
                assert page.counts == {"missing": 2, "expired": 1, "expiring": 2}


# --- the command and the scope


def test_people_stats_command_prints_the_same_json_as_the_selector(world: World, vacancies: None) -> None:
    out = StringIO()
    call_command("people_stats", "--as-of", "2024-08-19", stdout=out)
    printed = json.loads(out.getvalue(), parse_float=Decimal)
    assert printed == people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert printed["as_of"] == "2024-08-19"
    assert printed["vacancies_fte_total"] == Decimal("4.971")


def test_people_stats_command_refuses_a_date_not_written_yyyy_mm_dd(world: World) -> None:
    with pytest.raises((CommandError, SystemExit)):
        call_command("people_stats", "--as-of", "19.08.2024", stdout=StringIO(), stderr=StringIO())


def test_a_heads_figures_count_only_their_institution(world: World, vacancies: None) -> None:
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[world.institutions[S1]])
    stats = people_stats(as_of=AS_OF, visible_to=head)
    assert list(stats["pedagogues_by_institution"]) == [S1]
    # whether a person works in several institutions is counted from all their rates
    assert stats["pedagogues_by_institution"][S1] == {"name": f"Iestāde {S1}", "type": "secondary", **figure(7, 3)}
    assert stats["pedagogues_total"] == 7
    assert stats["pedagogues_by_institution_type"] == by_type(secondary=figure(7, 3))
    assert stats["preschool_programme_pedagogues"] == {
        "preschools": figure(0, 0),
        "schools": figure(1, 1),  # Cirule in S1's preschool groups
        **figure(1, 1),
    }
    assert stats["general_school_pedagogues"] == figure(7, 3)
    assert list(stats["vacancies"]) == [S1]
    assert (stats["vacancies_count"], stats["vacancies_fte_total"]) == (2, 1.5)
    assert {gap["name"] for gap in stats["training_gaps"]} == {"Cirule Anna", "Egle Anna", "Irbe Anna"}


def test_a_board_analyst_sees_the_whole_city(world: World, vacancies: None) -> None:
    analyst: User = UserFactory(role=Role.BOARD_ANALYST)
    assert people_stats(as_of=AS_OF, visible_to=analyst) == people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)


def test_a_user_without_institutions_sees_no_figures(world: World, vacancies: None) -> None:
    nobody = UserFactory(role=Role.INSTITUTION_STAFF, institutions=[])
    stats = people_stats(as_of=AS_OF, visible_to=nobody)
    assert stats["pedagogues_total"] == 0
    assert stats["pedagogues_by_institution"] == {}
    assert stats["vacancies"] == {} and stats["vacancies_count"] == 0
    assert stats["training_gaps"] == []


# --- bounded queries


def build_institutions(count: int, first: int, positions: dict[str, PositionKind]) -> None:
    """`count` schools, each with three pedagogues (one also in the next school), an assistant and a vacancy."""
    requirement = TrainingRequirement.objects.get_or_create(
        name="Bērnu tiesību aizsardzība", defaults={"hours": 40, "renewal_months": 60}
    )[0]
    birth = date(1970, 1, 1) + timedelta(days=first * 10)
    schools = [
        Institution.objects.create(
            registration_number=f"{9100000000 + first + index}", name=f"Skola {first + index}", type="basic"
        )
        for index in range(count)
    ]
    for index, school in enumerate(schools):
        for number in range(4):
            birth += timedelta(days=1)
            who = StaffMember.objects.create(
                personal_code=CODES.for_birth_date(birth), first_name="Anna", last_name=f"Liepa{first + index}{number}"
            )
            position = positions["assistant" if number == 3 else "subject_teacher"]
            Employment.objects.create(
                staff_member=who, institution=school, position=position, fte=Decimal("1"), start_date=LONG_AGO
            )
            if number == 0:
                Employment.objects.create(
                    staff_member=who,
                    institution=schools[(index + 1) % count],
                    position=positions["subject_teacher"],
                    fte=Decimal("0.25"),
                    start_date=LONG_AGO,
                )
            if number == 1:
                TrainingRecord.objects.create(
                    staff_member=who, requirement=requirement, completed_on=date(2023, 1, 1), hours=40
                )
        vacancy(school, positions["subject_teacher"], "0.5", published_on=date(2024, 8, 2))


def test_number_of_queries_does_not_grow_with_institutions_and_staff() -> None:
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    build_institutions(2, 0, positions)
    with CaptureQueriesContext(connection) as few:
        small = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    build_institutions(8, 100, positions)
    with CaptureQueriesContext(connection) as many:
        large = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert (len(small["pedagogues_by_institution"]), len(large["pedagogues_by_institution"])) == (2, 10)
    assert (small["pedagogues_total"], large["pedagogues_total"]) == (6, 30)
    assert (small["pedagogues_in_several_institutions"], large["pedagogues_in_several_institutions"]) == (2, 10)
    assert (small["vacancies_count"], large["vacancies_count"]) == (2, 10)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_number_of_queries_of_a_heads_figures_does_not_grow_either() -> None:
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    build_institutions(2, 0, positions)
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=list(Institution.objects.all()))
    people_stats(as_of=AS_OF, visible_to=head)  # the head's scope is read once and kept
    with CaptureQueriesContext(connection) as few:
        people_stats(as_of=AS_OF, visible_to=head)
    build_institutions(8, 100, positions)
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=list(Institution.objects.all()))
    people_stats(as_of=AS_OF, visible_to=head)
    with CaptureQueriesContext(connection) as many:
        large = people_stats(as_of=AS_OF, visible_to=head)
    assert len(large["pedagogues_by_institution"]) == 10
    assert len(many.captured_queries) == len(few.captured_queries)
