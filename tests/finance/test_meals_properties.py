"""Property-based tests of the meal rules on the pure engine (`eduboard.finance.meals`), no database.

The shares of the state and the municipality add up to what is paid; a learner is never paid twice for a
day, however many placements they hold; and changing a rule's period changes only the days inside the change.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.finance.meals import Placement, RuleSpec, amounts_for, assign_days, rule_covers_day, rule_fits

pytestmark = pytest.mark.one_database

EXAMPLES = settings(max_examples=150, deadline=None)
WORLD_EXAMPLES = settings(max_examples=100, deadline=None)  # worlds of learners are dearer to draw
CENT = Decimal("0.01")

# A window across the end of May and the start of a school year, so yearly ends and new years both occur.
FIRST_DAY = date(2024, 5, 20)
LAST_DAY = date(2024, 9, 10)
WINDOW = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
CALENDARS = ("schools", "preschools")
LEVELS = ("preschool", "basic", "secondary")

days_in_window = st.sampled_from(WINDOW)
per_day = st.integers(min_value=0, max_value=9999).map(lambda n: Decimal(n).scaleb(-3))  # 0.000 … 9.999


@st.composite
def rules(draw: st.DrawFn, rule_id: int | None = None) -> RuleSpec:
    state = draw(per_day)
    municipal = draw(per_day)
    grade_from = draw(st.none() | st.integers(1, 12))
    grade_to = draw(st.none() | st.integers(grade_from or 1, 12))
    valid_from = draw(days_in_window)
    valid_until = draw(st.none() | st.sampled_from([d for d in WINDOW if d >= valid_from]))
    return RuleSpec(
        id=rule_id if rule_id is not None else draw(st.integers(1, 10_000)),
        board_id=1,
        rank=draw(st.integers(1, 5)),
        level=draw(st.sampled_from(("", *LEVELS))),
        grade_from=grade_from,
        grade_to=grade_to,
        preparatory_year=draw(st.booleans()),
        special_needs=draw(st.booleans()),
        large_family=draw(st.booleans()),
        ukrainian_civilian=draw(st.booleans()),
        social_assistance=draw(st.booleans()),
        declared_in_city=draw(st.booleans()),
        requires_contract=draw(st.booleans()),
        valid_from=valid_from,
        valid_until=valid_until,
        yearly_until=draw(st.none() | st.sampled_from([(5, 31), (6, 15), (12, 31), (8, 31), (9, 5)])),
        price_per_day=state + municipal,
        state_per_day=state,
        municipal_per_day=municipal,
    )


@st.composite
def rule_sets(draw: st.DrawFn) -> list[RuleSpec]:
    count = draw(st.integers(1, 5))
    return [draw(rules(rule_id=index + 1)) for index in range(count)]


@st.composite
def placements_of(draw: st.DrawFn, learner_id: int, first_enrolment_id: int) -> list[Placement]:
    """One learner's 1–3 placements, each in another institution, possibly overlapping in time."""
    count = draw(st.integers(1, 3))
    institutions = draw(st.lists(st.integers(1, 6), min_size=count, max_size=count, unique=True))
    flags = {
        name: draw(st.booleans())
        for name in ("special_needs", "large_family", "ukrainian_civilian", "social_assistance", "declared_in_city")
    }
    result = []
    for index, institution_id in enumerate(institutions):
        enrolled_on = draw(st.sampled_from([date(2024, 5, 1), *WINDOW]))
        left_on = draw(st.none() | st.sampled_from([d for d in WINDOW if d > enrolled_on] or [LAST_DAY]))
        level = draw(st.sampled_from(LEVELS))
        result.append(
            Placement(
                enrolment_id=first_enrolment_id + index,
                learner_id=learner_id,
                institution_id=institution_id,
                board_id=1,
                calendar="preschools" if level == "preschool" else "schools",
                enrolled_on=enrolled_on,
                left_on=left_on,
                level=level,
                grade=None if level == "preschool" else draw(st.integers(1, 12)),
                preparatory_year=level == "preschool" and draw(st.booleans()),
                **flags,
            )
        )
    return result


