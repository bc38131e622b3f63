"""The prevention pages take their scope from the base views: a head of another school gets 404 on our learner's
case, as for a missing learner; the risk list (learners at risk, named for the support team, unnamed for the
board) is one bulk read of children's data in the audit trail, with the number of learners listed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.prevention.models import RiskRule
from eduboard.registry.board_data import default_board
from eduboard.registry.models import Institution, Learner
from tests.factories import InstitutionFactory
from tests.prevention.test_prevention import AS_OF, absent, pupil
from tests.support.pages import ScopedPages

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def learner_reads() -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Learner), additional_data__read="bulk"
        ).order_by("pk")
    )


@pytest.fixture
def world(db: None) -> dict[str, object]:
    """Two of our pupils at risk (20 unexcused lessons in a month), one who is not, and one of another school."""
    for code, threshold in {"unexcused_absences": 20, "insufficient_grades": 2}.items():
        RiskRule.objects.get_or_create(board=default_board(), code=code, defaults={"threshold": threshold})
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    other = InstitutionFactory(name="Centra vidusskola", registration_number="9000000015", type="secondary")
    first, second, fine, theirs = pupil(school, 1), pupil(school, 2), pupil(school, 3), pupil(other, 4)
    absent(first, school, [(date(2025, 2, 3), 20)])
    absent(second, school, [(date(2025, 2, 3), 12), (date(2025, 2, 4), 13)])
    absent(fine, school, [(date(2025, 2, 3), 5)])
    absent(theirs, other, [(date(2025, 2, 3), 20)])
    return {"school": school, "other": other, "first": first, "theirs": theirs}


def test_the_risk_list_writes_one_bulk_read_with_the_number_of_learners_at_risk(
    world: dict, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    school = world["school"]
    head = make_user(Role.INSTITUTION_HEAD, [school])
    page = signed_in(head).get("/prevention/risk/", {"institution": school.pk, "as_of": AS_OF})
    assert len(page.context["rows"]) == 2
    [entry] = learner_reads()
    assert (entry.actor, entry.additional_data["rows"], entry.additional_data["path"]) == (head, 2, "/prevention/risk/")


def test_the_boards_unnamed_rows_are_audited_too_and_an_empty_list_is_not(
    world: dict, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    board = signed_in(analyst)
    assert board.get("/prevention/risk/", {"as_of": AS_OF}).context["rows"] == []  # no institution chosen yet
    assert learner_reads() == []
    board.get("/prevention/risk/", {"institution": world["other"].pk, "as_of": AS_OF})
    [entry] = learner_reads()
    assert (entry.actor, entry.additional_data["rows"]) == (analyst, 1)


class TestPreventionPages(ScopedPages):
    """A head of another school: our learner's case, as for a missing learner."""

    def institutions(self, world: dict[str, Any]) -> tuple[Institution, Institution]:
        return world["school"], world["other"]

    def pages(self, world: dict[str, Any]) -> list[str]:
        return [f"/prevention/learners/{world['first'].pk}/"]
