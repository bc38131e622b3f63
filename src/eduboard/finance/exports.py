"""Finance documents: the meal compensation XLSX for accounting, settlement statements in XLSX and PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eduboard.core.exports import xlsx_safe_row
from eduboard.finance.selectors import MealComputation

MONEY_FORMAT = "#,##0.00"
PER_DAY_FORMAT = "0.000"


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Worksheet:
    """A sheet of a bold header row and `rows`; text that looks like a formula is written as text."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(xlsx_safe_row(sheet, headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_safe_row(sheet, row))
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(row[index - 1])) for row in rows]) if rows else len(header)
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    return sheet


def _format(sheet: Worksheet, columns: dict[int, str]) -> None:
    """Give the data rows' columns (numbered from 1) their number formats."""
    for row in sheet.iter_rows(min_row=2):
        for index, number_format in columns.items():
            row[index - 1].number_format = number_format


def meal_workbook(computation: MealComputation) -> bytes:
    """The month's compensation: one row per learner and rule, a sheet per rule, totals."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    headers = [
        _("Learner"),
        _("Personal code"),
        _("Group"),
        _("Rule"),
        _("Days"),
        _("Per day (EUR)"),
        _("State per day"),
        _("Municipality per day"),
        _("Total (EUR)"),
        _("State (EUR)"),
        _("Municipality (EUR)"),
    ]
    rows = [
        [
            line.name,
            line.masked_code,
            line.group,
            line.rule_name,
            line.days,
            line.price_per_day,
            line.state_per_day,
            line.municipal_per_day,
            line.total,
            line.state,
            line.municipal,
        ]
        for line in computation.lines
    ]
    totals = computation.totals
    rows.append(
        [
            _("Total"),
            "",
            "",
            "",
            sum(line.days for line in computation.lines),
            "",
            "",
            "",
            totals["total"],
            totals["state"],
            totals["municipal"],
        ]
    )
    sheet = _sheet(workbook, _("Learners"), headers, rows)
    _format(
        sheet,
        {6: PER_DAY_FORMAT, 7: PER_DAY_FORMAT, 8: PER_DAY_FORMAT, 9: MONEY_FORMAT, 10: MONEY_FORMAT, 11: MONEY_FORMAT},
    )
    by_rule = computation.by_rule()
    sheet = _sheet(
        workbook,
        _("By rule"),
        [_("Rule"), _("Code"), _("Learners"), _("Days"), _("Total (EUR)"), _("State (EUR)"), _("Municipality (EUR)")],
        [[r["rule"], r["code"], r["learners"], r["days"], r["total"], r["state"], r["municipal"]] for r in by_rule],
    )
    _format(sheet, {5: MONEY_FORMAT, 6: MONEY_FORMAT, 7: MONEY_FORMAT})
    _sheet(
        workbook,
        _("About"),
        [_("Institution"), _("Registration number"), _("Month"), _("School days"), _("Preschool days")],
        [
            [
                computation.institution.name,
                computation.institution.registration_number,
                computation.month.strftime("%Y-%m"),
                computation.school_days["schools"],
                computation.school_days["preschools"],
            ]
        ],
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def statement_workbook(statement: dict[str, Any]) -> bytes:
    """A settlement statement with one municipality (or all): its lines and totals."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    headers = [
        _("Municipality"),
        _("Direction"),
        _("Level"),
        _("Period from"),
        _("Period to"),
        _("Learners"),
        _("Months"),
        _("Cost per learner per month (EUR)"),
        _("Amount (EUR)"),
    ]
    rows = [
        [
            line.municipality.name,
            str(line.get_direction_display()),
            str(line.get_level_display()),
            line.period_start,
            line.period_end,
            line.learners,
            line.months,
            line.monthly_cost,
            line.amount,
        ]
        for line in statement["lines"]
    ]
    sheet = _sheet(workbook, _("Lines"), headers, rows)
    _format(sheet, {4: "yyyy-mm-dd", 5: "yyyy-mm-dd", 8: MONEY_FORMAT, 9: MONEY_FORMAT})
    totals = statement["totals"]
    sheet = _sheet(
        workbook,
        _("Totals"),
        [_("Figure"), _("Value")],
        [
            [_("Period"), f"{statement['date_from']:%Y-%m-%d} – {statement['date_to']:%Y-%m-%d}"],
            [_("Learners coming in"), totals["incoming"]["learners_total"]],
            [_("Residents going out"), totals["outgoing"]["learners_total"]],
            [_("Receivable (EUR)"), totals["receivable"]],
            [_("Due (EUR)"), totals["due"]],
            [_("Balance (EUR)"), totals["balance"]],
        ],
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def statement_pdf(statement: dict[str, Any]) -> bytes:
    """The same statement as a PDF (WeasyPrint, from the HTML template the page uses)."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only documents need it

    html = render_to_string("finance/settlement_statement_pdf.html", statement)
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