@st.composite
def worlds(
    draw: st.DrawFn,
) -> tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]]:
    learners = draw(st.integers(1, 4))
    placements: list[Placement] = []
    for learner_id in range(1, learners + 1):
        placements += draw(placements_of(learner_id, learner_id * 10))
    meal_days = {
        calendar: frozenset(draw(st.sets(days_in_window, max_size=40)) | {d for d in WINDOW if d.weekday() == 2})
        for calendar in CALENDARS
    }
    contracts: dict[int, list[tuple[date, date | None]]] = {}
    for learner_id in range(1, learners + 1):
        if draw(st.booleans()):
            start = draw(days_in_window)
            contracts[learner_id] = [(start, draw(st.none() | st.sampled_from([d for d in WINDOW if d >= start])))]
    return placements, meal_days, contracts


def has_contract_on(contracts: dict[int, list[tuple[date, date | None]]], learner_id: int, day: date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in contracts.get(learner_id, []))


# --- (a) the shares add up


@EXAMPLES
@given(rule=rules(), days=st.integers(min_value=0, max_value=400))
def test_state_and_municipal_shares_add_up_to_the_total_for_any_days_and_any_shares(rule: RuleSpec, days: int) -> None:
    amounts = amounts_for(rule, days)
    assert amounts.state + amounts.municipal == amounts.total
    assert amounts.total == (rule.price_per_day * days).quantize(CENT, rounding=ROUND_HALF_UP)
    assert amounts.state == (rule.state_per_day * days).quantize(CENT, rounding=ROUND_HALF_UP)


@EXAMPLES
@given(rule=rules(), days=st.integers(min_value=0, max_value=400))
def test_each_share_is_within_a_cent_of_its_exact_value_and_never_negative(rule: RuleSpec, days: int) -> None:
    amounts = amounts_for(rule, days)
    assert amounts.state >= 0 and amounts.municipal >= 0
    assert abs(amounts.municipal - rule.municipal_per_day * days) <= CENT
    assert all(value == value.quantize(CENT) for value in (amounts.total, amounts.state, amounts.municipal))


@EXAMPLES
@given(days=st.integers(min_value=0, max_value=400))
def test_grades_1_to_4_lunch_of_3_09_is_split_between_state_and_municipality(days: int) -> None:
    lunch = RuleSpec(
        id=1, board_id=1, rank=20, level="basic", grade_from=1, grade_to=4, preparatory_year=False, special_needs=False,
        large_family=False, ukrainian_civilian=False, social_assistance=False, declared_in_city=False,
        requires_contract=False,
        valid_from=date(2023, 9, 1), valid_until=None, yearly_until=None, price_per_day=Decimal("3.090"),
        state_per_day=Decimal("1.545"), municipal_per_day=Decimal("1.545"),
    )  # fmt: skip
    amounts = amounts_for(lunch, days)
    assert amounts.total == Decimal("3.09") * days
    assert amounts.state + amounts.municipal == amounts.total
    if days % 2 == 0:  # an even number of days splits exactly in halves
        assert amounts.state == amounts.municipal == Decimal("1.545") * days


def test_amounts_are_decimals_never_floats() -> None:
    rule = _plain_rule(price_per_day=Decimal("1.550"), state_per_day=Decimal(0), municipal_per_day=Decimal("1.550"))
    amounts = amounts_for(rule, 10)
    assert (amounts.total, amounts.state, amounts.municipal) == (Decimal("15.50"), Decimal(0), Decimal("15.50"))
    assert all(isinstance(value, Decimal) for value in (amounts.total, amounts.state, amounts.municipal))


