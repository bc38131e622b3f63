"""Demonstration data of the courses for teachers (illustrative): two courses of the innovation centre in the autumn
of 2025, "Robotika sākumskolas skolotājiem" (12 hours, four sessions) and "Mikroskopija dabaszinību stundās"
(8 hours, four sessions), each with 15–20 participants (most of them the demo staff of city schools, a few from
the region by name), their attendance (most present at every session, some missing one, a few more) and the
certificates issued, which put the city teachers' hours in their training records."""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from eduboard.centre.models import Module
from eduboard.centre.reference import ensure_reference
from eduboard.core.scope import WHOLE_CITY
from eduboard.courses import services
from eduboard.courses.models import Course, CourseSession
from eduboard.people.models import Employment, StaffMember
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

REGIONAL = [
    ("Inga Kalniņa", "Krāslavas Varavīksnes vidusskola"),
    ("Olga Petrova", "Līvānu 1. vidusskola"),
    ("Māris Vanags", "Preiļu Valsts ģimnāzija"),
    ("Svetlana Ivanova", "Ilūkstes 1. vidusskola"),
]
# code, title, module, hours, places, lecturer, sessions (date, hours, topic), participants (city, regional)
COURSES = [
    (
        "robotika-sakumskolai-2025",
        "Robotika sākumskolas skolotājiem",
        "physics_robotics",
        12,
        20,
        "Dr. Jānis Ozols",
        [
            (date(2025, 10, 7), 3, "Robotu konstruktori sākumskolā"),
            (date(2025, 10, 14), 3, "Programmēšana ar blokiem"),
            (date(2025, 10, 21), 3, "Sensori un uzdevumi"),
            (date(2025, 10, 28), 3, "Projektu darbs un vērtēšana"),
        ],
        (14, 3),
    ),
    (
        "mikroskopija-2025",
        "Mikroskopija dabaszinību stundās",
        "health_genetics",
        8,
        18,
        "Mg. biol. Laura Kalēja",
        [
            (date(2025, 11, 4), 2, "Mikroskopa uzbūve un preparāti"),
            (date(2025, 11, 11), 2, "Šūnas un audi"),
            (date(2025, 11, 18), 2, "Digitālā mikroskopija"),
            (date(2025, 11, 25), 2, "Pētnieciskie darbi skolēniem"),
        ],
        (13, 3),
    ),
]


def _city_teachers(count: int, skip: int) -> list[StaffMember]:
    """Demo staff working today in the city's schools (a different slice for each course)."""
    kinds = {InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM}
    working = Employment.objects.active_on(timezone.localdate()).filter(institution__type__in=kinds)
    rows = StaffMember.objects.filter(pk__in=working.values("staff_member_id")).order_by("pk")
    return list(rows[skip : skip + count])


def load(institutions: dict[str, Institution]) -> None:
    """The two autumn 2025 courses, attended and certified; once (idempotent)."""
    centre = next((i for i in institutions.values() if i.type == InstitutionType.INNOVATION_CENTRE), None)
    if centre is None or Course.objects.filter(code=COURSES[0][0]).exists():
        return
    ensure_reference()
    draw = random.Random(2510)  # noqa: S311  # demonstration data, the same on every machine
    modules = {m.code: m for m in Module.objects.all()}
    for index, (code, title, module, hours, places, lecturer, sessions, (city, regional)) in enumerate(COURSES):
        course = Course(
            centre=centre,
            code=code,
            title=title,
            module=modules.get(module),
            hours=hours,
            starts_on=sessions[0][0],
            ends_on=sessions[-1][0],
            places=places,
            lecturer=lecturer,
            required_percent=75,
        )
        services.course_save(viewer=WHOLE_CITY, course=course, expected_version=None)
        saved = [
            services.course_session_save(
                viewer=WHOLE_CITY, session=CourseSession(course=course, date=day, hours=h, topic=topic)
            )
            for day, h, topic in sessions
        ]
        for teacher in _city_teachers(city, index * city):
            services.participant_register(viewer=WHOLE_CITY, course=course, staff_member=teacher)
        for name, school in REGIONAL[index : index + regional]:
            services.participant_register(viewer=WHOLE_CITY, course=course, name=name, school_name=school, email="")
        people = list(course.participants.values_list("pk", flat=True))
        for session in saved:
            marks = {pk: draw.random() < 0.88 for pk in people}
            services.attendance_record(viewer=WHOLE_CITY, session=session, marks=marks)
        services.certificates_issue(viewer=WHOLE_CITY, course=course, on=sessions[-1][0])
