"""The staff parts the preschool and general sections share (seed 002's "Personāls"): the open vacancies at the
board's own institutions, as a sentence and a table, and how an FTE rate is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import sort_key
from eduboard.registry.models import Institution
from eduboard.reports import sentences
from eduboard.reports.content import D, L, T, Text, joined
from eduboard.reports.readiness.base import Block, BuildContext, day, table


def fte_text(value: Decimal) -> str:
    """An FTE rate as the people selectors give it (a Decimal, 3 places at most), as an exact decimal string."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _open_vacancies(ctx: BuildContext, types: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """(institution's name, position) of each open vacancy at the board's own institutions of `types`, in Latvian
    order of the institutions (the context's figures are the board's own institutions': a state-founded
    institution's vacancies are not the board's)."""
    found = []
    for number_, entry in sorted(ctx.people["vacancies"].items(), key=lambda item: sort_key(item[1]["institution"])):
        if ctx.institutions.get(number_, ("", ""))[1] in types:
            found += [(entry["institution"], position) for position in entry["positions"]]
    return found


def _titles(ctx: BuildContext, position: dict[str, Any]) -> tuple[Text, Text | None]:
    """A vacancy's position and subject in each language: the position kind's names, and the names of the subject
    its text names (quality.subjects), the text as written where it names none."""
    names = position.get("position_names") or {"lv": position["position_name"]}
    subject = position["subject"]
    return L(names), ctx.subject_text(subject) if subject else None


def _vacancies_table(ctx: BuildContext, key: str, vacancies: list[tuple[str, dict[str, Any]]]) -> Block:
    rows = []
    for institution, position in vacancies:
        name, subject = _titles(ctx, position)
        title = joined(name, subject) if subject is not None else name
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
    items: dict[str, list[Text]] = {}
    for institution, position in vacancies:
        name, subject = _titles(ctx, position)
        items.setdefault(institution, []).append(
            sentences.vacancy_item(
                position, school_starts=ctx.school_year_start, position_title=name, subject_title=subject
            )
        )
    if len(types) > 1:
        # Several kinds of institution (the schools): a list by institution, each named in the locative.
        locatives = dict(Institution.objects.filter(name__in=items).values_list("name", "name_locative"))
        places = [(name, locatives.get(name) or name, posts) for name, posts in items.items()]
        sentence = sentences.vacancies_by_institution(as_of=ctx.on("staff"), places=places)
    else:
        sentence = sentences.vacancies(
            as_of=ctx.on("staff"), items=[post for posts in items.values() for post in posts]
        )
    return [sentence, _vacancies_table(ctx, key, vacancies)]
