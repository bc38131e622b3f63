"""The demonstration data gives back seed 002's money figures: teaching-aid utilisation on 2024-08-14, the
approved costs per learner, and the inter-municipal settlements of 1 January – 31 August 2024."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.demo import ALL_PRESCHOOLS
from eduboard.finance.models import Allocation, CostRate, Expenditure, MealRule, SettlementLine
from eduboard.finance.selectors import finance_stats, meal_compensation, settlement_summary
from eduboard.registry.models import Institution
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 8, 14)
# Seed 002: (group of institutions, source) -> (allocated, spent by 14.08.2024, utilisation %)
SEED_UTILISATION = {
    ("visas pirmsskolas izglītības iestādes", "state"): ("61716", "3474.93", "5.63"),
    ("visas pirmsskolas izglītības iestādes", "municipal"): ("55755", "13666.90", "24.51"),
    ("visas vispārizglītojošās skolas", "state"): ("348064", "172669.81", "49.61"),
    ("visas vispārizglītojošās skolas", "municipal"): ("135225", "46426.88", "34.33"),
}
SEED_APPROVED = {
    "preschool_day": Decimal("300.18"),
    "preschool_24h": Decimal("474.09"),
    "general": Decimal("93.24"),
    "interest": Decimal("24.23"),
}


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Allocation, Expenditure, CostRate, MealRule, SettlementLine)
    }


@dataclass(frozen=True)
class Demo:
    stats: dict[str, Any]
    settlements: dict[str, Any]
    counts_after_first_load: dict[str, int]
    paid_days_per_learner: Counter[int]
    school_days: int


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read the figures, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    stats = finance_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    settlements = settlement_summary(date_from=date(2024, 1, 1), date_to=date(2024, 8, 31), visible_to=WHOLE_CITY)
    first = counts()
    # a month's meals across the city: every institution's run, each learner-day paid by one of them
    paid: Counter[int] = Counter()
    school_days = 0
    for institution in Institution.objects.all():
        computation = meal_compensation(institution=institution, month=date(2024, 5, 1))
        school_days = computation.school_days["schools"]
        for line in computation.lines:
            paid[line.learner_id] += line.days
    return Demo(stats, settlements, first, paid, school_days)


def test_demo_teaching_aid_allocations_give_seed_002s_utilisation_on_14_august_2024(demo: Demo) -> None:
    rows = {
        (row["recipient"], row["source"]): row
        for row in demo.stats["utilisation_by_allocation"]
        if row["purpose"] == "teaching_aids"
    }
    assert set(rows) == set(SEED_UTILISATION)
    for key, (allocated, spent, utilisation) in SEED_UTILISATION.items():
        row = rows[key]
        assert (row["allocated"], row["spent"], row["utilisation_percent"]) == (
            Decimal(allocated),
            Decimal(spent),
            Decimal(utilisation),
        ), key
        # and the percentage is spent ÷ allocated, rounded half up to 2 places
        computed = (Decimal(spent) * 100 / Decimal(allocated)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert computed == Decimal(utilisation)


def test_demo_spending_after_14_august_does_not_count_on_that_date(demo: Demo) -> None:
    later = finance_stats(
        visible_to=WHOLE_CITY, as_of=date(2024, 8, 31)
    )  # outside the module's data: the demo was rolled back
    assert later["utilisation_by_allocation"] == []
    row = next(
        row
        for row in demo.stats["utilisation_by_allocation"]
        if (row["recipient"], row["source"], row["purpose"]) == (ALL_PRESCHOOLS, "state", "teaching_aids")
    )
    assert row["spent"] == Decimal("3474.93")  # the 15300.00 paid on 27 August is not in it


def test_demo_approved_costs_per_learner_are_seed_002s(demo: Demo) -> None:
    costs = demo.stats["cost_per_learner"]
    assert {kind: figures["approved"] for kind, figures in costs.items()} == SEED_APPROVED


def test_demo_computed_costs_per_learner_are_shown_beside_the_approved_ones(demo: Demo) -> None:
    costs = demo.stats["cost_per_learner"]
    for kind in ("preschool_day", "preschool_24h", "general"):
        figures = costs[kind]
        assert figures["computed"] is not None and figures["learner_months"] > 0
        assert figures["difference"] == figures["computed"] - figures["approved"]


def test_demo_settlements_have_800_learners_coming_in_280_362_158(demo: Demo) -> None:
    incoming = demo.settlements["incoming"]
    assert incoming["learners_by_level"] == {"preschool": 280, "basic": 362, "secondary": 158}
    assert incoming["learners_total"] == 800


def test_demo_settlements_have_684_residents_going_out_116_408_160(demo: Demo) -> None:
    outgoing = demo.settlements["outgoing"]
    assert outgoing["learners_by_level"] == {"preschool": 116, "basic": 408, "secondary": 160}
    assert outgoing["learners_total"] == 684


def test_demo_settlements_give_517142_88_due_and_697246_87_receivable(demo: Demo) -> None:
    assert demo.settlements["due_total"] == Decimal("517142.88")
    assert demo.settlements["receivable_total"] == Decimal("697246.87")
    assert demo.settlements["balance"] == Decimal("697246.87") - Decimal("517142.88")
    by_municipality = demo.settlements["municipalities"]
    assert sum(row["due"] for row in by_municipality) == Decimal("517142.88")
    assert sum(row["receivable"] for row in by_municipality) == Decimal("697246.87")


def test_demo_finance_stats_include_the_years_settlements(demo: Demo) -> None:
    assert demo.stats["settlements"]["incoming"]["learners_total"] == 800
    assert demo.stats["settlements"]["due_total"] == Decimal("517142.88")


def test_demo_meals_of_may_pay_no_learner_for_more_days_than_there_are(demo: Demo) -> None:
    assert demo.paid_days_per_learner, "the demonstration data has compensated meals in May 2024"
    preschool_days = 21  # weekdays of May 2024 without 1 and 6 May (both holidays for everyone)
    assert max(demo.paid_days_per_learner.values()) <= max(demo.school_days, preschool_days)


def test_the_demo_has_seed_002s_settlement_lines(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert demo.counts_after_first_load["SettlementLine"] == 36


def test_demo_finance_data_is_gone_after_the_module(demo: Demo) -> None:
    assert counts() == {"Allocation": 0, "Expenditure": 0, "CostRate": 0, "MealRule": 0, "SettlementLine": 0}
