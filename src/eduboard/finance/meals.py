"""The meal compensation rule in one place, as plain data in and out (no database), so that it can be
tested exhaustively: which rule pays for which learner on which day, and how much each side pays.

A learner-day is compensated at most once: the learner's placements (enrolments) are tried in the order
they began, and for each the rules by rank; the first rule that fits wins the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from eduboard.core.numbers import money
from eduboard.core.periods import Period
from eduboard.registry.rules import ENROLMENT_PERIOD

#: A meal rule is in force from its first day to its last (`valid_until`, none: open); its yearly end apart.
MEAL_RULE_PERIOD = Period("valid_from", "valid_until", end_is_last_day=True)


@dataclass(frozen=True)
class RuleSpec:
    """A meal rule's conditions and amounts (see `finance.models.MealRule`)."""

    id: int
    board_id: int  # a rule is its board's: it pays for learners of that board's institutions
    rank: int
    level: str  # "" = any level
    grade_from: int | None
    grade_to: int | None
    preparatory_year: bool
    special_needs: bool
    large_family: bool
    ukrainian_civilian: bool
    social_assistance: bool
    declared_in_city: bool
    requires_contract: bool
    valid_from: date
    valid_until: date | None
    yearly_until: tuple[int, int] | None  # (month, day) within each school year
    price_per_day: Decimal
    state_per_day: Decimal
    municipal_per_day: Decimal


@dataclass(frozen=True)
class Placement:
    """A learner's enrolment with the facts the rules look at."""

    enrolment_id: int
    learner_id: int
    institution_id: int
    board_id: int  # the institution's board, whose rules apply
    calendar: str  # whose days off apply: "preschools" (preschool groups) or "schools"
    enrolled_on: date
    left_on: date | None  # the first day no longer in the group
    level: str
    grade: int | None
    preparatory_year: bool
    special_needs: bool
    large_family: bool
    ukrainian_civilian: bool
    social_assistance: bool
    declared_in_city: bool  # declared in the municipality of the institution's board (registry.selectors.RESIDENT)

    def active_on(self, day: date) -> bool:
        return ENROLMENT_PERIOD.in_force(self.enrolled_on, self.left_on, day)


def _school_year_position(day: date) -> tuple[int, int]:
    """(month counted from September, day): orders days within a school year."""
    return ((day.month - 9) % 12, day.day)


def rule_covers_day(rule: RuleSpec, day: date) -> bool:
    """Whether `day` lies in the rule's period (valid from/until, and its yearly end)."""
    if not MEAL_RULE_PERIOD.in_force(rule.valid_from, rule.valid_until, day):
        return False
    if rule.yearly_until is not None:
        month, last = rule.yearly_until
        return _school_year_position(day) <= ((month - 9) % 12, last)
    return True


def rule_fits(rule: RuleSpec, placement: Placement, *, has_contract: bool) -> bool:
    """Whether the learner of `placement` is one the rule is for (its period aside): a rule of the institution's
    board whose conditions the learner meets."""
    if rule.board_id != placement.board_id:
        return False
    if rule.level and placement.level != rule.level:
        return False
    if rule.grade_from is not None and (placement.grade is None or placement.grade < rule.grade_from):
        return False
    if rule.grade_to is not None and (placement.grade is None or placement.grade > rule.grade_to):
        return False
    conditions = (
        (rule.preparatory_year, placement.preparatory_year),
        (rule.special_needs, placement.special_needs),
        (rule.large_family, placement.large_family),
        (rule.ukrainian_civilian, placement.ukrainian_civilian),
        (rule.social_assistance, placement.social_assistance),
        (rule.declared_in_city, placement.declared_in_city),
        (rule.requires_contract, has_contract),
    )
    return all(held for required, held in conditions if required)


def days_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def assign_days(
    *,
    placements: Sequence[Placement],
    rules: Sequence[RuleSpec],
    meal_days: Mapping[str, frozenset[date]],
    contracts: Mapping[int, Sequence[tuple[date, date | None]]],
) -> dict[tuple[int, date], tuple[Placement, RuleSpec]]:
    """For every (learner, day) that is compensated: the placement and the rule that pay for it.

    `meal_days` maps a calendar ("preschools", "schools") to the days meals are served in the period;
    `contracts` maps a learner to the periods of their meal contracts (both days included).
    """
    ordered_rules = sorted(rules, key=lambda rule: (rule.rank, rule.id))
    by_learner: dict[int, list[Placement]] = {}
    for placement in placements:
        by_learner.setdefault(placement.learner_id, []).append(placement)
    assigned: dict[tuple[int, date], tuple[Placement, RuleSpec]] = {}
    for learner_id, own in by_learner.items():
        own.sort(key=lambda p: (p.enrolled_on, p.enrolment_id))
        periods = contracts.get(learner_id, ())
        days = sorted(set().union(*(meal_days.get(p.calendar, frozenset()) for p in own)))
        for day in days:
            has_contract = any(start <= day and (end is None or day <= end) for start, end in periods)
            winner = next(
                (
                    (placement, rule)
                    for placement in own
                    if placement.active_on(day) and day in meal_days.get(placement.calendar, frozenset())
                    for rule in ordered_rules
                    if rule_covers_day(rule, day) and rule_fits(rule, placement, has_contract=has_contract)
                ),
                None,
            )
            if winner is not None:
                assigned[(learner_id, day)] = winner
    return assigned


@dataclass(frozen=True)
class Amounts:
    """What `days` days of one rule cost: the total, the state's share and the municipality's share."""

    total: Decimal
    state: Decimal
    municipal: Decimal


def amounts_for(rule: RuleSpec, days: int) -> Amounts:
    """Days × the rule's amounts, in cents (half up). The municipality's share is the total less the
    state's, so the two shares always add up to the total."""
    total = money(rule.price_per_day * days)
    state = money(rule.state_per_day * days)
    return Amounts(total=total, state=state, municipal=total - state)
