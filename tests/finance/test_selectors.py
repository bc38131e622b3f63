"""Finance figures on small worlds, each expected figure worked out by hand in the test: utilisation as of a
date, by source, the cost per learner, a month's meal compensation, settlements, and bounded query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import Allocation, Expenditure, InstitutionSet, MealContract
from eduboard.finance.selectors import (
    allocation_utilisation,
    cost_per_learner,
    finance_stats,
    meal_compensation,
    settlement_summary,
    utilisation_by_source,
)
from eduboard.registry.models import Institution, Learner
from tests.finance.world import (
    APPROVED_2024,
    MAY,
    MONEY_AS_OF,
    SETTLEMENT_FROM,
    SETTLEMENT_LINES,
    SETTLEMENT_TO,
    MealWorld,
    MoneyWorld,
    allocation,
    enrol,
    learner,
    meal_world,
    money_world,
    settlement_world,
    spend,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CENT = Decimal("0.01")


def pct(part: str | Decimal, whole: str | Decimal) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture
def money() -> MoneyWorld:
    return money_world()


@pytest.fixture
def meals() -> MealWorld:
    return meal_world()


# --- utilisation


def test_utilisation_is_spending_up_to_the_date_over_the_allocation_rounded_half_up(money: MoneyWorld) -> None:
    uses = {use.id: use for use in allocation_utilisation(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)}
    school = uses[money.to_school.pk]
    assert (school.allocated, school.spent) == (Decimal("2000.00"), Decimal("246.90"))
    # 246.90 / 2000 = 12.345 %: half up gives 12.35 (banker's rounding would give 12.34)
    assert school.utilisation == pct("246.90", "2000.00") == Decimal("12.35")
    assert school.remaining == Decimal("1753.10")
    assert uses[money.to_everyone.pk].utilisation == Decimal("50.00")
    assert uses[money.to_everyone.pk].recipient == "all institutions"
    assert uses[money.to_preschool.pk].utilisation == Decimal("10.00")
    assert uses[money.eu_to_school.pk].spent == Decimal("0.02")  # spent on the date itself counts


def test_an_expenditure_dated_after_the_date_does_not_count_until_that_date(money: MoneyWorld) -> None:
    before = {use.id: use for use in allocation_utilisation(visible_to=WHOLE_CITY, as_of=date(2024, 4, 1))}[
        money.to_school.pk
    ]
    on_the_day = {use.id: use for use in allocation_utilisation(visible_to=WHOLE_CITY, as_of=date(2024, 4, 2))}[
        money.to_school.pk
    ]
    assert before.spent == Decimal("246.90")
    assert on_the_day.spent == Decimal("1246.90")
    assert on_the_day.utilisation == pct("1246.90", "2000.00") == Decimal("62.35")


def test_utilisation_counts_only_the_allocations_of_the_year_of_the_date(money: MoneyWorld) -> None:
    uses = allocation_utilisation(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert money.last_year.pk not in {use.id for use in uses}
    assert {use.year for use in uses} == {2024}
    assert [use.id for use in allocation_utilisation(visible_to=WHOLE_CITY, as_of=date(2023, 12, 31))] == [
        money.last_year.pk
    ]
    assert allocation_utilisation(visible_to=WHOLE_CITY, as_of=date(2023, 12, 31))[0].utilisation == Decimal("80.00")


def test_an_allocation_of_zero_has_no_utilisation_rather_than_a_division_by_zero(money: MoneyWorld) -> None:
    empty = allocation(money.base, amount="0.00", source="erasmus", purpose="salaries", institution=money.base.school)
    use = {use.id: use for use in allocation_utilisation(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)}[empty.pk]
    assert use.spent == Decimal("0.00") and use.utilisation is None


def test_utilisation_by_source_sums_the_allocations_and_spending_of_each_source(money: MoneyWorld) -> None:
    by_source = utilisation_by_source(uses=allocation_utilisation(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF))
    assert by_source == {
        "eu_funds": {
            "allocated": Decimal("100.00"),
            "spent": Decimal("0.02"),
            "utilisation_percent": pct("0.02", "100"),
        },
        "municipal": {
            "allocated": Decimal("3400.00") + Decimal("1000.00"),
            "spent": Decimal("1700.00") + Decimal("100.00"),
            "utilisation_percent": pct("1800.00", "4400.00"),  # 40.909… → 40.91
        },
        "state": {"allocated": Decimal("2000.00"), "spent": Decimal("246.90"), "utilisation_percent": Decimal("12.35")},
    }
    assert by_source["municipal"]["utilisation_percent"] == Decimal("40.91")


def test_head_sees_utilisation_of_own_institution_and_of_groups_holding_it_only(
    money: MoneyWorld, make_user: Callable[..., User]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [money.base.school])
    seen = {use.id for use in allocation_utilisation(as_of=MONEY_AS_OF, visible_to=head)}
    assert seen == {money.to_school.pk, money.to_everyone.pk, money.eu_to_school.pk}
    board = make_user(Role.BOARD_ANALYST)
    assert len(allocation_utilisation(as_of=MONEY_AS_OF, visible_to=board)) == 4


# --- cost per learner per month


def test_approved_cost_per_learner_is_the_years_approved_rate_and_the_difference_is_computed_less_approved(
    money: MoneyWorld,
) -> None:
    costs = cost_per_learner(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert {kind: figures["approved"] for kind, figures in costs.items()} == {
        kind: Decimal(value) for kind, value in APPROVED_2024.items()
    }
    for figures in costs.values():
        if figures["computed"] is not None:
            assert figures["difference"] == figures["computed"] - figures["approved"]
    assert cost_per_learner(visible_to=WHOLE_CITY, as_of=date(2023, 10, 1))["general"]["approved"] == Decimal("88.00")


def test_computed_cost_per_learner_is_spending_over_learner_months_as_the_docs_define_it(money: MoneyWorld) -> None:
    """spending ÷ learner-months; a group's spending shared among its members by learner-months, then an
    institution's among its programme kinds by learner-months; learners counted on the 1st of each month."""
    # learners on 1 January, 1 February and 1 March 2024
    day_months = 3 + 2 + 1  # d1 all three; d2 from 1.02; d3 left on 1.02, so 1.01 only
    full_day_months = 3  # n1
    general_months = 3 + 3 + 2  # s1, s2, and s3 from 15.01; "late" joined in April
    preschool_months = day_months + full_day_months
    school_months = general_months
    # the group's 1700.00 shared by learner-months (the basic school has none)
    group_spent = Decimal("1700.00")
    preschool_spent = Decimal("100.00") + group_spent * preschool_months / (preschool_months + school_months)
    school_spent = (
        Decimal("246.90") + Decimal("0.02") + group_spent * school_months / (preschool_months + school_months)
    )
    assert (preschool_spent, school_spent) == (Decimal("1000.00"), Decimal("1046.92"))
    expected = {
        "preschool_day": cents(preschool_spent * day_months / preschool_months / day_months),
        "preschool_24h": cents(preschool_spent * full_day_months / preschool_months / full_day_months),
        "general": cents(school_spent / general_months),  # 130.865 → 130.87, half up
    }
    costs = cost_per_learner(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert {kind: costs[kind]["learner_months"] for kind in expected} == {
        "preschool_day": day_months,
        "preschool_24h": full_day_months,
        "general": general_months,
    }
    assert {kind: costs[kind]["computed"] for kind in expected} == expected
    assert costs["general"]["computed"] == Decimal("130.87")
    assert costs["general"]["difference"] == Decimal("130.87") - Decimal("93.24")
    assert costs["preschool_day"]["computed"] == Decimal("111.11")
    assert costs["interest"]["computed"] is None and costs["interest"]["learner_months"] == 0


def test_cost_per_learner_for_a_head_counts_only_own_institution(
    money: MoneyWorld, make_user: Callable[..., User]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [money.base.school])
    costs = cost_per_learner(as_of=MONEY_AS_OF, visible_to=head)
    assert costs["general"]["computed"] == Decimal("130.87")
    assert costs["preschool_day"]["computed"] is None and costs["preschool_day"]["learner_months"] == 0


# --- meal compensation in May 2024


def may_days(*, schools: bool) -> list[date]:
    """Monday to Friday of May 2024 without 1 and 6 May, and for schools without 27–31 May."""
    off = {date(2024, 5, 1), date(2024, 5, 6)}
    if schools:
        off |= {date(2024, 5, d) for d in range(27, 32)}
    days = [date(2024, 5, 1) + timedelta(days=n) for n in range(31)]
    return [d for d in days if d.weekday() < 5 and d not in off]


SCHOOL_DAYS = may_days(schools=True)
PRESCHOOL_DAYS = may_days(schools=False)


def lines_by_learner(computation: Any) -> dict[str, list[Any]]:
    result: dict[str, list[Any]] = {}
    for line in computation.lines:
        result.setdefault(line.name, []).append(line)
    return result


def test_meal_days_are_weekdays_without_the_holidays_of_each_calendar(meals: MealWorld) -> None:
    computation = meal_compensation(institution=meals.base.school, month=MAY)
    assert (len(SCHOOL_DAYS), len(PRESCHOOL_DAYS)) == (16, 21)
    assert computation.school_days == {"schools": 16, "preschools": 21}


def test_grade_2_pupil_gets_3_09_a_day_split_1_545_and_1_545_for_the_school_days_of_the_month(
    meals: MealWorld,
) -> None:
    lines = lines_by_learner(meal_compensation(institution=meals.base.school, month=MAY))["Otrā Anna"]
    assert len(lines) == 1
    line = lines[0]
    days = len(SCHOOL_DAYS)
    assert (line.rule_code, line.days, line.group) == ("grades_1_4_lunch", days, "2.a")
    assert (line.price_per_day, line.state_per_day, line.municipal_per_day) == (
        Decimal("3.090"),
        Decimal("1.545"),
        Decimal("1.545"),
    )
    assert line.total == Decimal("3.09") * days == Decimal("49.44")
    assert line.state == line.municipal == Decimal("1.545") * days == Decimal("24.72")


def test_grade_6_pupil_is_compensated_only_with_a_meal_contract_from_its_first_day(meals: MealWorld) -> None:
    by_learner = lines_by_learner(meal_compensation(institution=meals.base.school, month=MAY))
    assert "Bezlīguma Juris" not in by_learner
    (line,) = by_learner["Sestais Pēteris"]
    days_with_contract = [d for d in SCHOOL_DAYS if d >= date(2024, 5, 13)]
    assert (line.rule_code, line.days) == ("grades_5_12_cofinancing", len(days_with_contract))
    assert (line.total, line.state, line.municipal) == (
        Decimal("1.55") * len(days_with_contract),
        Decimal("0.00"),
        Decimal("15.50"),
    )


def test_a_learner_granted_meals_as_social_assistance_is_paid_in_full_by_the_municipality(meals: MealWorld) -> None:
    """Seed 002, I.2: learners whose meals are covered at 100 % are those the social-assistance regulations name. The
    rule (rank 5) pays for a marked learner only, without a meal contract, in place of the grade's own rule."""
    Learner.objects.filter(pk__in=[meals.learners["grade6_no_contract"].pk, meals.learners["grade2"].pk]).update(
        social_assistance=True
    )
    by_learner = lines_by_learner(meal_compensation(institution=meals.base.school, month=MAY))
    for name in ("Bezlīguma Juris", "Otrā Anna"):
        (line,) = by_learner[name]
        assert (line.rule_code, line.days) == ("social_assistance", len(SCHOOL_DAYS))
        assert (line.total, line.state, line.municipal) == (
            Decimal("3.09") * len(SCHOOL_DAYS),
            Decimal("0.00"),
            Decimal("3.09") * len(SCHOOL_DAYS),
        )
    (unmarked,) = by_learner["Sestais Pēteris"]
    assert unmarked.rule_code == "grades_5_12_cofinancing"


def test_a_contract_that_ended_stops_the_compensation_the_day_after(meals: MealWorld) -> None:
    MealContract.objects.filter(learner=meals.learners["grade6_contract"]).update(ended_on=date(2024, 5, 16))
    (line,) = lines_by_learner(meal_compensation(institution=meals.base.school, month=MAY))["Sestais Pēteris"]
    assert line.days == len([d for d in SCHOOL_DAYS if date(2024, 5, 13) <= d <= date(2024, 5, 16)]) == 4


def test_preschool_100_percent_rules_pay_the_whole_day_from_the_municipality(meals: MealWorld) -> None:
    by_learner = lines_by_learner(meal_compensation(institution=meals.base.preschool, month=MAY))
    (preparatory,) = by_learner["Sagatavošana Laura"]
    (special,) = by_learner["Logopēde Mia"]
    assert preparatory.rule_code == "preschool_preparatory_year"
    assert special.rule_code == "preschool_special_needs"
    for line in (preparatory, special):
        assert line.days == len(PRESCHOOL_DAYS)  # the schools' project week is no holiday for preschools
        assert (line.total, line.state, line.municipal) == (Decimal("52.50"), Decimal("0.00"), Decimal("52.50"))
    # the preparatory year is compensated only for children declared in the city
    assert "Novadnieks Oskars" not in by_learner


def test_the_preparatory_year_rule_ends_on_31_may_while_special_needs_go_on(meals: MealWorld) -> None:
    by_learner = lines_by_learner(meal_compensation(institution=meals.base.preschool, month=date(2024, 6, 1)))
    assert "Sagatavošana Laura" not in by_learner
    (special,) = by_learner["Logopēde Mia"]
    june_weekdays = [date(2024, 6, d) for d in range(1, 31) if date(2024, 6, d).weekday() < 5]
    assert special.days == len(june_weekdays) == 20


def test_a_learner_in_two_institutions_is_paid_once_for_each_day_by_the_enrolment_that_began_first(
    meals: MealWorld,
) -> None:
    school_line = lines_by_learner(meal_compensation(institution=meals.base.school, month=MAY))["Divskolu Toms"]
    other_line = lines_by_learner(meal_compensation(institution=meals.base.other_school, month=MAY))["Divskolu Toms"]
    # the other school until 14 May (he left on 15 May), this school from 15 May: 13 and 14 May paid once
    assert [line.days for line in other_line] == [len([d for d in SCHOOL_DAYS if d < date(2024, 5, 15)])]
    assert [line.days for line in school_line] == [len([d for d in SCHOOL_DAYS if d >= date(2024, 5, 15)])]
    assert other_line[0].days + school_line[0].days == len(SCHOOL_DAYS)
    assert other_line[0].group == "3.b" and school_line[0].group == "3.a"


def test_every_line_names_its_rule_and_the_totals_add_up_the_lines(meals: MealWorld) -> None:
    computation = meal_compensation(institution=meals.base.school, month=MAY)
    assert all(line.rule_code and line.rule_name for line in computation.lines)
    expected_total = Decimal("49.44") + Decimal("15.50") + Decimal("3.09") * 8
    expected_state = Decimal("24.72") + Decimal("0.00") + Decimal("12.36")
    assert computation.totals == {
        "total": expected_total,
        "state": expected_state,
        "municipal": expected_total - expected_state,
    }
    by_rule = {row["code"]: row for row in computation.by_rule()}
    assert by_rule["grades_1_4_lunch"]["learners"] == 2
    assert by_rule["grades_1_4_lunch"]["days"] == 16 + 8
    data = computation.as_dict()
    assert data["totals"] == computation.totals
    assert all(line["personal_code"].endswith("-*****") for line in data["lines"])


def test_meal_compensation_runs_the_same_bounded_number_of_queries_for_few_and_many_learners(
    meals: MealWorld, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as few:
        meal_compensation(institution=meals.base.school, month=MAY)
    for index in range(20):
        pupil = learner("Jānis", f"Papildu{index}", date(2016, 1, 1) + timedelta(days=index), meals.base.home)
        enrol(pupil, meals.base.groups["2.a"])
        MealContract.objects.create(learner=pupil, signed_on=date(2024, 5, 1))
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as many:
        computation = meal_compensation(institution=meals.base.school, month=MAY)
    assert len(computation.lines) == 3 + 20
    assert len(many.captured_queries) == len(few.captured_queries)


# --- settlements


def test_settlement_summary_gives_learners_in_and_out_by_level_and_what_is_receivable_and_due() -> None:
    settlement_world()
    summary = settlement_summary(date_from=SETTLEMENT_FROM, date_to=SETTLEMENT_TO, visible_to=WHOLE_CITY)
    incoming = [line for line in SETTLEMENT_LINES if line[1] == "incoming"]
    outgoing = [line for line in SETTLEMENT_LINES if line[1] == "outgoing"]

    def amount(lines: list[tuple[str, str, str, int, int, str]]) -> Decimal:
        return sum((learners * months * Decimal(cost) for _m, _d, _l, learners, months, cost in lines), Decimal(0))

    assert summary["incoming"]["learners_by_level"] == {"preschool": 10, "basic": 4 + 5, "secondary": 0}
    assert summary["outgoing"]["learners_by_level"] == {"preschool": 0, "basic": 2, "secondary": 3}
    assert (summary["incoming"]["learners_total"], summary["outgoing"]["learners_total"]) == (19, 5)
    assert summary["receivable_total"] == amount(incoming) == Decimal("19564.80")  # 17244.00 + 1160.40 + 1160.40
    assert summary["due_total"] == amount(outgoing) == Decimal("2044.20")  # 1660.80 + 383.40
    assert summary["balance"] == amount(incoming) - amount(outgoing)
    assert summary["incoming"]["learner_months"] == 10 * 8 + 4 * 5 + 5 * 4
    rows = {row["municipality"]: row for row in summary["municipalities"]}
    assert rows["Preiļu novads"]["receivable"] == 5 * 4 * Decimal("58.02")
    assert rows["Preiļu novads"]["due"] == 3 * 8 * Decimal("69.20")
    assert rows["Augšdaugavas novads"]["balance"] == (
        10 * 8 * Decimal("215.55") + 4 * 5 * Decimal("58.02") - 2 * 3 * Decimal("63.90")
    )


def test_settlement_lines_outside_the_period_are_not_counted() -> None:
    settlement_world()
    autumn = settlement_summary(date_from=date(2023, 9, 1), date_to=date(2023, 12, 31), visible_to=WHOLE_CITY)
    assert autumn["incoming"]["learners_total"] == 99 and autumn["outgoing"]["learners_total"] == 0
    assert autumn["receivable_total"] == 99 * 4 * Decimal("200.00")
    year = settlement_summary(date_from=date(2023, 9, 1), date_to=SETTLEMENT_TO, visible_to=WHOLE_CITY)
    assert year["incoming"]["learners_total"] == 19 + 99


# --- finance_stats


def test_finance_stats_holds_utilisation_by_allocation_and_source_cost_per_learner_and_settlements(
    money: MoneyWorld,
) -> None:
    stats = finance_stats(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert stats["as_of"] == "2024-03-15" and stats["year"] == 2024
    by_id = {row["id"]: row for row in stats["utilisation_by_allocation"]}
    assert by_id[money.to_school.pk]["utilisation_percent"] == Decimal("12.35")
    assert by_id[money.to_school.pk]["recipient"] == "9000000011"
    assert stats["utilisation_by_source"]["state"]["spent"] == Decimal("246.90")
    assert stats["cost_per_learner"]["general"]["computed"] == Decimal("130.87")
    assert stats["sources"]["state"] == "Valsts budžets"
    assert "settlements" in stats


def add_more(world: MoneyWorld, count: int) -> None:
    """`count` more learners in each group and `count` more allocations with spending."""
    for index in range(count):
        for group_name in ("Bitītes", "Pūcītes", "1.a"):
            who = learner("Papildu", f"{group_name}{index}", date(2017, 1, 1) + timedelta(days=index))
            enrol(who, world.base.groups[group_name])
        extra_set = InstitutionSet.objects.create(name=f"set {index}")
        extra_set.members.set([world.base.preschool, world.base.school])
        target = allocation(world.base, amount="500.00", source="other", purpose="other", institution_set=extra_set)
        spend(target, date(2024, 2, 1), "10.00", f"X-{index}")
        own = (
            allocation(
                world.base,
                amount="300.00",
                source="other",
                purpose="salaries",
                institution=world.base.school,
                year=2024,
            )
            if index == 0
            else None
        )
        if own is not None:
            spend(own, date(2024, 3, 1), "30.00", "Y-1")


@pytest.mark.parametrize("viewer", ["board", "head"])
def test_finance_stats_runs_a_bounded_number_of_queries_that_does_not_grow_with_learners_or_allocations(
    money: MoneyWorld, viewer: str, make_user: Callable[..., User], django_assert_max_num_queries: Any
) -> None:
    visible_to = WHOLE_CITY if viewer == "board" else make_user(Role.INSTITUTION_HEAD, [money.base.school])
    finance_stats(as_of=MONEY_AS_OF, visible_to=visible_to)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        finance_stats(as_of=MONEY_AS_OF, visible_to=visible_to)
    add_more(money, 12)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as many:
        stats = finance_stats(as_of=MONEY_AS_OF, visible_to=visible_to)
    assert len(stats["utilisation_by_allocation"]) >= 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_group_allocation_with_no_learners_in_its_members_does_not_break_the_cost(money: MoneyWorld) -> None:
    empty = InstitutionSet.objects.create(name="nobody")
    empty.members.set([Institution.objects.create(name="Tukša skola", type="basic", registration_number="9000000099")])
    target = allocation(money.base, amount="10.00", source="other", institution_set=empty)
    spend(target, date(2024, 2, 1), "5.00", "Z-1")
    assert cost_per_learner(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)["general"]["computed"] == Decimal("130.87")
    assert Allocation.objects.count() == 6 and Expenditure.objects.count() == 7
