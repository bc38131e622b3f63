"""The rules that keep money safe: one recipient per allocation, version checks against silent overwrites,
no deleting spent allocations, dates within the year, meal rule shares, settlement lines, the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from eduboard.core.scope import WHOLE_CITY
from eduboard.finance import services
from eduboard.finance.models import (
    Allocation,
    CostRate,
    Expenditure,
    InstitutionSet,
    MealRule,
    SettlementLine,
    months_spanned,
)
from eduboard.finance.selectors import allocation_utilisation
from tests.finance.world import Base, allocation, base_world, seed_meal_rules, spend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english"), pytest.mark.both_databases]


@pytest.fixture
def base() -> Base:
    return base_world()


@pytest.fixture
def spent(base: Base) -> Allocation:
    """A 2024 state allocation to the school with one expenditure."""
    target = allocation(base, amount="1000.00", source="state", institution=base.school)
    spend(target, date(2024, 3, 1), "250.00", "VB-1")
    return target


def new_allocation(base: Base, **fields: object) -> Allocation:
    values: dict[str, object] = {
        "year": 2024,
        "purpose": "meals",
        "source": base.sources["municipal"],
        "amount": Decimal("500.00"),
    }
    values.update(fields)
    return Allocation(**values)


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- one recipient


def test_an_allocation_goes_to_an_institution_or_to_a_group_never_both(base: Base) -> None:
    group = InstitutionSet.objects.create(name="all schools")
    with pytest.raises(ValidationError) as both:
        services.allocation_save(allocation=new_allocation(base, institution=base.school, institution_set=group))
    assert "either an institution or a group" in messages_of(both)
    with pytest.raises(ValidationError):
        services.allocation_save(allocation=new_allocation(base))
    assert not Allocation.objects.exists()
    to_school = services.allocation_save(allocation=new_allocation(base, institution=base.school))
    to_group = services.allocation_save(allocation=new_allocation(base, institution_set=group))
    assert to_school.version == 1 and to_group.version == 1
    assert Allocation.objects.count() == 2


def test_the_database_itself_refuses_an_allocation_to_both_an_institution_and_a_group(base: Base) -> None:
    group = InstitutionSet.objects.create(name="all schools")
    with pytest.raises(IntegrityError), transaction.atomic():
        new_allocation(base, institution=base.school, institution_set=group).save()


def test_an_allocation_amount_cannot_be_negative_nor_have_more_than_two_decimals(base: Base) -> None:
    with pytest.raises(ValidationError) as negative:
        services.allocation_save(allocation=new_allocation(base, institution=base.school, amount=Decimal("-1.00")))
    assert "amount" in negative.value.message_dict
    with pytest.raises(ValidationError) as fraction:
        services.allocation_save(allocation=new_allocation(base, institution=base.school, amount=Decimal("1.005")))
    assert "amount" in fraction.value.message_dict
    assert not Allocation.objects.exists()


def test_the_same_source_purpose_and_year_is_allocated_to_an_institution_once(base: Base) -> None:
    services.allocation_save(allocation=new_allocation(base, institution=base.school))
    with pytest.raises(ValidationError):
        services.allocation_save(allocation=new_allocation(base, institution=base.school, amount=Decimal("1.00")))
    assert Allocation.objects.get().amount == Decimal("500.00")


# --- two people editing one allocation


def test_the_second_of_two_people_editing_an_allocation_is_refused_with_a_clear_message_and_the_first_change_stays(
    spent: Allocation,
) -> None:
    first = Allocation.objects.get(pk=spent.pk)
    second = Allocation.objects.get(pk=spent.pk)
    assert first.version == second.version == 1
    first.amount = Decimal("1200.00")
    services.allocation_save(allocation=first, expected_version=1)
    second.amount = Decimal("900.00")
    with pytest.raises(ValidationError) as refused:
        services.allocation_save(allocation=second, expected_version=1)
    assert refused.value.code == "stale"
    assert "Someone else changed this record meanwhile" in messages_of(refused)
    assert "version 1" in messages_of(refused) and "version 2" in messages_of(refused)
    stored = Allocation.objects.get(pk=spent.pk)
    assert (stored.amount, stored.version) == (Decimal("1200.00"), 2)


def test_an_edit_made_on_the_current_version_is_saved_and_moves_the_version_on(spent: Allocation) -> None:
    spent.note = "precizēts"
    spent.amount = Decimal("1100.00")
    services.allocation_save(allocation=spent, expected_version=1)
    again = Allocation.objects.get(pk=spent.pk)
    again.amount = Decimal("1150.00")
    services.allocation_save(allocation=again, expected_version=2)
    assert Allocation.objects.get(pk=spent.pk).version == 3


def test_editing_an_allocation_deleted_meanwhile_is_refused(base: Base) -> None:
    gone = allocation(base, amount="10.00", source="other", institution=base.school)
    copy = Allocation.objects.get(pk=gone.pk)
    services.allocation_delete(allocation=gone)
    copy.amount = Decimal("20.00")
    with pytest.raises(ValidationError) as refused:
        services.allocation_save(allocation=copy, expected_version=1)
    assert refused.value.code == "gone"
    assert not Allocation.objects.exists()


def test_a_stale_edit_of_an_expenditure_is_refused_and_the_first_correction_stays(spent: Allocation) -> None:
    first = Expenditure.objects.get()
    second = Expenditure.objects.get()
    first.amount = Decimal("260.00")
    services.expenditure_save(expenditure=first, expected_version=1)
    second.amount = Decimal("240.00")
    with pytest.raises(ValidationError, match="Someone else changed this record meanwhile"):
        services.expenditure_save(expenditure=second, expected_version=1)
    assert Expenditure.objects.get().amount == Decimal("260.00")


def test_a_stale_edit_of_a_meal_rule_is_refused(base: Base) -> None:
    rule = seed_meal_rules()["grades_1_4_lunch"]
    first, second = MealRule.objects.get(pk=rule.pk), MealRule.objects.get(pk=rule.pk)
    first.name = "1.–4. klase"
    services.meal_rule_save(rule=first, expected_version=1)
    second.name = "Cits nosaukums"
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.meal_rule_save(rule=second, expected_version=1)
    assert MealRule.objects.get(pk=rule.pk).name == "1.–4. klase"


# --- deleting


def test_deleting_an_allocation_that_has_expenditures_is_refused_and_it_stays(spent: Allocation) -> None:
    with pytest.raises(ValidationError) as refused:
        services.allocation_delete(allocation=spent)
    assert refused.value.code == "has_expenditures"
    assert "1 expenditure" in messages_of(refused)
    assert Allocation.objects.filter(pk=spent.pk).exists()
    assert Expenditure.objects.filter(allocation=spent).count() == 1


def test_deleting_an_allocation_without_expenditures_is_allowed(spent: Allocation) -> None:
    services.expenditure_delete(expenditure=Expenditure.objects.get())
    services.allocation_delete(allocation=spent)
    assert not Allocation.objects.exists()


# --- spending


def test_an_expenditure_dated_outside_the_allocation_year_is_refused(spent: Allocation) -> None:
    for day in (date(2023, 12, 31), date(2025, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            services.expenditure_save(
                expenditure=Expenditure(allocation=spent, date=day, amount=Decimal("5.00"), document="X")
            )
        assert f"{day.isoformat()} is not in the allocation's year 2024" in messages_of(refused)
    assert Expenditure.objects.count() == 1
    services.expenditure_save(
        expenditure=Expenditure(allocation=spent, date=date(2024, 12, 31), amount=Decimal("5.00"), document="X")
    )
    assert Expenditure.objects.count() == 2


def test_an_expenditure_must_be_above_zero(spent: Allocation) -> None:
    with pytest.raises(ValidationError) as refused:
        services.expenditure_save(
            expenditure=Expenditure(allocation=spent, date=date(2024, 5, 1), amount=Decimal("0.00"), document="Z")
        )
    assert "amount" in refused.value.message_dict


def test_spending_beyond_the_allocation_is_recorded_and_shows_as_over_100_percent(spent: Allocation) -> None:
    services.expenditure_save(
        expenditure=Expenditure(allocation=spent, date=date(2024, 6, 1), amount=Decimal("800.00"), document="VB-2")
    )
    (use,) = allocation_utilisation(visible_to=WHOLE_CITY, as_of=date(2024, 12, 31))
    assert use.utilisation == Decimal("105.00")
    assert use.remaining == Decimal("-50.00")


# --- meal rules


def test_a_meal_rules_state_and_municipal_shares_must_add_up_to_the_price(base: Base) -> None:
    rule = MealRule(
        code="test_rule",
        name="Test",
        valid_from=date(2024, 9, 1),
        price_per_day=Decimal("3.090"),
        state_per_day=Decimal("1.545"),
        municipal_per_day=Decimal("1.500"),
    )
    with pytest.raises(ValidationError) as refused:
        services.meal_rule_save(rule=rule)
    assert "must add up to the price" in messages_of(refused)
    assert not MealRule.objects.filter(code="test_rule").exists()
    rule.municipal_per_day = Decimal("1.545")
    services.meal_rule_save(rule=rule)
    assert MealRule.objects.filter(code="test_rule").exists()


def test_the_database_refuses_a_meal_rule_whose_shares_do_not_add_up(base: Base) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MealRule.objects.create(
            code="bad",
            name="Bad",
            valid_from=date(2024, 9, 1),
            price_per_day=Decimal("2.000"),
            state_per_day=Decimal("1.000"),
            municipal_per_day=Decimal("0.500"),
        )


def test_a_meal_rule_cannot_end_before_it_starts_nor_run_from_a_higher_grade_to_a_lower(base: Base) -> None:
    rule = MealRule(
        code="backwards",
        name="Backwards",
        valid_from=date(2024, 9, 1),
        valid_until=date(2024, 8, 31),
        grade_from=5,
        grade_to=4,
        price_per_day=Decimal("1.000"),
        state_per_day=Decimal("0.000"),
        municipal_per_day=Decimal("1.000"),
    )
    with pytest.raises(ValidationError) as refused:
        services.meal_rule_save(rule=rule)
    assert set(refused.value.message_dict) >= {"valid_until", "grade_to"}


def test_a_meal_rules_yearly_end_is_written_as_month_and_day(base: Base) -> None:
    rule = MealRule(
        code="until",
        name="Until",
        valid_from=date(2024, 9, 1),
        yearly_until="31.05",
        price_per_day=Decimal("1.000"),
        state_per_day=Decimal("0.000"),
        municipal_per_day=Decimal("1.000"),
    )
    with pytest.raises(ValidationError) as refused:
        services.meal_rule_save(rule=rule)
    assert "MM-DD" in messages_of(refused)
    rule.yearly_until = "05-31"
    services.meal_rule_save(rule=rule)


# --- settlement lines


def settlement_line(base: Base, **fields: object) -> SettlementLine:
    values: dict[str, object] = {
        "municipality": base.preili,
        "direction": "incoming",
        "level": "basic",
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 8, 31),
        "learners": 3,
        "months": 8,
        "monthly_cost": Decimal("58.02"),
    }
    values.update(fields)
    return SettlementLine(**values)


def test_a_settlement_line_cannot_count_more_months_than_its_period_has(base: Base) -> None:
    assert months_spanned(date(2024, 1, 1), date(2024, 8, 31)) == 8
    with pytest.raises(ValidationError) as refused:
        services.settlement_line_save(line=settlement_line(base, months=9))
    assert "only 8 month" in messages_of(refused)
    line = services.settlement_line_save(line=settlement_line(base, months=8))
    assert line.amount == Decimal("58.02") * 3 * 8 == Decimal("1392.48")


def test_a_settlement_line_is_never_with_the_boards_own_municipality(base: Base) -> None:
    with pytest.raises(ValidationError) as refused:
        services.settlement_line_save(line=settlement_line(base, municipality=base.home))
    assert "municipality" in refused.value.message_dict
    assert not SettlementLine.objects.exists()


def test_a_settlement_period_cannot_end_before_it_starts(base: Base) -> None:
    with pytest.raises(ValidationError) as refused:
        services.settlement_line_save(
            line=settlement_line(base, period_start=date(2024, 8, 1), period_end=date(2024, 1, 31))
        )
    assert "period_end" in refused.value.message_dict


# --- the audit trail


def amount_changes(instance: Allocation | Expenditure) -> list[list[str]]:
    return [
        entry.changes_dict["amount"]
        for entry in LogEntry.objects.get_for_object(instance).order_by("timestamp", "pk")
        if "amount" in entry.changes_dict
    ]


def test_every_change_of_an_allocation_amount_reaches_the_audit_trail(spent: Allocation) -> None:
    spent.amount = Decimal("1250.50")
    services.allocation_save(allocation=spent, expected_version=1)
    spent.amount = Decimal("1300.00")
    services.allocation_save(allocation=spent, expected_version=2)
    changes = amount_changes(spent)
    assert changes[0][1] == "1000.00"  # created
    assert [Decimal(new) for _old, new in changes[1:]] == [Decimal("1250.50"), Decimal("1300.00")]
    assert [Decimal(old) for old, _new in changes[1:]] == [Decimal("1000.00"), Decimal("1250.50")]


def test_every_change_of_an_expenditure_amount_and_its_deletion_reach_the_audit_trail(spent: Allocation) -> None:
    expenditure = Expenditure.objects.get()
    expenditure.amount = Decimal("275.25")
    services.expenditure_save(expenditure=expenditure, expected_version=1)
    assert [Decimal(new) for _old, new in amount_changes(expenditure)[1:]] == [Decimal("275.25")]
    pk = expenditure.pk
    services.expenditure_delete(expenditure=expenditure)
    deleted = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE)
    assert deleted.filter(content_type__model="expenditure").exists()


def test_a_changed_settlement_cost_and_a_changed_approved_cost_are_audited(base: Base) -> None:
    line = services.settlement_line_save(line=settlement_line(base))
    line.monthly_cost = Decimal("60.00")
    services.settlement_line_save(line=line)
    entries = LogEntry.objects.get_for_object(line)
    assert any(entry.changes_dict.get("monthly_cost", [None])[-1] == "60.00" for entry in entries)
    rate = CostRate.objects.create(year=2024, kind="general", monthly_cost=Decimal("93.24"))
    rate.monthly_cost = Decimal("95.00")
    rate.save()
    assert any(e.changes_dict.get("monthly_cost", [None])[-1] == "95.00" for e in LogEntry.objects.get_for_object(rate))
