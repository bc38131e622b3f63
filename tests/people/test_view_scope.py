"""The people pages take their scope from the base views: a head of another school gets 404 on our staff member,
on adding a rate or a training to them, and on our vacancy, exactly as for a missing row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.support.pages import RefusesChanges, ScopedLists

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass
class Staffed:
    school: Institution
    other: Institution
    teacher: PositionKind
    person: StaffMember
    vacancy: Vacancy


@pytest.fixture
def world(school_a: Institution, school_b: Institution) -> Staffed:
    ensure_standard_positions()
    teacher = PositionKind.objects.get(code="subject_teacher")
    person = StaffMember.objects.create(
        personal_code=PersonalCodes().for_birth_date(date(1980, 3, 15)), first_name="Marta", last_name="Manējā"
    )
    Employment.objects.create(
        staff_member=person, institution=school_a, position=teacher, fte=Decimal("1"), start_date=date(2020, 9, 1)
    )
    vacancy = Vacancy.objects.create(
        institution=school_a, position=teacher, subject="ķīmija", fte=Decimal("1"), declared_on=date(2024, 8, 1)
    )
    return Staffed(school_a, school_b, teacher, person, vacancy)


class TestPeoplePages(RefusesChanges, ScopedLists):
    """A head of another school: our staff member, adding a rate to them, our vacancy and publishing it."""

    def institutions(self, world: Staffed) -> tuple[Institution, Institution]:
        return world.school, world.other

    def pages(self, world: Staffed) -> list[str]:
        return [f"/people/staff/{world.person.pk}/", f"/people/vacancies/{world.vacancy.pk}/"]

    def posts(self, world: Staffed) -> list[tuple[str, dict[str, object]]]:
        rate = {"institution": world.other.pk, "position": world.teacher.pk, "fte": "0.5", "start_date": "2024-09-01"}
        return [
            (f"/people/staff/{world.person.pk}/rates/", rate),
            (f"/people/vacancies/{world.vacancy.pk}/publish/", {"version": world.vacancy.version}),
        ]

    def lists(self, world: Staffed) -> dict[str, set[object]]:
        return {"/people/staff/": {world.person.pk}, "/people/vacancies/": {world.vacancy.pk}}

    def state(self, world: Staffed) -> object:
        return (
            list(world.person.employments.values_list("pk", "institution", "fte")),
            Vacancy.objects.get(pk=world.vacancy.pk).published_on,
        )


def test_the_staff_list_shows_a_head_our_staff_member_with_our_rate_only(
    world: Staffed, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    ours = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    staff = ours.get("/people/staff/").context["object_list"]
    assert [(row.pk, [rate.institution_id for rate in row.current]) for row in staff] == [
        (world.person.pk, [world.school.pk])
    ]
