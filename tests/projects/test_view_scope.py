"""The projects pages take their scope from the base views: a head of a school outside a project gets 404 on the
project's page, its forms and its mobilities, exactly as for a missing project; the school's own head opens them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from eduboard.projects.choices import ensure_standard_programmes
from eduboard.projects.models import Mobility, Project
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory
from tests.projects.test_projects import make_project, mobility
from tests.support.pages import ScopedLists, ScopedPages

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass
class Projects:
    school: Institution
    other: Institution
    project: Project
    trip: Mobility


@pytest.fixture
def world() -> Projects:
    ensure_standard_programmes()
    school: Institution = InstitutionFactory(registration_number="9000000011")
    other: Institution = InstitutionFactory(registration_number="9000000015")
    project = make_project("2019-1-TR01-KA201-076605", institutions=(school,))
    return Projects(school, other, project, mobility(project, date(2020, 3, 1), date(2020, 3, 7)))


class TestProjectPages(ScopedPages, ScopedLists):
    """A head of a school outside a project: the project's page, its forms and its mobilities; the lists of
    projects and mobilities."""

    def institutions(self, world: Projects) -> tuple[Institution, Institution]:
        return world.school, world.other

    def pages(self, world: Projects) -> list[str]:
        project = world.project.pk
        return [
            f"/projects/{project}/",
            f"/projects/{project}/edit/",
            f"/projects/{project}/tranches/",
            f"/projects/{project}/mobilities/new/",
            f"/projects/mobilities/{world.trip.pk}/edit/",
        ]

    def lists(self, world: Projects) -> dict[str, set[object]]:
        return {"/projects/": {world.project.pk}, "/projects/mobilities/": {world.trip.pk}}
