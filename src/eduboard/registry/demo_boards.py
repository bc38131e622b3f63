"""A second board for the demonstration (`load_demo --boards 2`, `make demo BOARDS=2`): Rēzekne's board with a
preschool and a secondary school, their groups and learners, and a learner who moved from a Daugavpils school to a
Rēzekne one during the school year (each board sees the enrolment in its own institution)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.registry.board_services import board_create
from eduboard.registry.boards import Board
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, Programme
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

SECOND_BOARD = "rezekne"
SECOND_MUNICIPALITY = "Rēzeknes valstspilsēta"
YEAR = "2024/2025"
ENROLLED_ON = date(2024, 9, 2)
#: The day the moving learner left Daugavpils and joined the Rēzekne school.
MOVED_ON = date(2025, 1, 6)


@dataclass(frozen=True)
class SecondBoard:
    board: Board
    institutions: list[Institution]
    moved: Learner


#: (registration number, name, type, programme, groups: (name, grade or None, age band, learners))
INSTITUTIONS: list[tuple[str, str, str, str, list[tuple[str, int | None, str, int]]]] = [
    (
        "9100000001",
        "Rēzeknes pilsētas pirmsskolas izglītības iestāde “Varavīksne”",
        InstitutionType.PRESCHOOL,
        "01011111",
        [("Zīles", None, "3-4", 14), ("Bitītes", None, "5-6", 17)],
    ),
    (
        "9100000002",
        "Rēzeknes 1. vidusskola",
        InstitutionType.SECONDARY_SCHOOL,
        "21011111",
        [("1.a", 1, "", 22), ("5.a", 5, "", 24), ("9.a", 9, "", 19)],
    ),
]


def load_second_board() -> SecondBoard:
    """The second board and its data (kept as they are when loaded before)."""
    board = Board.objects.filter(code=SECOND_BOARD).first() or board_create(
        code=SECOND_BOARD,
        municipality=SECOND_MUNICIPALITY,
        names={
            "name": "Rēzeknes valstspilsētas Izglītības pārvalde",
            "council": "Rēzeknes valstspilsētas pašvaldības dome",
            "name_en": "Rēzekne City Education Board",
            "council_en": "Rēzekne State City Council",
            "name_ru": "Управление образования города Резекне",
            "council_ru": "Дума самоуправления государственного города Резекне",
        },
    )
    home = board.municipality or Municipality.objects.get_or_create(name=SECOND_MUNICIPALITY)[0]
    year = school_year_get_or_create(code=YEAR)
    rng = random.Random(41)  # noqa: S311 - reproducible demonstration data, not security
    codes = PersonalCodes()
    codes.used = set(Learner.objects.values_list("personal_code", flat=True))
    institutions = []
    grade_groups: dict[int, Group] = {}
    for number, name, kind, programme_code, groups in INSTITUTIONS:
        institution, created = Institution.objects.get_or_create(
            registration_number=number, defaults={"name": name, "type": kind, "board": board, "address": "Rēzekne"}
        )
        institutions.append(institution)
        if not created:
            continue
        programme = Programme.objects.get(code=programme_code)
        for group_name, grade, band, count in groups:
            group = Group.objects.create(
                institution=institution,
                school_year=year,
                programme=programme,
                name=group_name,
                grade=grade,
                age_band=band,
                capacity=count + 3,
            )
            if grade is not None:
                grade_groups[grade] = group
            birth_year = 2024 - (grade + 6 if grade is not None else int(band[0]))
            for _index in range(count):
                first, last = random_name(rng)
                born = random_birth_date(rng, birth_year)
                learner = Learner.objects.create(
                    personal_code=codes.for_birth_date(born),
                    first_name=first,
                    last_name=last,
                    birth_date=born,
                    declared_municipality=home,
                )
                Enrolment.objects.create(learner=learner, group=group, enrolled_on=ENROLLED_ON)
    return SecondBoard(board, institutions, _moving_learner(grade_groups.get(5)))


def _moving_learner(rezekne_group: Group | None) -> Learner:
    """A fifth-grader of a Daugavpils school who moved to Rēzekne's school on MOVED_ON: one learner, two
    enrolments, one in each board."""
    moved = Learner.objects.filter(first_name="Marta", last_name="Pārcēlāja").first()
    if moved is not None:
        return moved
    daugavpils_group = (
        Group.objects.filter(grade=5, school_year__code=YEAR)
        .exclude(institution__board__code=SECOND_BOARD)
        .order_by("institution__registration_number", "name")
        .first()
    )
    codes = PersonalCodes()
    codes.used = set(Learner.objects.values_list("personal_code", flat=True))
    moved = Learner.objects.create(
        personal_code=codes.for_birth_date(date(2013, 5, 14)),
        first_name="Marta",
        last_name="Pārcēlāja",
        birth_date=date(2013, 5, 14),
        declared_municipality=Municipality.objects.filter(name=SECOND_MUNICIPALITY).first(),
    )
    if daugavpils_group is not None:
        Enrolment.objects.create(learner=moved, group=daugavpils_group, enrolled_on=ENROLLED_ON, left_on=MOVED_ON)
    if rezekne_group is not None:
        Enrolment.objects.create(learner=moved, group=rezekne_group, enrolled_on=MOVED_ON)
    return moved
