"""Issue 41: settlements between two boards of the deployment, computed from the enrolments, the same figures for
both sides, checked against a plain count of the months each crossing learner was enrolled on the first day."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.board_settlements import board_settlements, month_starts
from eduboard.finance.models import CostRate
from eduboard.registry.board_scope import board_viewer
from eduboard.registry.board_services import board_create
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Institution, Municipality
from tests.registry.world import build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FROM, TO = date(2024, 9, 1), date(2025, 5, 31)


FIRSTS = [date(y, m, 1) for y, m in [(2024, 9), (2024, 10), (2024, 11), (2024, 12)] + [(2025, m) for m in range(1, 6)]]


def plain_months(enrolled_on: date, left_on: date | None, year: int | None = None) -> int:
    """Months of the period (of `year` only, when given) whose first day the enrolment holds on (begun by then, not
    left by then)."""
    return sum(enrolled_on <= day and (left_on is None or left_on > day) and year in (None, day.year) for day in FIRSTS)


def test_month_starts_are_the_first_days_within_the_period() -> None:
    assert month_starts(date(2024, 9, 2), date(2024, 12, 1)) == [
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
    ]
    assert month_starts(date(2024, 12, 1), date(2025, 1, 31)) == [date(2024, 12, 1), date(2025, 1, 1)]


def test_learners_of_one_board_in_anothers_school_are_settled_alike_on_both_sides(
    make_user: Callable[..., User],
) -> None:
    world = build_world(pupils=2)
    second = board_create(code="augsdaugava", municipality="Augšdaugavas novads")
    assert second.municipality == world.elsewhere
    rng = random.Random(41)
    for index in range(7):  # residents of the second board learning in the first board's school
        enrolled_on = FROM + timedelta(days=rng.randrange(0, 120))
        left_on = enrolled_on + timedelta(days=rng.randrange(20, 200)) if index % 2 else None
        pupil = learner("Crossing", f"Pupil{index}", date(2016, 1, 1) + timedelta(days=index), world.elsewhere)
        Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=enrolled_on, left_on=left_on)
    # the world's own "other municipality" pupils learn in Centra vidusskola, also the first board's: crossing too
    crossing = list(
        Enrolment.objects.filter(group__in=[world.class_1a, world.other_class]).filter(
            learner__declared_municipality=world.elsewhere
        )
    )
    expected = sum(plain_months(e.enrolled_on, e.left_on) for e in crossing)
    first = Board.objects.get(code="daugavpils")
    CostRate.objects.create(board=first, year=2024, kind="general", monthly_cost=Decimal("100.00"))
    CostRate.objects.create(board=first, year=2025, kind="general", monthly_cost=Decimal("110.00"))
    # the paying board's own cost is not what it is charged: the teaching board's is
    CostRate.objects.create(board=second, year=2024, kind="general", monthly_cost=Decimal("999.00"))
    CostRate.objects.create(board=second, year=2025, kind="general", monthly_cost=Decimal("999.00"))
    amount = sum(
        plain_months(e.enrolled_on, e.left_on, 2024) * Decimal("100.00")
        + plain_months(e.enrolled_on, e.left_on, 2025) * Decimal("110.00")
        for e in crossing
    )

    whole = board_settlements(date_from=FROM, date_to=TO, visible_to=WHOLE_CITY)
    (pair,) = whole["pairs"]
    assert (pair["teaching_board"], pair["paying_board"]) == ("daugavpils", "augsdaugava")
    assert pair["learner_months"] == pair["learner_months_by_level"]["basic"] == expected
    teaching = board_settlements(date_from=FROM, date_to=TO, visible_to=board_viewer(WHOLE_CITY, "daugavpils"))
    paying = board_settlements(date_from=FROM, date_to=TO, visible_to=board_viewer(WHOLE_CITY, "augsdaugava"))
    assert teaching["pairs"] == paying["pairs"] == whole["pairs"]  # the same figures for both sides
    assert Decimal(pair["amount"]) == amount > 0

    third = board_create(code="kraslava", municipality="Krāslavas novads")
    outsider = make_user(Role.BOARD_ANALYST)
    outsider.boards.set([third])
    assert board_settlements(date_from=FROM, date_to=TO, visible_to=outsider)["pairs"] == []


def test_a_learner_of_the_same_board_is_not_settled() -> None:
    world = build_world(pupils=3)
    board_create(code="kraslava", municipality="Krāslavas novads")
    Institution.objects.filter(pk=world.other_school.pk).update(board=Institution.objects.get(pk=world.school.pk).board)
    home_pupils = Enrolment.objects.filter(learner__declared_municipality=world.home).count()
    assert home_pupils == 3
    figures = board_settlements(date_from=FROM, date_to=TO, visible_to=WHOLE_CITY)
    assert figures["pairs"] == []  # Augšdaugava's pupils: their municipality has no board on the deployment
    assert Municipality.objects.filter(board__isnull=False).count() == 2
