"""The readiness report's money in the preschool, general and interest sections (seed 002's "Finanses"):
allocations and their use, costs per learner, meal compensation and catering, built from the finance selectors;
and the number formats the money's (and the quality part's) tables share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from eduboard.core.numbers import money
from eduboard.finance import selectors as finance_selectors
from eduboard.finance.choices import CostKind, Purpose
from eduboard.finance.models import InstitutionSet
from eduboard.people.selectors import GENERAL_SCHOOL_TYPES
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.reports import sentences
from eduboard.reports.content import NP, L, T, Text
from eduboard.reports.readiness.base import (
    MONEY,
    Block,
    BuildContext,
    day,
    figure,
    figures,
    heading,
    narrative,
    needs,
    table,
)


def finance_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Money, cost per learner and meal compensation of one part of the report (from the finance area)."""
    return needs(MONEY, heading(T(_("Finances"))), *finance_part_blocks(ctx, part))


def decimal_text(value: Decimal | None) -> str | None:
    """A percentage or points the selectors give (a Decimal with 2 places) as a decimal string without trailing
    zeros (75, 52.6)."""
    return None if value is None else format(value.normalize(), "f")


def money_text(value: Decimal | None) -> str | None:
    """An amount the finance selectors give (a Decimal) as euros with 2 places."""
    return None if value is None else str(money(value))


def _rate(value: Decimal | None) -> str | None:
    """A rate in euros a day (meal compensation) with 2 places, or 3 where the rate itself has a third (the
    state's half of 3.09 is 1.545: rounding it would misstate what is paid)."""
    if value is None:
        return None
    exact = Decimal(value)
    return str(money(exact)) if exact == money(exact) else format(exact.normalize(), "f")


PART_TYPES = {
    "preschool": {InstitutionType.PRESCHOOL.value},
    "general": {*GENERAL_SCHOOL_TYPES, InstitutionType.VOCATIONAL.value},
    "interest": {InstitutionType.INTEREST_EDUCATION.value, InstitutionType.INNOVATION_CENTRE.value},
}
PART_COST_KINDS = {"preschool": ["preschool_day", "preschool_24h"], "general": ["general"], "interest": ["interest"]}
PART_MEAL_LEVELS = {"preschool": {"preschool", ""}, "general": {"basic", "secondary", ""}, "interest": set()}


def _meal_rule_in_part(rule: dict[str, Any], part: str) -> bool:
    """A rule of the part's levels; a rule of every level that names grades is the schools' (grades are school
    grades), one that names none is both parts'."""
    if rule["level"] not in PART_MEAL_LEVELS[part]:
        return False
    return not (part == "preschool" and rule["level"] == "" and rule["grades"])


def _meal_grounds(meals: list[dict[str, Any]]) -> list[Block]:
    """A sentence on each rule with its grounds: the share of the price it covers and what decides who gets it."""
    return [
        sentences.meal_grounds(share=rule["covered_percent"], grounds=L(rule["grounds"]))
        for rule in meals
        if rule["grounds"] is not None and rule["covered_percent"] is not None
    ]


def _recipient(use: finance_selectors.AllocationUse) -> Any:
    """An allocation's recipient: the institution or group (a group's name in each language), or how many
    institutions a sum holds."""
    if use.institutions > 1:
        return NP("allocation recipients", "%(count)s institution", "%(count)s institutions", use.institutions)
    return L(use.recipient_names) if use.recipient_names else use.recipient_name


def _source(use: finance_selectors.AllocationUse) -> Any:
    """An allocation's funding source, its name in each language."""
    return L(use.source_names) if use.source_names else use.source_name


def _purpose(use: finance_selectors.AllocationUse) -> Any:
    return T(Purpose(use.purpose).label) if use.purpose in Purpose.values else use.purpose


