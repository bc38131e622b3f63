"""A centre with a course whose certificates are issued and a competition whose robots passed the check; the
private keys in this test's own temporary directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.competitions import services as competition_services
from eduboard.competitions.models import Competition, Discipline, RobotCheck, Team
from eduboard.competitions.reference import ensure_reference
from eduboard.core.scope import WHOLE_CITY
from eduboard.courses import services as course_services
from eduboard.courses.models import Course, CourseSession, Participant
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture(autouse=True)
def keys_dir(settings: Any, tmp_path: Path) -> Path:
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "credential-keys"
    settings.CREDENTIAL_BASE_URL = "https://eduboard.example.lv"
    return Path(settings.CREDENTIAL_KEYS_DIR)


@dataclass
class World:
    centre: Institution
    staff: User
    stranger: User
    course: Course
    certified: list[Participant]
    competition: Competition
    teams: list[Team]


def _course(centre: Institution, staff: User) -> tuple[Course, list[Participant]]:
    start = date(2025, 10, 7)
    course = Course(
        centre=centre, code="robotika-2025", title="Robotika sākumskolas skolotājiem", hours=12, starts_on=start,
        ends_on=start + timedelta(days=14), places=20, lecturer="Dr. Jānis Ozols",
    )  # fmt: skip
    course_services.course_save(viewer=staff, course=course, expected_version=None)
    for week in range(3):
        course_services.course_session_save(
            viewer=staff, session=CourseSession(course=course, date=start + timedelta(days=7 * week), hours=4)
        )
    people = [
        course_services.participant_register(viewer=staff, course=course, name=name, school_name="Krāslavas vsk.")
        for name in ("Anna Liepa", "Boriss Petrovs", "Eva Kalna")
    ]
    for session in course.sessions.all():
        course_services.attendance_record(
            viewer=staff, session=session, marks={p.pk: p.name != "Eva Kalna" for p in people}
        )
    certified = course_services.certificates_issue(viewer=staff, course=course, on=date(2025, 10, 21))
    return course, certified


def _competition(centre: Institution) -> tuple[Competition, list[Team]]:
    ensure_reference()
    competition = Competition.objects.create(
        centre=centre, code="robo-2025", title_lv="Robotikas čempionāts", date=date(2025, 11, 15),
        place="Inovāciju centrs", published=True,
    )  # fmt: skip
    discipline = Discipline.objects.get(code="line_follower")
    competition.disciplines.set([discipline])
    teams = [
        Team.objects.create(
            competition=competition,
            discipline=discipline,
            name=f"Komanda {n}",
            school_name="Skola",
            members=[{"name": "Anna", "age": 12}, {"name": "Jānis", "age": 13}, {"age": 11}],
            robot=f"R{n}",
            coach_email=f"c{n}@example.lv",
            robot_check=RobotCheck.PASSED if n < 3 else RobotCheck.FAILED,
        )
        for n in (1, 2, 3)
    ]
    # Its results are final: every checked robot ran its three runs (the credentials wait for final results).
    for index, team in enumerate(teams[:2], 1):  # the first team the faster
        for number in range(1, discipline.attempts + 1):
            competition_services.attempt_record(
                viewer=WHOLE_CITY, team_id=team.pk, number=number, time_ms=14_000 * index + number
            )
    return competition, teams


@pytest.fixture
def world(db: None) -> World:
    centre = InstitutionFactory(name="Daugavpils Inovāciju centrs", type="innovation_centre")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    stranger = UserFactory(
        role=Role.CENTRE_STAFF, institutions=[InstitutionFactory(name="Cits centrs", type="innovation_centre")]
    )
    course, certified = _course(centre, staff)
    competition, teams = _competition(centre)
    return World(centre, staff, stranger, course, certified, competition, teams)