def _plain_rule(**changes: object) -> RuleSpec:
    base = RuleSpec(
        id=1, board_id=1, rank=1, level="", grade_from=None, grade_to=None, preparatory_year=False, special_needs=False,
        large_family=False, ukrainian_civilian=False, social_assistance=False, declared_in_city=False,
        requires_contract=False,
        valid_from=date(2023, 9, 1), valid_until=None, yearly_until=None, price_per_day=Decimal("2.500"),
        state_per_day=Decimal(0), municipal_per_day=Decimal("2.500"),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


# --- (b) never paid twice for one day


@WORLD_EXAMPLES
@given(world=worlds(), rule_list=rule_sets())
def test_no_learner_is_compensated_twice_for_a_day_even_with_overlapping_placements(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    rule_list: list[RuleSpec],
) -> None:
    placements, meal_days, contracts = world
    assigned = assign_days(placements=placements, rules=rule_list, meal_days=meal_days, contracts=contracts)
    # each institution counts the days its own placements won, as the monthly computation does
    per_institution: Counter[tuple[int, int]] = Counter()
    for (learner_id, day), (placement, rule) in assigned.items():
        assert placement.learner_id == learner_id
        assert placement.active_on(day) and day in meal_days[placement.calendar]
        assert rule_covers_day(rule, day)
        assert rule_fits(rule, placement, has_contract=has_contract_on(contracts, learner_id, day))
        per_institution[(learner_id, placement.institution_id)] += 1
    for learner_id in {p.learner_id for p in placements}:
        own = [p for p in placements if p.learner_id == learner_id]
        meal_days_of_learner = {
            day for p in own for day in meal_days[p.calendar] if p.active_on(day)
        }  # days they could eat anywhere
        paid = sum(days for (who, _institution), days in per_institution.items() if who == learner_id)
        assert paid == sum(1 for (who, _day) in assigned if who == learner_id)
        assert paid <= len(meal_days_of_learner)


@WORLD_EXAMPLES
@given(world=worlds(), rule_list=rule_sets())
def test_the_first_placement_and_the_lowest_ranked_rule_that_fit_pay_for_the_day_and_no_fitting_day_is_lost(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    rule_list: list[RuleSpec],
) -> None:
    placements, meal_days, contracts = world
    assigned = assign_days(placements=placements, rules=rule_list, meal_days=meal_days, contracts=contracts)
    ordered_rules = sorted(rule_list, key=lambda r: (r.rank, r.id))
    for learner_id in {p.learner_id for p in placements}:
        own = sorted(
            (p for p in placements if p.learner_id == learner_id), key=lambda p: (p.enrolled_on, p.enrolment_id)
        )
        for day in WINDOW:
            contract = has_contract_on(contracts, learner_id, day)
            fitting = [
                (p, r)
                for p in own
                if p.active_on(day) and day in meal_days[p.calendar]
                for r in ordered_rules
                if rule_covers_day(r, day) and rule_fits(r, p, has_contract=contract)
            ]
            assert assigned.get((learner_id, day)) == (fitting[0] if fitting else None)


@WORLD_EXAMPLES
@given(world=worlds(), rule_list=rule_sets(), seed=st.randoms(use_true_random=False))
def test_every_institution_computing_for_its_own_learners_agrees_on_who_pays_each_day(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    rule_list: list[RuleSpec],
    seed: object,
) -> None:
    """An institution's monthly run sees its learners with all their placements, in any order: the winner
    of each learner-day is the same in every institution's run, so no two institutions pay for it."""
    placements, meal_days, contracts = world
    everyone = assign_days(placements=placements, rules=rule_list, meal_days=meal_days, contracts=contracts)
    for institution_id in {p.institution_id for p in placements}:
        learners = {p.learner_id for p in placements if p.institution_id == institution_id}
        theirs = [p for p in placements if p.learner_id in learners]
        seed.shuffle(theirs)  # type: ignore[attr-defined]
        shuffled_rules = list(rule_list)
        seed.shuffle(shuffled_rules)  # type: ignore[attr-defined]
        run = assign_days(placements=theirs, rules=shuffled_rules, meal_days=meal_days, contracts=contracts)
        assert run == {key: value for key, value in everyone.items() if key[0] in learners}


# --- (c) changing a rule's period changes only the days inside the change


@st.composite
def periods(draw: st.DrawFn) -> dict[str, object]:
    valid_from = draw(days_in_window)
    return {
        "valid_from": valid_from,
        "valid_until": draw(st.none() | st.sampled_from([d for d in WINDOW if d >= valid_from])),
        "yearly_until": draw(st.none() | st.sampled_from([(5, 31), (6, 15), (8, 31), (9, 5)])),
    }


@WORLD_EXAMPLES
@given(world=worlds(), rule_list=rule_sets(), which=st.integers(0, 4), new_period=periods())
def test_changing_a_rules_period_changes_only_the_assignments_of_days_inside_the_changed_part(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    rule_list: list[RuleSpec],
    which: int,
    new_period: dict[str, object],
) -> None:
    placements, meal_days, contracts = world
    old_rule = rule_list[which % len(rule_list)]
    new_rule = dataclasses.replace(old_rule, **new_period)  # type: ignore[arg-type]
    changed_rules = [new_rule if rule is old_rule else rule for rule in rule_list]
    before = assign_days(placements=placements, rules=rule_list, meal_days=meal_days, contracts=contracts)
    after = assign_days(placements=placements, rules=changed_rules, meal_days=meal_days, contracts=contracts)
    changed_days = {day for day in WINDOW if rule_covers_day(old_rule, day) != rule_covers_day(new_rule, day)}

    def rule_ids(
        assignment: dict[tuple[int, date], tuple[Placement, RuleSpec]],
    ) -> dict[tuple[int, date], tuple[int, int]]:
        return {key: (placement.enrolment_id, rule.id) for key, (placement, rule) in assignment.items()}

    old_ids, new_ids = rule_ids(before), rule_ids(after)
    for key in old_ids.keys() | new_ids.keys():
        if key[1] not in changed_days:
            assert old_ids.get(key) == new_ids.get(key), key
    # and the changed rule never pays for a day outside its new period
    for (_learner, day), (_placement, rule) in after.items():
        if rule.id == old_rule.id:
            assert rule_covers_day(new_rule, day)


# --- the period and the conditions themselves


@EXAMPLES
@given(day=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)))
def test_a_rule_until_31_may_pays_from_september_to_may_and_never_in_summer(day: date) -> None:
    rule = _plain_rule(valid_from=date(2023, 1, 1), yearly_until=(5, 31))
    assert rule_covers_day(rule, day) == (day.month not in (6, 7, 8))


