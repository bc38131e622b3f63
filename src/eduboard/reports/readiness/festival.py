"""The festival the city's creative collectives prepare for (seed 002: the XIII song and dance festival of July 2025),
in section I.3 with its figures and table, and again in section VI ("Par Skolēnu dziesmu un deju svētkiem") in words
beside the board's text; from interest education's participation rows (`BuildContext.festivals`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.interest.models import CollectiveKind
from eduboard.reports import sentences_interest
from eduboard.reports.content import L, T, Text
from eduboard.reports.readiness.base import Block, BuildContext, figure, figures, heading, narrative, needs, table

#: Festival rows are read by whoever may read interest education's participation records.
FESTIVAL = "interest.view_festivalparticipation"


def _name(found: dict[str, Any]) -> Text:
    """The festival's name in the report's language (`L`), the Latvian where it has no translation."""
    return L(found["festival_names"]) if found.get("festival_names") else found["festival"]


def festival_blocks(ctx: BuildContext) -> list[Block]:
    """Section I.3: per festival of the report's school year, its sentences, its figures (collectives, institutions,
    other bodies, participants) and the collectives by kind."""
    blocks: list[Block] = []
    for index, found in enumerate(ctx.festivals):
        key = "interest.festival" if index == 0 else f"interest.festival.{index + 1}"
        blocks += [
            heading(T(_("%(festival)s (%(year)s)"), festival=_name(found), year=found["year"]), 3),
            *sentences_interest.festival(found),
            figures(
                figure(
                    f"{key}.collectives", T(_("Creative collectives preparing for the festival")), found["collectives"]
                ),
                figure(f"{key}.institutions", T(_("Institutions they come from")), found["institutions"]),
                figure(f"{key}.bodies", T(_("Other bodies they come from")), len(found["bodies"])),
                figure(f"{key}.participants", T(_("Participants")), found["participants"]),
            ),
            table(
                f"{key}.by_kind",
                T(_("Collectives by kind")),
                [
                    T(_("Kind of collective")),
                    T(_("Collectives")),
                    T(_("Institutions and other bodies")),
                    T(_("Participants")),
                ],
                [
                    [
                        T(CollectiveKind(kind).label) if kind in CollectiveKind.values else kind,
                        of_kind["collectives"],
                        of_kind["institutions"],
                        of_kind["participants"],
                    ]
                    for kind, of_kind in found["by_kind"].items()
                ],
                total=[
                    T(_("Total")),
                    found["collectives"],
                    found["institutions"] + len(found["bodies"]),
                    found["participants"],
                ],
            ),
        ]
    return needs(FESTIVAL, *blocks) if blocks else []


def section_decisions(ctx: BuildContext) -> list[Block]:
    """Section VI: the board's text on the government's decisions, then the festival in words (seed 002 repeats it
    there: "Šiem svētkiem Daugavpils valstspilsētā gatavojas 60 radošie kolektīvi ...")."""
    blocks: list[Block] = [narrative("decisions.text", T(_("Decisions and what they mean for the institutions")))]
    for found in ctx.festivals:
        blocks += needs(FESTIVAL, *sentences_interest.festival(found))
    return blocks
