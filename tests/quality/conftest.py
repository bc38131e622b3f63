"""A small world for the quality tests: two schools, a head, two teachers with accounts, a board observer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.quality import selectors, services
from eduboard.quality.defaults import ensure_default_form
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import Observation
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import InstitutionFactory, UserFactory

CODES = PersonalCodes()


@dataclass
class World:
    school: Institution
    other_school: Institution
    head: User
    observer: User
    analyst: User
    anna_user: User
    boris_user: User
    anna: StaffMember
    boris: StaffMember
    carl: StaffMember  # teaches at the other school


def teacher(first: str, last: str, institution: Institution, birth: date, user: User | None = None) -> StaffMember:
    person = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(birth), first_name=first, last_name=last, user=user
    )
    Employment.objects.create(
        staff_member=person,
        institution=institution,
        position=PositionKind.objects.get(code="subject_teacher"),
        fte=1,
        start_date=date(2020, 9, 1),
    )
    return person


@pytest.fixture
def world(db: None) -> World:
    ensure_standard_positions()
    ensure_default_form()
    ensure_frameworks()  # a transactional test before this one emptied the tables the migrations filled
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    anna_user = UserFactory(username="anna", role=Role.INSTITUTION_STAFF, institutions=[school])
    boris_user = UserFactory(username="boris", role=Role.INSTITUTION_STAFF, institutions=[school])
    return World(
        school=school,
        other_school=other,
        head=UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school]),
        observer=UserFactory(username="olga", role=Role.OBSERVER),
        analyst=UserFactory(username="andris", role=Role.BOARD_ANALYST),
        anna_user=anna_user,
        boris_user=boris_user,
        anna=teacher("Anna", "Ozola", school, date(1980, 3, 15), anna_user),
        boris=teacher("Boriss", "Kalns", school, date(1975, 6, 2), boris_user),
        carl=teacher("Kārlis", "Liepa", other, date(1990, 1, 20)),
    )


@pytest.fixture
def observe(world: World) -> Callable[..., Observation]:
    """Record an observation through the service; answers default to "yes" for every criterion."""

    def record(
        *,
        teacher: StaffMember | None = None,
        institution: Institution | None = None,
        on: date = date(2024, 3, 12),
        kind: str = "external",
        subject: str = "Matemātika",
        answers: dict[str, str] | None = None,
        observer: User | None = None,
        **kwargs: Any,
    ) -> Observation:
        form = selectors.form_in_use()
        given = {criterion.code: "yes" for criterion in selectors.form_criteria(form)}
        given.update(answers or {})
        return services.observation_record(
            form=form,
            on=on,
            institution=institution or world.school,
            kind=kind,
            teacher=teacher or world.anna,
            subject=services.subject_get_or_create(name=subject),
            grade="7.b",
            answers=given,
            observer=observer or world.observer,
            **{"viewer": WHOLE_CITY, **kwargs},
        )

    return record
