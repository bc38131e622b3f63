"""The courses' API (/api/courses/...): courses and participants, read-only, scoped as the pages are. A centre's
staff read their centre's rows (list and detail); another centre's row answers 404 as a missing one; the public and
a role without the permission are refused; a city school's head reads their own teachers' participations; a list's
queries do not grow with its rows; a participant's e-mail and certificate key are never shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.courses.models import Course, Participant
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory
from tests.support.api import CentreAPI, listed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ROUTES = ("courses", "participants")


def course_rows(
    centre: Institution, tag: str, count: int = 1, school: Institution | None = None
) -> dict[str, list[Any]]:
    """`count` courses at `centre`, each with one certified participant (of `school`, when given)."""
    rows: dict[str, list[Any]] = {route: [] for route in ROUTES}
    for n in range(count):
        course = Course.objects.create(
            centre=centre, code=f"{tag}-{n}", title=f"Robotika {tag} {n}", hours=8, starts_on=date(2025, 10, 1 + n),
            ends_on=date(2025, 10, 8 + n), places=20, lecturer="Lektors",
        )  # fmt: skip
        participant = Participant.objects.create(
            course=course, name=f"Inga {tag} {n}", school=school, school_name=school.name if school else "Skola",
            email="inga@example.lv", certificate_number=f"IC-{tag}-{n}", certificate_key=f"secret-key-{tag}-{n}",
            certified_on=date(2025, 10, 8 + n),
        )  # fmt: skip
        rows["courses"].append(course)
        rows["participants"].append(participant)
    return rows


class TestCoursesAPI(CentreAPI):
    """A centre's staff read their centre's courses and participants; the board's analyst reads every centre's."""

    url = "/api/courses/"
    routes = ROUTES

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
        return course_rows(institution, tag, count)

    def test_a_schools_head_reads_their_teachers_participations_not_the_centres_courses(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        school = InstitutionFactory(name="Daugavpils 3. vidusskola")
        theirs = course_rows(institutions[0], "aa", school=school)["participants"][0]
        course_rows(institutions[0], "ab")
        head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
        answer = listed(head, "/api/courses/participants/")
        assert [row["id"] for row in answer] == [theirs.pk]
        assert (answer[0]["course"], answer[0]["school"]) == ("aa-0", school.registration_number)
        assert listed(head, "/api/courses/courses/") == []
        assert listed(head, f"/api/courses/participants/?course={theirs.course_id}&certified=true") == answer
        assert listed(head, "/api/courses/participants/?certified=false") == []

    def test_a_participant_is_shown_without_their_e_mail_and_the_certificates_key(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        participant = course_rows(institutions[0], "aa")["participants"][0]
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        shown = staff.get(f"/api/courses/participants/{participant.pk}/").json()
        assert (shown["name"], shown["certificate_number"], shown["certified_on"]) == (
            "Inga aa 0", "IC-aa-0", "2025-10-08",
        )  # fmt: skip
        answers = f"{shown}{staff.get('/api/courses/participants/').content.decode()}"
        assert "email" not in shown and "inga@example.lv" not in answers
        assert "certificate_key" not in shown and "secret-key" not in answers

    def test_courses_filter_by_year_within_the_dates_the_api_takes_and_sort(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        course_rows(institutions[0], "aa", count=2)
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        assert len(listed(staff, "/api/courses/courses/?year=2025")) == 2
        assert listed(staff, "/api/courses/courses/?year=2026") == []
        assert staff.get("/api/courses/courses/?year=12345").status_code == 400
        codes = [row["code"] for row in listed(staff, "/api/courses/courses/?ordering=starts_on")]
        assert codes == ["aa-0", "aa-1"]
