"""The registry's pages take their scope from the base views: a head of another school gets 404 on a group, a learner,
an institution and a club of ours, exactly as for a missing row; the group page's class list is one bulk read of
children's data in the audit trail, with its row count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Club, Enrolment, Institution
from tests.registry.world import World, build_world
from tests.support.pages import ScopedPages

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def bulk_reads(model: type[Model]) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), additional_data__read="bulk"
        ).order_by("pk")
    )


@pytest.fixture
def world() -> World:
    return build_world(pupils=3)


def test_the_group_page_writes_its_class_list_to_the_audit_trail_once_with_its_row_count(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    page = signed_in(head).get(f"/registry/groups/{world.class_1a.pk}/")
    assert page.status_code == 200 and "Zinātne2" in page.content.decode()
    [entry] = bulk_reads(Enrolment)
    assert (entry.actor, entry.additional_data["rows"]) == (head, 3)
    assert entry.additional_data["path"] == f"/registry/groups/{world.class_1a.pk}/"


def test_a_group_without_learners_leaves_no_bulk_read(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = make_user(Role.BOARD_ADMIN)
    assert signed_in(board).get(f"/registry/groups/{world.preschool_group.pk}/").status_code == 200
    assert bulk_reads(Enrolment) == []


class TestRegistryPages(ScopedPages):
    """A group, a learner, an enrolment's leaving form, an institution and a club of ours."""

    def institutions(self, world: World) -> tuple[Institution, Institution]:
        return world.school, world.other_school

    def pages(self, world: World) -> list[str]:
        club = Club.objects.create(
            institution=world.school, name="Ruģeļi", address="Ruģeļu iela 1", opened_on=date(2024, 1, 1)
        )
        enrolment = Enrolment.objects.filter(group=world.class_1a).select_related("learner").first()
        assert enrolment is not None
        return [
            f"/registry/institutions/{world.school.pk}/",
            f"/registry/groups/{world.class_1a.pk}/",
            f"/registry/learners/{enrolment.learner.pk}/",
            f"/registry/enrolments/{enrolment.pk}/leave/",
            f"/registry/interest/clubs/{club.pk}/",
        ]

    def test_only_the_head_who_saw_the_class_list_left_a_trace(
        self, world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> None:
        ours = make_user(Role.INSTITUTION_HEAD, [world.school])
        theirs = signed_in(make_user(Role.INSTITUTION_HEAD, [world.other_school]))
        assert theirs.get(f"/registry/groups/{world.class_1a.pk}/").status_code == 404
        assert signed_in(ours).get(f"/registry/groups/{world.class_1a.pk}/").status_code == 200
        assert [entry.actor for entry in bulk_reads(Enrolment)] == [ours]


def test_the_institution_list_shows_only_the_heads_own_institution(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world.other_school])
    shown = signed_in(head).get("/registry/institutions/").context["object_list"]
    assert [institution.pk for institution in shown] == [world.other_school.pk]
    assert Institution.objects.count() == 3
