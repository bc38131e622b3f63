"""A small registry world for page, API and queue tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Municipality, PriorityGround, Programme
from eduboard.registry.synthetic import PersonalCodes

CODES = PersonalCodes()


@dataclass
class World:
    school: Institution
    other_school: Institution
    preschool: Institution
    class_1a: Group
    other_class: Group
    preschool_group: Group
    home: Municipality
    elsewhere: Municipality


def learner(first: str, last: str, birth: date, municipality: Municipality | None = None) -> Learner:
    return Learner.objects.create(
        personal_code=CODES.for_birth_date(birth),
        first_name=first,
        last_name=last,
        birth_date=birth,
        declared_municipality=municipality,
    )


def build_world(*, pupils: int = 3) -> World:
    """Two schools and a preschool of 2024/2025, with a few learners each."""
    year = school_year_get_or_create(code="2024/2025")
    home = Municipality.objects.create(name="Daugavpils", is_home=True)
    elsewhere = Municipality.objects.create(name="Augšdaugavas novads")
    basic = Programme.objects.create(code="21011111", name="Pamatizglītības programma", level="basic")
    preschool_programme = Programme.objects.create(code="01011111", name="Pirmsskolas programma", level="preschool")
    school = Institution.objects.create(name="Zinātņu vidusskola", type="secondary", registration_number="9000000011")
    other = Institution.objects.create(name="Centra vidusskola", type="secondary", registration_number="9000000015")
    preschool = Institution.objects.create(name="Ruģeļu PII", type="preschool", registration_number="9000000001")
    class_1a = Group.objects.create(institution=school, school_year=year, programme=basic, name="1.a", grade=1)
    other_class = Group.objects.create(institution=other, school_year=year, programme=basic, name="1.b", grade=1)
    preschool_group = Group.objects.create(
        institution=preschool, school_year=year, programme=preschool_programme, name="Bitītes", capacity=2
    )
    for index in range(pupils):
        pupil = learner("Anna", f"Zinātne{index}", date(2017, 3, 1) + timedelta(days=index), home)
        Enrolment.objects.create(learner=pupil, group=class_1a, enrolled_on=date(2024, 9, 1))
        other_pupil = learner("Ivans", f"Centrs{index}", date(2017, 5, 1) + timedelta(days=index), elsewhere)
        Enrolment.objects.create(learner=other_pupil, group=other_class, enrolled_on=date(2024, 9, 1))
    PriorityGround.objects.create(code="sibling", name="Brālis vai māsa", rank=1)
    PriorityGround.objects.create(code="large_family", name="Daudzbērnu ģimene", rank=2)
    return World(school, other, preschool, class_1a, other_class, preschool_group, home, elsewhere)
