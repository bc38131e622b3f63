"""Issue 60, point 1: on a deployment of two boards a board's administrator merges duplicate learners within their
board: the merge button is there and the merge is done; a record of the other board is not theirs to merge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.dataquality.services import data_check_run
from eduboard.registry.boards import Board
from eduboard.registry.merge import learner_merge
from eduboard.registry.models import Enrolment, Institution, Learner, Municipality
from tests.dataquality.test_checks import AS_OF, enrol, group, learner
from tests.dataquality.test_duplicates import BORN
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class TwoBoards:
    """Board A with schools A and B, where one child has two records; board B with its school C and its own
    child; and each board's administrator."""

    def __init__(self, make_user: Callable[..., User], school_a: Institution, school_b: Institution) -> None:
        Municipality.objects.create(name="Rēzeknes valstspilsēta")
        call_command("create_board", "--municipality", "Rēzeknes valstspilsēta", "--code", "rezekne", stdout=StringIO())
        self.board_a, self.board_b = Board.objects.order_by("pk")
        assert school_a.board_id == school_b.board_id == self.board_a.pk
        self.school_c = InstitutionFactory(name="Rēzeknes 1. skola", board=self.board_b)
        self.old = learner("Jānis", "Bērziņš", BORN)
        self.new = learner("JANIS", "BERZINS", BORN, code="329999-12345")
        enrol(self.old, group(school_a, level="basic", grade=4, name="4.a"), on=date(2023, 9, 1), left=date(2024, 6, 1))
        enrol(self.new, group(school_b, level="basic", grade=5, name="5.b"), on=date(2024, 9, 2))
        self.in_c = group(self.school_c, level="basic", grade=5, name="5.c")
        self.theirs = learner("Jānis", "Bērziņš", BORN, code="329999-54321")  # board B's child, same name and day
        enrol(self.theirs, self.in_c, on=date(2024, 9, 2))
        self.admin_a = make_user(Role.BOARD_ADMIN)
        self.admin_a.boards.set([self.board_a])
        self.admin_b = make_user(Role.BOARD_ADMIN)
        self.admin_b.boards.set([self.board_b])


@pytest.fixture
def boards(make_user: Callable[..., User], school_a: Institution, school_b: Institution) -> TwoBoards:
    return TwoBoards(make_user, school_a, school_b)


def merge(client: Client, kept: Learner, merged: Learner) -> list[str]:
    done = client.post(reverse("dataquality:duplicates"), {"kept": kept.pk, "merged": merged.pk}, follow=True)
    assert done.status_code == 200
    return [str(message) for message in done.context["messages"]]


def test_a_boards_administrator_merges_duplicates_of_their_board(
    boards: TwoBoards, signed_in: Callable[[User], Client], english: None
) -> None:
    data_check_run(board=boards.board_a, as_of=AS_OF)
    admin = signed_in(boards.admin_a)
    queue = admin.get(reverse("dataquality:duplicates"))
    assert queue.context["can_merge"]
    assert [(pair["this"], pair["other"]) for pair in queue.context["pairs"]] == [(boards.new, boards.old)]
    assert f"Keep {boards.new.masked_code}" in queue.content.decode()  # the merge buttons
    assert merge(admin, boards.new, boards.old) == [f"The records were merged into {boards.new}: 1 rows moved."]
    assert not Learner.objects.filter(pk=boards.old.pk).exists()
    assert admin.get(reverse("dataquality:duplicates")).context["pairs"] == []


def test_a_record_of_the_other_board_is_not_theirs_to_merge(
    boards: TwoBoards, signed_in: Callable[[User], Client], english: None
) -> None:
    admin_a, admin_b = signed_in(boards.admin_a), signed_in(boards.admin_b)
    assert merge(admin_a, boards.new, boards.theirs) == ["Choose two records of yours to merge."]
    assert merge(admin_b, boards.theirs, boards.old) == ["Choose two records of yours to merge."]
    assert merge(admin_b, boards.new, boards.old) == ["Choose two records of yours to merge."]
    with pytest.raises(PermissionDenied):
        learner_merge(kept=boards.new, merged=boards.theirs, viewer=boards.admin_a)
    assert Learner.objects.filter(pk__in=[boards.old.pk, boards.new.pk, boards.theirs.pk]).count() == 3


def test_a_record_that_was_once_in_the_other_board_is_left_to_the_deployments_administrator(
    boards: TwoBoards, signed_in: Callable[[User], Client], english: None
) -> None:
    enrol(boards.old, boards.in_c, on=date(2022, 9, 1), left=date(2023, 6, 1))  # board B's rows of that child
    messages = merge(signed_in(boards.admin_a), boards.new, boards.old)
    assert messages == [
        "One of these records holds an enrolment in another board's institution, which is not yours to change: "
        "the deployment's administrator merges them."
    ]
    assert Learner.objects.filter(pk=boards.old.pk).exists()
    assert Enrolment.objects.filter(learner=boards.old).count() == 2  # nothing moved
