"""The projects pages take their scope from the base views: a head of a school outside a project gets 404 on the
project's page, its forms and its mobilities, exactly as for a missing project; the school's own head opens them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.projects.choices import ensure_standard_programmes
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory
from tests.projects.test_projects import make_project, mobility

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_a_head_of_a_school_outside_the_project_gets_404_on_its_pages(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    ensure_standard_programmes()
    school: Institution = InstitutionFactory(registration_number="9000000011")
    other: Institution = InstitutionFactory(registration_number="9000000015")
    project = make_project("2019-1-TR01-KA201-076605", institutions=(school,))
    trip = mobility(project, date(2020, 3, 1), date(2020, 3, 7))
    pages = [
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/projects/{project.pk}/tranches/",
        f"/projects/{project.pk}/mobilities/new/",
        f"/projects/mobilities/{trip.pk}/edit/",
    ]
    ours = signed_in(make_user(Role.INSTITUTION_HEAD, [school]))
    theirs = signed_in(make_user(Role.INSTITUTION_HEAD, [other]))
    assert [ours.get(url).status_code for url in pages] == [200] * len(pages)
    assert [theirs.get(url).status_code for url in pages] == [404] * len(pages)
    assert [row.pk for row in theirs.get("/projects/").context["object_list"]] == []
    assert [row.pk for row in ours.get("/projects/mobilities/").context["object_list"]] == [trip.pk]
