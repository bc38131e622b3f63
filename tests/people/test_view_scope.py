"""The people pages take their scope from the base views: a head of another school gets 404 on our staff member,
on adding a rate or a training to them, and on our vacancy, exactly as for a missing row."""

from __future__ import annotations

from collections.abc import Callable
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

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_a_head_of_another_school_gets_404_on_our_staff_and_vacancies(
    school_a: Institution,
    school_b: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
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
    ours = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    theirs = signed_in(make_user(Role.INSTITUTION_HEAD, [school_b]))
    pages = [f"/people/staff/{person.pk}/", f"/people/vacancies/{vacancy.pk}/"]
    assert [ours.get(url).status_code for url in pages] == [200, 200]
    assert [theirs.get(url).status_code for url in pages] == [404, 404]
    rate = {"institution": school_b.pk, "position": teacher.pk, "fte": "0.5", "start_date": "2024-09-01"}
    assert theirs.post(f"/people/staff/{person.pk}/rates/", rate).status_code == 404
    assert theirs.post(f"/people/vacancies/{vacancy.pk}/publish/", {"version": vacancy.version}).status_code == 404
    assert person.employments.count() == 1 and Vacancy.objects.get(pk=vacancy.pk).published_on is None
    staff = ours.get("/people/staff/").context["object_list"]
    assert [(row.pk, [rate.institution_id for rate in row.current]) for row in staff] == [(person.pk, [school_a.pk])]
