"""Rules of the finance area: every write that has a rule, one transaction each, validate then write.

Changes of amounts reach the audit trail through django-auditlog (the models are registered in
`FinanceConfig.ready`); edits of a stale copy are refused by the version check, never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.versions import atomic_write, save_versioned
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    DayOff,
    Expenditure,
    FundingSource,
    InstitutionSet,
    MealRule,
    SettlementLine,
    months_spanned,
)
from eduboard.registry.board_data import default_board
from eduboard.registry.models import Institution


@atomic_write
def allocation_save(*, allocation: Allocation, expected_version: int | None = None) -> Allocation:
    """Create or edit an allocation; exactly one recipient (an institution or a group), amount not negative."""
    if (allocation.institution_id is None) == (allocation.institution_set_id is None):
        raise ValidationError(
            {"institution": _("Choose either an institution or a group of institutions, not both and not neither.")}
        )
    save_versioned(allocation, expected_version=expected_version)
    return allocation


@atomic_write
def allocation_delete(*, allocation: Allocation) -> None:
    """Delete an allocation that has no spending; one with expenditures is refused."""
    locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
    count = locked.expenditures.count()
    if count:
        raise ValidationError(
            _("This allocation has %(count)d expenditure(s); delete them first, or keep the allocation.")
            % {"count": count},
            code="has_expenditures",
        )
    locked.delete()


@atomic_write
def expenditure_save(*, expenditure: Expenditure, expected_version: int | None = None) -> Expenditure:
    """Record or edit spending; its date lies in the allocation's year (overspending shows as over 100 %)."""
    allocation = Allocation.objects.select_for_update().get(pk=expenditure.allocation_id)
    if expenditure.date and expenditure.date.year != allocation.year:
        raise ValidationError(
            {
                "date": _("The date %(date)s is not in the allocation's year %(year)s.")
                % {"date": expenditure.date.isoformat(), "year": allocation.year}
            }
        )
    save_versioned(expenditure, expected_version=expected_version)
    return expenditure


@atomic_write
def expenditure_delete(*, expenditure: Expenditure) -> None:
    """Delete one expenditure (written to the audit trail)."""
    expenditure.delete()


@atomic_write
def meal_rule_save(*, rule: MealRule, expected_version: int | None = None) -> MealRule:
    """Create or edit a meal compensation rule: shares add up to the price, the period is sound."""
    errors: dict[str, str] = {}
    if None not in (rule.state_per_day, rule.municipal_per_day, rule.price_per_day) and (
        rule.state_per_day + rule.municipal_per_day != rule.price_per_day
    ):
        errors["price_per_day"] = _(
            "The state's share (%(state)s) and the municipality's (%(municipal)s) must add up to the price (%(price)s)."
        ) % {"state": rule.state_per_day, "municipal": rule.municipal_per_day, "price": rule.price_per_day}
    if rule.valid_until and rule.valid_from and rule.valid_until < rule.valid_from:
        errors["valid_until"] = _("The end is before the start.")
    if rule.grade_from and rule.grade_to and rule.grade_to < rule.grade_from:
        errors["grade_to"] = _("The last grade is below the first.")
    if errors:
        raise ValidationError(errors)
    save_versioned(rule, expected_version=expected_version)
    return rule


@atomic_write
def catering_contract_save(*, contract: CateringContract, expected_version: int | None = None) -> CateringContract:
    """Record the catering contracts of a procurement, or save an edit of them made on `expected_version` (the
    fields' own bounds: 1 to 10 years, a total not negative)."""
    save_versioned(contract, expected_version=expected_version)
    return contract


@atomic_write
def settlement_line_save(*, line: SettlementLine, expected_version: int | None = None) -> SettlementLine:
    """Record a settlement line, or save an edit of one made on `expected_version`: another municipality, and no
    more months than the period has."""
    errors: dict[str, str] = {}
    if line.municipality_id and line.municipality.is_home:
        errors["municipality"] = _("Settlements are made with other municipalities, not the board's own.")
    if line.period_start and line.period_end:
        if line.period_end < line.period_start:
            errors["period_end"] = _("The end is before the start.")
        elif line.months and line.months > months_spanned(line.period_start, line.period_end):
            errors["months"] = _("The period has only %(n)d month(s).") % {
                "n": months_spanned(line.period_start, line.period_end)
            }
    if errors:
        raise ValidationError(errors)
    save_versioned(line, expected_version=expected_version)
    return line


# --- the reference lists: edits of one row, the version checked


@atomic_write
def funding_source_save(*, source: FundingSource, expected_version: int | None = None) -> FundingSource:
    """Create a funding source or save an edit of one made on `expected_version`."""
    save_versioned(source, expected_version=expected_version)
    return source


@atomic_write
def institution_set_save(
    *,
    institution_set: InstitutionSet,
    expected_version: int | None = None,
    members: Iterable[Institution] | None = None,
) -> InstitutionSet:
    """Create a group of institutions or save an edit of one (with its members) made on `expected_version`; its
    members are institutions of its board."""
    if members is not None:
        members = list(members)
        board_id = institution_set.board_id or default_board().pk
        strangers = [institution for institution in members if institution.board_id != board_id]
        if strangers:
            raise ValidationError(
                {
                    "members": _("%(names)s belong to another board than the group.")
                    % {"names": ", ".join(str(institution) for institution in strangers)}
                }
            )
    save_versioned(
        institution_set, expected_version=expected_version, many=None if members is None else {"members": members}
    )
    return institution_set


@atomic_write
def cost_rate_save(*, rate: CostRate, expected_version: int | None = None) -> CostRate:
    """Create a cost per learner or save an edit of one made on `expected_version`."""
    save_versioned(rate, expected_version=expected_version)
    return rate


@atomic_write
def day_off_save(*, day_off: DayOff, expected_version: int | None = None) -> DayOff:
    """Create days without school meals or save an edit of them made on `expected_version`."""
    save_versioned(day_off, expected_version=expected_version)
    return day_off
