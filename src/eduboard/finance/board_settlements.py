"""Settlements between two boards of the deployment, computed from the enrolments (issue 41).

When a learner declared in one board's municipality learns in another board's institution, the board that teaches
is owed by the board of the learner's residence. Both boards are on the deployment, so nobody types the lines in:
for each month of the period, the learners counted are those with an enrolment holding on the month's first day
(`EnrolmentQuerySet.holding_on`, the registry's one rule), by level; each (teaching board, paying board) pair is one
computation, so both sides read the same figures. The amount is the learner-months times the approved cost per
learner per month of the year (`CostRate`: preschool day or 24-hour group, general education); a level whose rate
is not kept has no amount (None), never a zero.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from eduboard.core.numbers import money
from eduboard.core.scope import Viewer, WholeCity
from eduboard.finance.choices import CostKind, SettlementLevel
from eduboard.finance.models import CostRate
from eduboard.registry.boards import viewer_boards
from eduboard.registry.choices import GroupKind
from eduboard.registry.models import Enrolment
from eduboard.registry.selectors import CROSSING_BOARDS

LEVELS = list(SettlementLevel.values)


def month_starts(date_from: date, date_to: date) -> list[date]:
    """The first days of the months from `date_from`'s month to `date_to`'s that fall within the period."""
    days, day = [], date(date_from.year, date_from.month, 1)
    while day <= date_to:
        if day >= date_from:
            days.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return days


def _kind(level: str, group_kind: str) -> str:
    if level == SettlementLevel.PRESCHOOL:
        return CostKind.PRESCHOOL_24H if group_kind == GroupKind.TWENTY_FOUR_HOUR else CostKind.PRESCHOOL_DAY
    return CostKind.GENERAL


def _viewer_boards(viewer: Viewer) -> set[int] | None:
    """The boards whose settlements the viewer reads (None: every board): the boards it works for
    (`boards.viewer_boards`), when it acts for a board (settlements are no institution's business)."""
    mine = viewer_boards(viewer)
    if isinstance(viewer, WholeCity) or getattr(viewer, "is_superuser", False):
        return mine
    if not getattr(viewer, "sees_all_institutions", False):
        return set()
    return mine


def board_settlements(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """Each pair of boards with learners of one learning in the other's institutions: learner-months by level and
    the amount, for the pairs the viewer's boards are a side of. One query per month and one for the rates."""
    mine = _viewer_boards(visible_to)
    months: dict[tuple[str, str, str, str, int], int] = defaultdict(int)
    for day in month_starts(date_from, date_to):
        rows = (
            Enrolment.objects.holding_on(day)
            .filter(CROSSING_BOARDS, group__programme__level__in=LEVELS)
            .values_list(
                "group__institution__board__code",
                "learner__declared_municipality__board__code",
                "group__programme__level",
                "group__kind",
            )
            .annotate(n=Count("learner_id", distinct=True))
            .order_by()
        )
        if mine is not None:
            rows = rows.filter(
                Q(group__institution__board__in=mine) | Q(learner__declared_municipality__board__in=mine)
            )
        for teaching, paying, level, group_kind, count in rows:
            months[teaching, paying, level, group_kind, day.year] += count
    # Each board charges its approved cost per learner (CostRate is the teaching board's data).
    rates: dict[tuple[str, int, str], Decimal] = {
        (board, year, kind): cost
        for board, year, kind, cost in CostRate.objects.values_list("board__code", "year", "kind", "monthly_cost")
    }
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for (teaching, paying, level, group_kind, year), learner_months in sorted(months.items()):
        pair = pairs.setdefault(
            (teaching, paying),
            {
                "teaching_board": teaching,
                "paying_board": paying,
                "learner_months_by_level": dict.fromkeys(LEVELS, 0),
                "learner_months": 0,
                "amount": Decimal(0),
                "amount_complete": True,
            },
        )
        pair["learner_months_by_level"][level] += learner_months
        pair["learner_months"] += learner_months
        rate = rates.get((teaching, year, _kind(level, group_kind)))
        if rate is None:
            pair["amount_complete"] = False
        else:
            pair["amount"] += rate * learner_months
    for pair in pairs.values():
        pair["amount"] = money(pair["amount"]) if pair["amount_complete"] else None
        del pair["amount_complete"]
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "pairs": list(pairs.values())}
