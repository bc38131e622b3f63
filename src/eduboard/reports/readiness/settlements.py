"""Section IV of seed 002, inter-municipal settlements ("Pašvaldību savstarpējie norēķini"): learners coming from
other municipalities and residents learning elsewhere, by level, and the money paid and received."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from eduboard.core.scope import sees_whole_city
from eduboard.finance import selectors as finance_selectors
from eduboard.registry.choices import ProgrammeLevel
from eduboard.reports import sentences
from eduboard.reports.content import P, T
from eduboard.reports.readiness.base import (
    SCHOOL_LEVELS,
    SETTLEMENTS,
    Block,
    BuildContext,
    figure,
    figures,
    heading,
    level_label,
    needs,
    period,
    table,
)
from eduboard.reports.readiness.finance import money_text


def section_settlements(ctx: BuildContext) -> list[Block]:
    """Inter-municipal settlements: learners coming in and residents learning elsewhere, and the money."""
    stats = ctx.registry
    levels = [ProgrammeLevel.PRESCHOOL.value, *SCHOOL_LEVELS]
    incoming, outgoing = stats["learners_from_other_municipalities"], stats["residents_learning_elsewhere"]
    rows = [[level_label(level), incoming[level], outgoing[level]] for level in levels]
    return [
        *sentences.settlements(
            incoming=[(level, level_label(level), incoming[level]) for level in levels],
            incoming_total=stats["learners_from_other_municipalities_total"],
            outgoing=[(level, level_label(level), outgoing[level]) for level in levels],
            outgoing_total=stats["residents_learning_elsewhere_total"],
        ),
        figures(
            figure(
                "settlements.incoming",
                T(_("Learners from other municipalities learning in the city")),
                stats["learners_from_other_municipalities_total"],
            ),
            figure(
                "settlements.outgoing",
                T(_("Residents learning in other municipalities")),
                stats["residents_learning_elsewhere_total"],
            ),
        ),
        table(
            "settlements.learners",
            T(_("Learners between municipalities by level")),
            [P("education level", "Level"), T(_("From other municipalities")), T(_("Learning elsewhere"))],
            rows,
            total=[
                T(_("Total")),
                stats["learners_from_other_municipalities_total"],
                stats["residents_learning_elsewhere_total"],
            ],
            chart=[1, 2],
        ),
        *settlement_money_blocks(ctx),
    ]


def settlement_money_blocks(ctx: BuildContext) -> list[Block]:
    """Expenses and income of the settlements from 1 January to 31 August of the report's year (finance area)."""
    if not sees_whole_city(ctx.visible_to):
        return []
    period_from, period_to = date(ctx.as_of.year, 1, 1), date(ctx.as_of.year, 8, 31)
    summary = finance_selectors.settlement_summary(date_from=period_from, date_to=period_to, visible_to=ctx.visible_to)
    return needs(
        SETTLEMENTS,
        heading(T(_("Money flow"))),
        figures(
            figure(
                "settlements.expenses",
                T(
                    _("Paid to other municipalities %(from)s–%(to)s"),
                    **period(period_from, period_to),
                ),
                money_text(summary["due_total"]),
                "EUR",
            ),
            figure(
                "settlements.income",
                T(
                    _("Received from other municipalities %(from)s–%(to)s"),
                    **period(period_from, period_to),
                ),
                money_text(summary["receivable_total"]),
                "EUR",
            ),
            figure("settlements.balance", T(_("Balance")), money_text(summary["balance"]), "EUR"),
        ),
        table(
            "settlements.by_municipality",
            T(_("Settlements by municipality")),
            [T(_("Municipality")), T(_("Learners coming")), T(_("Receivable")), T(_("Residents going")), T(_("Due"))],
            [
                [
                    row["municipality"],
                    row["incoming"]["learners_total"],
                    money_text(row["receivable"]),
                    row["outgoing"]["learners_total"],
                    money_text(row["due"]),
                ]
                for row in summary["municipalities"]
            ],
            units=["", "", "EUR", "", "EUR"],
            total=[
                T(_("Total")),
                summary["incoming"]["learners_total"],
                money_text(summary["receivable_total"]),
                summary["outgoing"]["learners_total"],
                money_text(summary["due_total"]),
            ],
            chart=[2, 4],
        ),
    )
