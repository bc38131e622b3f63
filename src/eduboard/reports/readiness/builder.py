"""The readiness report assembled: seed 002's sections in its order (I-IX, without V), each built by its own
module from one `BuildContext`, and the report's header, dates and sections as JSON-ready data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.core.translated import FALLBACK
from eduboard.registry.boards import board_for
from eduboard.reports.content import L, T
from eduboard.reports.readiness.base import (
    DATE_AREAS,
    LEARNERS,
    OBSERVATIONS,
    READ_REPORT,
    Block,
    BuildContext,
    Progress,
    declared,
    narrative,
)
from eduboard.reports.readiness.events import section_events
from eduboard.reports.readiness.festival import section_decisions
from eduboard.reports.readiness.general import section_general
from eduboard.reports.readiness.interest import section_interest
from eduboard.reports.readiness.preschool import section_preschool
from eduboard.reports.readiness.quality import section_quality
from eduboard.reports.readiness.resources import section_resources
from eduboard.reports.readiness.settlements import section_settlements


def section_text(slot: str, label: Any) -> Callable[[BuildContext], list[Block]]:
    """A section of narrative only (decisions, challenges, safety, events)."""

    def build(ctx: BuildContext) -> list[Block]:
        return [narrative(slot, T(label))]

    return build


@dataclass(frozen=True)
class Section:
    """One section of the report: a stable key, its title, the function that builds its blocks, and the
    permission its reader needs for the blocks that declare none of their own (see `needs`)."""

    key: str
    title: Any
    build: Callable[[BuildContext], list[Block]]
    permission: str
    numeral: str = ""  # seed 002's own numbering (it has no V); "" inside a part, which carries the numeral
    part: Any = None  # the part this section opens or belongs to (seed 002's "I. Vispārēja informācija ...")
    names_year: bool = False  # the title names the school year: "%(year)s" in it takes the report's year


GENERAL_PART = _("General information on education institutions")

SECTIONS: list[Section] = [
    Section("preschool", _("Preschool education"), section_preschool, LEARNERS, "I", GENERAL_PART),
    Section("general", _("General basic and secondary education"), section_general, LEARNERS, "I", GENERAL_PART),
    Section("interest", _("Interest education institutions"), section_interest, LEARNERS, "I", GENERAL_PART),
    Section("resources", _("Learning resources and digital solutions"), section_resources, READ_REPORT, "II"),
    Section("quality", _("Quality monitoring of education"), section_quality, OBSERVATIONS, "III"),
    Section("settlements", _("Inter-municipal settlements"), section_settlements, LEARNERS, "IV"),
    Section(
        "decisions",
        _("Important government decisions for the start of the year"),
        section_decisions,  # the board's text, then the festival in words (seed 002 repeats it there)
        READ_REPORT,
        "VI",
    ),
    Section(
        "challenges",
        _("Challenges of the %(year)s school year"),
        section_text("challenges.text", _("Challenges")),
        READ_REPORT,
        "VII",
        names_year=True,
    ),
    Section(
        "safety",
        _("Measures for learners' safety"),
        section_text("safety.text", _("Cooperation with the police and safety measures")),
        READ_REPORT,
        "VIII",
    ),
    Section(
        "events",
        _("Administrative and methodological events planned for August to November"),
        section_events,
        READ_REPORT,
        "IX",
    ),
]


def build_readiness(
    *, as_of: date, visible_to: Viewer, progress: Progress | None = None, dates: dict[str, date] | None = None
) -> dict[str, Any]:
    """The readiness report's content as of a date, scoped like every read, as JSON-ready data; every block
    declares the permission its reader needs (`reports.selectors.content_for_reader` applies them). `dates` gives
    areas of DATE_AREAS a date of their own (`reports.services.clean_dates` checks them)."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to, dates=dict(dates or {}))
    sections = []
    # Built in the language data is registered in, whoever asks: a text the areas give is then the registered
    # (Latvian) one, and the content keeps it with its translations (`L`), so one edition reads in each language.
    with translation.override(FALLBACK):
        for done, section in enumerate(SECTIONS, start=1):
            blocks = declared(section.build(ctx), section.permission)
            title = (
                T(section.title, year={"y": ctx.registry["school_year"]}) if section.names_year else T(section.title)
            )
            entry: dict[str, Any] = {"key": section.key, "title": title, "numeral": section.numeral, "blocks": blocks}
            if section.part is not None:
                entry["part"] = T(section.part)
            sections.append(entry)
            if progress is not None:
                progress(done, len(SECTIONS), section.key)
    names = board_for(visible_to).names_in_languages()
    return {
        "kind": "readiness",
        # Seed 002's header: an annex to the council's decision, whose date and number the council fills in.
        # The names in each language (the board's data, registry.boards), written in the report's language.
        "header": {
            "council": L(names["council_genitive"]),
            "board": L(names["board"]),
            "board_genitive": L(names["board_genitive"]),
            "year": as_of.year,
        },
        "school_year": ctx.registry["school_year"],
        "as_of": as_of.isoformat(),
        # The date each area's figures were read on (seed 002: pupils and vacancies 19.08, money 14.08).
        "dates": {area: ctx.on(area).isoformat() for area in DATE_AREAS},
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "whole_city": sees_whole_city(visible_to),
        "sections": sections,
    }
