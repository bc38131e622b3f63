"""Demonstration data of the people area: Daugavpils staff and vacancies as seed 002 gives them on 2024-08-19.

`people_stats --as-of 2024-08-19` gives seed 002's figures from these rows: 257 pedagogues in preschools
(13 of them in several institutions), 237 in the preschool programmes of schools (6 in several), 494 in
preschool programmes in all; 831 in the 11 general schools (54 in several); 60 in Saules skola; 62 in
BJC "Jaunība" (of its 120 staff); and the vacancies the seed lists, with their FTE. People are synthetic.
The seed does not say which preschools have the speech-therapist and preschool-teacher vacancies; here
they are at the 4. PII and the Ruģeļu PII.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingAppliesTo,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes, random_birth_date, random_name

AS_OF = date(2024, 8, 19)
PRESCHOOLS = {  # registration number -> weight (its groups)
    "9000000001": 14, "9000000002": 12, "9000000003": 13, "9000000004": 12, "9000000005": 11,
    "9000000006": 13, "9000000007": 12, "9000000008": 12, "9000000009": 12,
}  # fmt: skip
SCHOOLS_WITH_PRESCHOOL_GROUPS = {
    "9000000011": 12,
    "9000000012": 10,
    "9000000013": 26,
    "9000000014": 8,
    "9000000016": 4,
    "9000000015": 35,
}
GENERAL_SCHOOLS = {  # registration number -> weight of its other pedagogues
    "9000000011": 9, "9000000012": 12, "9000000013": 14, "9000000014": 8, "9000000015": 16, "9000000016": 2,
    "9000000017": 6, "9000000018": 5, "9000000019": 6, "9000000024": 10, "9000000025": 9,
}  # fmt: skip
SAULES_SKOLA, JAUNIBA = "9000000021", "9000000031"

PRESCHOOL_PEDAGOGUES, PRESCHOOL_SEVERAL = 257, 13
SCHOOL_PRESCHOOL_PEDAGOGUES, SCHOOL_PRESCHOOL_SEVERAL = 237, 6
GENERAL_PEDAGOGUES, GENERAL_SEVERAL = 831, 54
SAULES_PEDAGOGUES, JAUNIBA_PEDAGOGUES, JAUNIBA_STAFF = 60, 62, 120
SCHOOL_ASSISTANTS = 22  # teacher's assistants: staff, not pedagogues

SUBJECTS = [
    "latviešu valoda", "matemātika", "angļu valoda", "vēsture", "bioloģija", "ķīmija", "fizika", "ģeogrāfija",
    "mūzika", "vizuālā māksla", "sports un veselība", "datorika", "krievu valoda", "sākumskola",
]  # fmt: skip
INTEREST_SUBJECTS = ["tautas dejas", "koris", "robotika", "vizuālā māksla", "teātris", "vokālais ansamblis"]

# Seed 002: vacancies on 19.08.2024 (institution, position, subject, FTE, published on, filled on).
VACANCIES: list[tuple[str, str, str, str, date, date | None]] = [
    ("9000000002", "speech_therapist", "", "0.5", date(2024, 8, 5), None),
    ("9000000001", "preschool_teacher", "", "3.221", date(2024, 8, 5), None),
    ("9000000012", "subject_teacher", "ķīmija", "1", date(2024, 8, 1), None),
    ("9000000012", "subject_teacher", "sākumskola", "1", date(2024, 8, 1), None),
    ("9000000012", "subject_teacher", "fizika", "0.5", date(2024, 8, 1), None),
    ("9000000011", "subject_teacher", "ģeogrāfija", "0.5", date(2024, 8, 2), date(2024, 9, 1)),
    ("9000000011", "subject_teacher", "mūzika", "1", date(2024, 8, 2), date(2024, 9, 1)),
    ("9000000019", "subject_teacher", "matemātika", "1", date(2024, 8, 7), None),
    ("9000000019", "subject_teacher", "angļu valoda", "0.5", date(2024, 8, 7), None),
    ("9000000016", "psychologist", "", "1", date(2024, 8, 9), date(2024, 9, 1)),
    ("9000000018", "subject_teacher", "vizuālā māksla", "0.38", date(2024, 8, 12), None),
]

CHILD_RIGHTS = (
    "Speciālās zināšanas bērnu tiesību aizsardzības jomā",
    "MK 2024. gada 16. aprīļa noteikumi Nr. 241",
)


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """`total` split by weight, the parts adding up exactly (largest remainder)."""
    numbers = list(weights)
    weight_sum = sum(weights.values())
    parts = {n: total * weights[n] // weight_sum for n in numbers}
    order = sorted(numbers, key=lambda n: -(total * weights[n] % weight_sum))
    for number in order[: total - sum(parts.values())]:
        parts[number] += 1
    return parts


def random_staff_member(rng: random.Random, codes: PersonalCodes, *, born: tuple[int, int]) -> StaffMember:
    """An unsaved staff member with a random Latvian name and a unique personal code, born in the years `born`
    (the demonstration's staff, and the benchmarks' synthetic country)."""
    first, last = random_name(rng)
    birth = random_birth_date(rng, rng.randint(*born))
    return StaffMember(personal_code=codes.for_birth_date(birth), first_name=first, last_name=last)


class _Staff:
    """Makes people and their rates in memory, then saves them in bulk."""

    def __init__(self, institutions: dict[str, Institution], positions: dict[str, PositionKind]) -> None:
        self.rng = random.Random(20240819)  # noqa: S311 - reproducible demonstration data
        self.codes = PersonalCodes()
        self.institutions, self.positions = institutions, positions
        self.people: list[StaffMember] = []
        self.rates: list[tuple[int, str, str, str, Decimal]] = []  # person index, institution, position, subject, fte
        self.first_rate: dict[int, tuple[str, str, Decimal]] = {}  # person index -> institution, position, fte

    def person(self) -> int:
        self.people.append(random_staff_member(self.rng, self.codes, born=(1962, 1999)))
        return len(self.people) - 1

    def rate(self, person: int, number: str, position: str, subject: str = "", fte: str = "1") -> None:
        self.rates.append((person, number, position, subject, Decimal(fte)))
        self.first_rate.setdefault(person, (number, position, Decimal(fte)))

    def staff(self, number: str, count: int, position: str, subjects: list[str] | None = None) -> list[int]:
        made = []
        for index in range(count):
            person = self.person()
            subject = subjects[index % len(subjects)] if subjects else ""
            self.rate(person, number, position, subject, self.rng.choice(["1", "1", "1", "0.75", "0.5"]))
            made.append(person)
        return made

    def second_rates(self, people: list[int], among: list[str], first_of: dict[int, str], position: str) -> None:
        """Give each person a second, smaller rate in another institution of `among`."""
        for person in people:
            other = self.rng.choice([n for n in among if n != first_of[person]])
            subject = self.rng.choice(SUBJECTS) if position == "subject_teacher" else ""
            self.rate(person, other, position, subject, self.rng.choice(["0.25", "0.5"]))

    def save(self) -> None:
        StaffMember.objects.bulk_create(self.people, batch_size=500)
        employments = [
            Employment(
                staff_member=self.people[person],
                institution=self.institutions[number],
                position=self.positions[position],
                subject=subject,
                fte=fte,
                start_date=date(self.rng.randint(2005, 2023), 9, 1),
            )
            for person, number, position, subject, fte in self.rates
        ]
        Employment.objects.bulk_create(employments, batch_size=500)


def _load_staff(institutions: dict[str, Institution]) -> None:
    positions = {p.code: p for p in PositionKind.objects.all()}
    build = _Staff(institutions, positions)
    first_of: dict[int, str] = {}

    # Preschools: a head, a deputy and a speech therapist each, the rest preschool teachers.
    preschool_people: list[int] = []
    for number, count in _split(PRESCHOOL_PEDAGOGUES, PRESCHOOLS).items():
        made = build.staff(number, 1, "head") + build.staff(number, 1, "deputy_head")
        made += build.staff(number, 1, "speech_therapist") + build.staff(number, count - 3, "preschool_teacher")
        preschool_people += made
        first_of.update(dict.fromkeys(made, number))
    build.second_rates(preschool_people[2::20][:PRESCHOOL_SEVERAL], list(PRESCHOOLS), first_of, "speech_therapist")

    # Preschool teachers in schools' preschool groups.
    school_preschool: list[int] = []
    for number, count in _split(SCHOOL_PRESCHOOL_PEDAGOGUES, SCHOOLS_WITH_PRESCHOOL_GROUPS).items():
        made = build.staff(number, count, "preschool_teacher")
        school_preschool += made
        first_of.update(dict.fromkeys(made, number))
    build.second_rates(
        school_preschool[5::40][:SCHOOL_PRESCHOOL_SEVERAL],
        list(SCHOOLS_WITH_PRESCHOOL_GROUPS),
        first_of,
        "preschool_teacher",
    )

    # The general schools' other pedagogues: a head, two deputies, a psychologist, subject teachers.
    general_people: list[int] = []
    for number, count in _split(GENERAL_PEDAGOGUES - SCHOOL_PRESCHOOL_PEDAGOGUES, GENERAL_SCHOOLS).items():
        made = build.staff(number, 1, "head") + build.staff(number, 2, "deputy_head")
        made += build.staff(number, 1, "psychologist") + build.staff(number, count - 4, "subject_teacher", SUBJECTS)
        general_people += made
        first_of.update(dict.fromkeys(made, number))
    teachers = [p for p in general_people if build.first_rate[p][1] == "subject_teacher"]
    build.second_rates(
        teachers[3::10][: GENERAL_SEVERAL - SCHOOL_PRESCHOOL_SEVERAL],
        list(GENERAL_SCHOOLS),
        first_of,
        "subject_teacher",
    )
    for number, count in _split(SCHOOL_ASSISTANTS, GENERAL_SCHOOLS).items():
        build.staff(number, count, "assistant")

    # Saules skola and BJC "Jaunība".
    build.staff(SAULES_SKOLA, 1, "head")
    build.staff(
        SAULES_SKOLA, SAULES_PEDAGOGUES - 1, "subject_teacher", ["dizains", "zīmēšana", "keramika", "matemātika"]
    )
    build.staff(JAUNIBA, 1, "head")
    build.staff(JAUNIBA, 3, "deputy_head")
    build.staff(JAUNIBA, JAUNIBA_PEDAGOGUES - 4, "subject_teacher", INTEREST_SUBJECTS)
    build.staff(JAUNIBA, 1, "librarian")
    build.staff(JAUNIBA, JAUNIBA_STAFF - JAUNIBA_PEDAGOGUES - 1, "other")
    # One teacher with a second subject in the same school and more than the usual load (1.75 FTE), so the
    # total-FTE warning has something to show; same school, so the "in several institutions" counts stay.
    busy = next(p for p in teachers[1:] if build.first_rate[p][2] == 1)
    build.rate(busy, build.first_rate[busy][0], "subject_teacher", "astronomija", "0.75")
    build.save()


def child_rights_requirement() -> TrainingRequirement:
    """The child-rights training every pedagogue renews every 5 years (40 hours), created or brought up to date
    (the demonstration, and the benchmarks' synthetic country)."""
    requirement, _created = TrainingRequirement.objects.update_or_create(
        name=CHILD_RIGHTS[0],
        defaults={
            "legal_basis": CHILD_RIGHTS[1],
            "hours": 40,
            "renewal_months": 60,
            "applies_to": TrainingAppliesTo.PEDAGOGICAL,
        },
    )
    return requirement


def _load_training() -> None:
    requirement = child_rights_requirement()
    if TrainingRecord.objects.filter(requirement=requirement).exists():
        return
    rng = random.Random(241)  # noqa: S311 - reproducible demonstration data
    records, qualifications = [], []
    pedagogues = StaffMember.objects.filter(pk__in=Employment.objects.pedagogical().values("staff_member_id")).order_by(
        "pk"
    )
    for index, person in enumerate(pedagogues):
        qualifications.append(
            Qualification(
                staff_member=person,
                title="Pedagoga profesionālā kvalifikācija",
                document=f"Diploms Nr. {100000 + index}",
                issued_on=date(rng.randint(1990, 2020), 6, 20),
            )
        )
        if index % 25 == 0:
            continue  # about 4 % have not done it yet
        year = 2019 if index % 25 == 1 else rng.randint(2020, 2024)  # some done in 2019 expire in 2024
        month = rng.randint(9, 10) if year == 2019 else rng.randint(1, 6)
        records.append(
            TrainingRecord(
                staff_member=person,
                requirement=requirement,
                completed_on=date(year, month, rng.randint(1, 28)),
                hours=40,
                document=f"Apliecība Nr. BT-{index:05d}",
            )
        )
    Qualification.objects.bulk_create(qualifications, batch_size=500)
    TrainingRecord.objects.bulk_create(records, batch_size=500)


def load(institutions: dict[str, Institution]) -> None:
    """Create the demonstration staff once; vacancies and the training requirement are refreshed each time."""
    ensure_standard_positions()
    if not Employment.objects.filter(institution=institutions["9000000011"]).exists():
        _load_staff(institutions)
    positions = {p.code: p for p in PositionKind.objects.all()}
    for number, position, subject, fte, published_on, filled_on in VACANCIES:
        Vacancy.objects.update_or_create(
            institution=institutions[number],
            position=positions[position],
            subject=subject,
            published_on=published_on,
            defaults={"fte": Decimal(fte), "declared_on": date(2024, 7, 25), "filled_on": filled_on},
        )
    _load_training()


def link_head_user(head_user: Any) -> None:
    """The demo head (a user of accounts.demo) is the head (a staff member) of their school, so they see their own
    professional evaluation."""
    employment = (
        Employment.objects.filter(institution__in=head_user.institutions.all(), position__code="head")
        .select_related("staff_member")
        .order_by("pk")
        .first()
    )
    if employment is not None and employment.staff_member.user_id in (None, head_user.pk):
        StaffMember.objects.filter(user=head_user).exclude(pk=employment.staff_member.pk).update(user=None)
        StaffMember.objects.filter(pk=employment.staff_member.pk).update(user=head_user)