@EXAMPLES
@given(
    day=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
    start=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
    length=st.none() | st.integers(0, 800),
)
def test_a_rule_pays_only_from_its_first_to_its_last_day(day: date, start: date, length: int | None) -> None:
    until = None if length is None else start + timedelta(days=length)
    rule = _plain_rule(valid_from=start, valid_until=until)
    assert rule_covers_day(rule, day) == (start <= day and (until is None or day <= until))
    assert rule_covers_day(dataclasses.replace(rule, yearly_until=(8, 31)), day) == rule_covers_day(rule, day)


CONDITIONS = (
    "preparatory_year", "special_needs", "large_family", "ukrainian_civilian", "social_assistance", "declared_in_city",
)  # fmt: skip


@EXAMPLES
@given(
    world=worlds(), rule=rules(), condition=st.sampled_from((*CONDITIONS, "requires_contract")), contract=st.booleans()
)
def test_dropping_a_condition_of_a_rule_never_leaves_out_a_learner_it_paid_for(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    rule: RuleSpec,
    condition: str,
    contract: bool,
) -> None:
    wider = dataclasses.replace(rule, **{condition: False})  # type: ignore[arg-type]
    for placement in world[0]:
        if rule_fits(rule, placement, has_contract=contract):
            assert rule_fits(wider, placement, has_contract=contract)


@WORLD_EXAMPLES
@given(world=worlds(), contract=st.booleans())
def test_a_rule_without_conditions_fits_every_learner(
    world: tuple[list[Placement], dict[str, frozenset[date]], dict[int, list[tuple[date, date | None]]]],
    contract: bool,
) -> None:
    assert all(rule_fits(_plain_rule(), placement, has_contract=contract) for placement in world[0])


def test_grades_5_to_12_rule_needs_a_meal_contract() -> None:
    rule = _plain_rule(grade_from=5, grade_to=12, requires_contract=True)
    pupil = Placement(
        enrolment_id=1, learner_id=1, institution_id=1, board_id=1, calendar="schools", enrolled_on=date(2023, 9, 1),
        left_on=None, level="basic", grade=6, preparatory_year=False, special_needs=False, large_family=False,
        ukrainian_civilian=False, social_assistance=False, declared_in_city=True,
    )  # fmt: skip
    assert not rule_fits(rule, pupil, has_contract=False)
    assert rule_fits(rule, pupil, has_contract=True)
    assert not rule_fits(rule, dataclasses.replace(pupil, grade=4), has_contract=True)
    assert not rule_fits(rule, dataclasses.replace(pupil, grade=None, level="preschool"), has_contract=True)
