"""The ministry's page: the boards side by side (`/national/`), with CSV and XLSX of the same table.

Figures only: the page reads `reports.national.national_comparison` (the areas' selectors, each narrowed to a
board), never a learner's or an employee's row. The ministry and superusers compare every board, a board's
administrator or analyst the boards they work for; anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from eduboard.accounts.roles import may_compare_boards
from eduboard.core.exports import EXPORT_FORMATS, Column, table_response
from eduboard.quality.choices import ExamKind
from eduboard.registry.board_scope import SMALLEST_SHOWN
from eduboard.registry.filters import AsOfForm
from eduboard.reports.national import compared_board_ids, national_comparison


@dataclass(frozen=True)
class Figure:
    """One figure column: its key in the rows, its header, and whether it is a count (None then means withheld,
    "<5") or a decimal (None means no data, "—")."""

    key: str
    header: StrOrPromise
    count: bool = False
    signed: bool = False  # a difference: "+" when above


def figure_columns(rows: list[dict[str, Any]]) -> list[Figure]:
    """The figure columns, the exams' headers naming the year compared (from the rows)."""
    first = rows[0] if rows else {}
    columns = [
        Figure("learners", _("Learners"), count=True),
        Figure("groups", _("Groups"), count=True),
        Figure("free_places", _("Free places"), count=True),
        Figure("pedagogues", _("Pedagogues"), count=True),
        Figure("vacancies_fte", _("Open vacancies, FTE")),
        Figure("cost_general", _("Cost per learner a month, general education, EUR")),
        Figure("cost_preschool_day", _("Cost per learner a month, preschool day groups, EUR")),
    ]
    for key, exam in (("ce_basic", ExamKind.CE_BASIC), ("ce_secondary", ExamKind.CE_SECONDARY)):
        year = first.get(f"{key}_year")
        name = f"{exam.label} {year}" if year else str(exam.label)
        columns.append(Figure(f"{key}_mean", gettext("%(exam)s: mean, %%") % {"exam": name}))
        columns.append(
            Figure(f"{key}_gap", gettext("%(exam)s: against the nation, points") % {"exam": name}, signed=True)
        )
    columns += [
        Figure("survey", _("Survey (the board's latest by the date)")),
        Figure("survey_responses", _("Survey responses"), count=True),
        Figure("survey_response_rate", _("Survey response rate, %")),
    ]
    return columns


def _cell(figure: Figure) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[figure.key]


def national_view(request: HttpRequest) -> HttpResponse:
    """The boards side by side as of a date (`?as_of=YYYY-MM-DD`), a total row below; `?export=csv|xlsx` gives
    the same table as a file (a withheld count is an empty cell)."""
    if not may_compare_boards(request.user):
        raise PermissionDenied
    form = AsOfForm(request.GET or None)
    as_of: date = form.as_of_date()
    rows = national_comparison(as_of, board_ids=compared_board_ids(request.user))
    figures = figure_columns(rows)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        columns = [
            Column(_("Board"), lambda row: row["name"]),
            Column(_("Code"), lambda row: row["code"]),
            *(Column(figure.header, _cell(figure)) for figure in figures),
        ]
        return table_response(filename=f"boards-{as_of.isoformat()}", fmt=fmt, columns=columns, rows=rows)
    table = [
        {
            "row": row,
            "cells": [
                {
                    "value": row[figure.key],
                    "withheld": figure.count and row[figure.key] is None,
                    "signed": figure.signed,
                }
                for figure in figures
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "reports/national.html",
        {
            "form": form,
            "as_of": as_of,
            "figures": figures,
            "table": table,
            "export_formats": EXPORT_FORMATS,
            "smallest_shown": SMALLEST_SHOWN,
            "all_boards": compared_board_ids(request.user) is None,
        },
    )