def finance_part_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Allocations and their utilisation, cost per learner per month, and the meal compensation rules of a part."""
    blocks = [*_allocation_blocks(ctx, part), *_cost_blocks(ctx, part)]
    meals = [rule for rule in ctx.meal_rules if _meal_rule_in_part(rule, part)]
    if meals:
        blocks += [heading(T(_("Meal compensation"))), _meal_rules_table(ctx, part, meals)]
    blocks += _catering_blocks(ctx, part)
    # Seed 002 writes what decides the fully covered meals after the catering contracts.
    blocks += _meal_grounds(meals)
    if meals:
        blocks.append(narrative(f"{part}.meals", T(_("Meal organisation"))))
    return blocks


def _allocation_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """A sentence on each allocation for teaching aids, then the table of the part's allocations and their use."""
    # Seed 002's allocations to all preschools or all schools, each as it is; a country's allocations to single
    # institutions summed per purpose and source (the finance pages list them one by one).
    allocations = finance_selectors.summed_per_purpose(
        uses=[use for use in ctx.allocations if use.recipient_types and set(use.recipient_types) <= PART_TYPES[part]]
    )
    rows = [
        [
            _recipient(use),
            _purpose(use),
            _source(use),
            money_text(use.allocated),
            money_text(use.spent),
            decimal_text(use.utilisation),
        ]
        for use in allocations
    ]
    # A group's allocation is for its members ("9 pirmsskolas izglītības iestādēm"); one institution's for it, its
    # name in the dative ("… Daugavpils Centra vidusskolai").
    named = {use.recipient_name for use in allocations}
    members = dict(
        InstitutionSet.objects.visible_to(ctx.visible_to)
        .filter(name__in=named)
        .annotate(n=Count("members"))
        .values_list("name", "n")
    )
    datives = dict(Institution.objects.filter(name__in=named).values_list("name", "name_dative"))
    blocks: list[Block] = [
        sentences.allocation(
            source_code=use.source,
            source=_source(use),
            recipient=sentences.allocation_recipient(
                part=part,
                institutions=members.get(use.recipient_name, 0) if use.to_group else use.institutions,
                name="" if use.to_group or use.institutions > 1 else use.recipient_name,
                name_dative=datives.get(use.recipient_name, ""),
            ),
            year=use.year,
            amount=money_text(use.allocated),
            spent=money_text(use.spent),
            share=decimal_text(use.utilisation),
            as_of=ctx.money_as_of,
        )
        for use in allocations
        if use.purpose == Purpose.TEACHING_AIDS
    ]
    if rows:
        blocks.append(
            table(
                f"{part}.allocations",
                T(_("Allocations and their use as of %(date)s"), date=day(ctx.money_as_of)),
                [T(_("Recipient")), T(_("Purpose")), T(_("Source")), T(_("Allocated")), T(_("Spent")), T(_("Used"))],
                rows,
                units=["", "", "", "EUR", "EUR", "%"],
                chart=[5],
            )
        )
    return blocks


def _cost_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """The sentences on the cost of one learner per month of the part's programmes, then their table."""
    # One cost per programme, in the column that says which it is: the approved one (seed 002's), else the one
    # computed from the data; a sentence says what the computed one would be and why the two differ.
    costs = ctx.cost_per_learner
    kinds = [kind for kind in PART_COST_KINDS[part] if kind in costs]
    cost_rows = [
        [
            T(CostKind(kind).label),
            money_text(costs[kind]["approved"]) if costs[kind]["approved"] is not None else "",
            money_text(costs[kind]["computed"]) if costs[kind]["approved"] is None else "",
        ]
        for kind in kinds
        if costs[kind]["approved"] is not None or costs[kind]["computed"] is not None
    ]
    blocks: list[Block] = []
    for kind in kinds:
        blocks += sentences.cost_per_learner(
            kind,
            money_text(costs[kind]["approved"]),
            programme=T(CostKind(kind).label),
            computed=money_text(costs[kind]["computed"]),
            difference=money_text(costs[kind]["difference"]),
            spent_to=ctx.as_of,
        )
    columns: list[Text] = [T(_("Programme")), T(_("Approved")), T(_("Computed from the data"))]
    if not any(row[2] for row in cost_rows):  # every cost approved: no column of computed ones
        columns, cost_rows = columns[:2], [row[:2] for row in cost_rows]
    blocks.append(
        table(
            f"{part}.cost_per_learner",
            T(_("Cost of one learner per month")),
            columns,
            cost_rows,
            units=["", "EUR", "EUR"][: len(columns)],
        )
    )
    return blocks


def _meal_rules_table(ctx: BuildContext, part: str, meals: list[dict[str, Any]]) -> Block:
    """The meal compensation rules of the part in force on the report's date."""
    return table(
        f"{part}.meal_rules",
        T(_("Meal compensation rules in force on %(date)s"), date=day(ctx.as_of)),
        [
            T(_("Rule")),
            T(_("Grades")),
            T(_("Until (each year)")),
            T(_("Per day")),
            T(_("State pays")),
            T(_("Municipality pays")),
        ],
        [
            [
                L(rule["names"]),
                rule["grades"],
                sentences.until(rule["until"]),
                _rate(rule["price"]),
                _rate(rule["state"]),
                _rate(rule["municipal"]),
            ]
            for rule in meals
        ],
        units=["", "", "", "EUR", "EUR", "EUR"],
    )


PART_CATERING = {"preschool": "preschools", "general": "general_schools"}


def _catering_blocks(ctx: BuildContext, part: str) -> list[Block]:
    """Seed 002: "Plānots slēgt līgumus ar darbības termiņu 3 gadi par kopējo summu 14480941 EUR"; "Līgumu darbības
    termiņš 5 (pieci) gadi" (finance.selectors.catering_in_force)."""
    found = ctx.catering.get(PART_CATERING.get(part, ""))
    if found is None:
        return []
    items = [figure(f"{part}.catering.years", T(_("Term of the catering contracts (years)")), found["years"])]
    if found["total_amount"] is not None:
        items.append(
            figure(
                f"{part}.catering.total_amount",
                T(_("Total amount of the catering contracts")),
                money_text(found["total_amount"]),
                "EUR",
            )
        )
    # The procedure in each language (`procedures`) where the sentence writes it.
    details = {key: value for key, value in found.items() if key != "procedures"}
    details["procedure"] = L(found["procedures"]) if found.get("procedures") else found["procedure"]
    return [sentences.catering(part=part, **details), figures(*items)]
