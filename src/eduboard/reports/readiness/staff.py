"""The staff parts the preschool and general sections share (seed 002's "Personāls"): the open vacancies at the
board's own institutions, as a sentence and a table, and how an FTE rate is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import sort_key
from eduboard.reports import sentences
from eduboard.reports.content import D, T
from eduboard.reports.readiness.base import Block, BuildContext, day, table


def fte_text(value: Decimal) -> str:
    """An FTE rate as the people selectors give it (a Decimal, 3 places at most), as an exact decimal string."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _open_vacancies(ctx: BuildContext, types: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """(institution's name, position) of each open vacancy at the board's own institutions of `types`, in Latvian
    order of the institutions (a state-founded institution's vacancies are not the board's)."""
    found = []
    for number_, entry in sorted(ctx.people["vacancies"].items(), key=lambda item: sort_key(item[1]["institution"])):
        if ctx.institutions.get(number_, ("", ""))[1] in types and not ctx.is_state_founded(number_):
            found += [(entry["institution"], position) for position in entry["positions"]]
    return found


def _vacancies_table(ctx: BuildContext, key: str, vacancies: list[tuple[str, dict[str, Any]]]) -> Block:
    rows = []
    for institution, position in vacancies:
        title = position["position_name"] + (f" ({position['subject']})" if position["subject"] else "")
        filled: str | None = position.get("filled_on")
        by_start = D(date.fromisoformat(filled)) if filled and filled <= ctx.school_year_start.isoformat() else ""
        rows.append([institution, title, fte_text(position["fte"]), by_start])
    return table(
        key,
        T(_("Open vacancies on %(date)s"), date=day(ctx.on("staff"))),
        [T(_("Institution")), T(_("Position")), T(_("FTE rate")), T(_("To be filled by"))],
        rows,
        units=["", "", "FTE", ""],
        total=[T(_("Total")), len(rows), fte_text(sum((p["fte"] for _i, p in vacancies), Decimal(0))), ""],
    )


def vacancies_blocks(ctx: BuildContext, key: str, types: set[str]) -> list[Block]:
    """The sentence listing the open vacancies (seed 002: "logopēds (0,5 likmes), ..."), then their table."""
    vacancies = _open_vacancies(ctx, types)
    several_places = len(types) > 1
    items = [
        sentences.vacancy_item(
            position, institution=institution if several_places else "", school_starts=ctx.school_year_start
        )
        for institution, position in vacancies
    ]
    return [sentences.vacancies(as_of=ctx.on("staff"), items=items), _vacancies_table(ctx, key, vacancies)]
