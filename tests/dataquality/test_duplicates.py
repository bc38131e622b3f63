"""One child, one record (issue 43, point 3): the board's review queue of duplicate candidates and the merge that
moves every row of the merged record to the kept one in one transaction, audited, refused when the two records
hold what cannot both be true of one child."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.dataquality.models import DataIssue
from eduboard.dataquality.services import data_check_run
from eduboard.prevention.models import Absence
from eduboard.registry.boards import Board
from eduboard.registry.merge import learner_merge
from eduboard.registry.models import Enrolment, Institution, Learner
from tests.dataquality.test_checks import AS_OF, enrol, group, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

BORN = date(2014, 6, 1)


@pytest.fixture
def twins(school_a: Institution, school_b: Institution) -> tuple[Learner, Learner]:
    """One child twice: an old-format record at school A until the summer, a new-format one at school B since."""
    old = learner("Jānis", "Bērziņš", BORN)
    new = learner("JANIS", "BERZINS", BORN, code="329999-12345")
    enrol(old, group(school_a, level="basic", grade=4, name="4.a"), on=date(2023, 9, 1), left=date(2024, 6, 1))
    Absence.objects.create(learner=old, institution=school_a, date=date(2024, 3, 4), lessons=2, excused=False)
    enrol(new, group(school_b, level="basic", grade=5, name="5.b"), on=date(2024, 9, 2))
    return old, new


def test_a_merge_moves_every_row_to_the_kept_record_and_deletes_the_other(twins: tuple[Learner, Learner]) -> None:
    old, new = twins
    moved = learner_merge(kept=new, merged=old, viewer=WHOLE_CITY)
    assert moved == {"registry.Enrolment": 1, "prevention.Absence": 1}
    assert not Learner.objects.filter(pk=old.pk).exists()
    assert Enrolment.objects.filter(learner=new).count() == 2
    assert Absence.objects.get().learner_id == new.pk
    entry = LogEntry.objects.filter(object_pk=str(new.pk)).latest("pk")
    assert f"merged learner {old.pk}" in str(entry.additional_data or entry.changes)


def test_a_merge_is_refused_when_the_records_cannot_be_one_child(
    twins: tuple[Learner, Learner], school_a: Institution
) -> None:
    old, new = twins
    other_birthday = learner("Jānis", "Bērziņš", date(2014, 6, 2))
    with pytest.raises(ValidationError) as refused:
        learner_merge(kept=old, merged=other_birthday, viewer=WHOLE_CITY)
    assert refused.value.code == "different_birth_dates"
    # both at school in two institutions on the same days: not one child
    enrol(old, group(school_a, level="basic", grade=5, name="5.a"), on=date(2024, 9, 2))
    with pytest.raises(ValidationError) as refused:
        learner_merge(kept=new, merged=old, viewer=WHOLE_CITY)
    assert refused.value.code == "at_two_schools_at_once"
    assert Learner.objects.filter(pk=old.pk).exists()
    assert Enrolment.objects.filter(learner=old).count() == 2  # nothing moved


def test_a_merge_that_would_repeat_a_row_is_refused_and_changes_nothing(
    twins: tuple[Learner, Learner], school_b: Institution
) -> None:
    old, new = twins
    five_b = Enrolment.objects.get(learner=new).group
    enrol(old, five_b, on=date(2024, 9, 2))  # the same group: the same enrolment twice
    with pytest.raises(ValidationError) as refused:
        learner_merge(kept=new, merged=old, viewer=WHOLE_CITY)
    assert refused.value.code == "same_row_twice"
    assert Enrolment.objects.filter(learner=old).count() == 2 and Absence.objects.get().learner_id == old.pk


def test_only_the_board_merges(
    twins: tuple[Learner, Learner], make_user: Callable[..., User], school_b: Institution
) -> None:
    old, new = twins
    with pytest.raises(PermissionDenied):
        learner_merge(kept=new, merged=old, viewer=make_user(Role.INSTITUTION_HEAD, [school_b]))
    with pytest.raises(PermissionDenied):
        learner_merge(kept=new, merged=old, viewer=make_user(Role.BOARD_ANALYST))


def test_the_board_reviews_the_candidates_and_merges_one_pair(
    twins: tuple[Learner, Learner],
    school_a: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    english: None,
) -> None:
    old, new = twins
    data_check_run(board=Board.objects.get(pk=school_a.board_id), as_of=AS_OF)
    assert DataIssue.objects.filter(rule="duplicate_learner").count() == 1
    analyst = signed_in(make_user(Role.BOARD_ANALYST))
    queue = analyst.get(reverse("dataquality:duplicates"))
    assert [(pair["this"], pair["other"]) for pair in queue.context["pairs"]] == [(new, old)]
    assert not queue.context["can_merge"]
    assert analyst.post(reverse("dataquality:duplicates"), {"kept": new.pk, "merged": old.pk}).status_code == 403
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    done = admin.post(reverse("dataquality:duplicates"), {"kept": new.pk, "merged": old.pk}, follow=True)
    assert [str(message) for message in done.context["messages"]] == [
        f"The records were merged into {new}: 2 rows moved."
    ]
    assert not Learner.objects.filter(pk=old.pk).exists()
    assert not DataIssue.objects.filter(rule="duplicate_learner").exists()
    assert admin.get(reverse("dataquality:duplicates")).context["pairs"] == []
