"""Finance pages take their scope from the base views: a head of another school gets 404 on our allocation (and on a
group allocation that does not hold their school), exactly as for a missing row. The meal computation lists learners
with their family status: one bulk read of children's data per request in the audit trail, with the number of
learners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.finance.models import InstitutionSet
from eduboard.registry.models import Learner
from tests.finance.world import allocation, base_world, meal_world, spend

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def learner_reads() -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Learner), additional_data__read="bulk"
        ).order_by("pk")
    )


def test_the_meal_page_and_its_xlsx_each_write_one_bulk_read_with_the_number_of_learners(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    meals = meal_world()
    board = make_user(Role.BOARD_ADMIN)
    client = signed_in(board)
    query = {"institution": meals.base.school.pk, "month": "2024-05"}
    assert client.get("/finance/meals/").status_code == 200  # no computation asked: nothing read
    assert learner_reads() == []
    page = client.get("/finance/meals/", query)
    # Anna (grade 2), Pēteris (grade 6 with a contract) and Toms (here from 13 May); Juris has no contract.
    assert len(page.context["computation"].lines) == 3
    [entry] = learner_reads()
    assert (entry.actor, entry.additional_data["rows"], entry.additional_data["path"]) == (board, 3, "/finance/meals/")
    assert client.get("/finance/meals/", {**query, "export": "xlsx"}).status_code == 200
    entries = learner_reads()
    assert len(entries) == 2 and entries[1].additional_data["rows"] == 3
    assert "export=xlsx" in entries[1].additional_data["filter"]


def test_a_head_of_another_school_gets_404_on_our_allocation_and_on_a_group_allocation_without_their_school(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    base = base_world()
    ours = allocation(base, amount="1000.00", source="municipal", institution=base.school)
    spend(ours, date(2024, 2, 1), "100.00", "R-1")
    schools = InstitutionSet.objects.create(name="the two schools")
    schools.members.set([base.school, base.other_school])
    shared = allocation(base, amount="500.00", source="state", institution_set=schools)
    own = signed_in(make_user(Role.INSTITUTION_HEAD, [base.school]))
    other = signed_in(make_user(Role.INSTITUTION_HEAD, [base.other_school]))
    preschool = signed_in(make_user(Role.INSTITUTION_HEAD, [base.preschool]))
    mine, shared_page = f"/finance/allocations/{ours.pk}/", f"/finance/allocations/{shared.pk}/"
    assert (own.get(mine).status_code, own.get(shared_page).status_code) == (200, 200)
    assert (other.get(mine).status_code, other.get(shared_page).status_code) == (404, 200)
    assert (preschool.get(mine).status_code, preschool.get(shared_page).status_code) == (404, 404)
