"""The report's key figures for a user's home (`key_figures`): the same keys as the report's figures, on one date,
and two charts, each declaring the permission its reader needs as the report's blocks do."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.figures_cache import cached_figures
from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.registry.choices import ProgrammeLevel
from eduboard.reports.content import P, T
from eduboard.reports.readiness.base import (
    LEARNERS,
    STAFF,
    VACANCIES,
    Block,
    BuildContext,
    declared,
    figure,
    level_label,
    needs,
    table,
    type_label,
)
from eduboard.reports.readiness.general import pupils
from eduboard.reports.readiness.staff import fte_text


@cached_figures("registry", "people", beyond_scope=("people",))
def key_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The report's key figures and two charts for a dashboard, scoped to the user's institutions; each
    figure and table declares the permission its reader needs, as the report's blocks do. A board's figures are
    its own institutions' (`BuildContext.boards_figures`); an institution's role reads its institutions', whoever
    founded them (a state-founded school's head sees their school's)."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to, residents=False, boards_figures=sees_whole_city(visible_to))
    stats, people = ctx.registry, ctx.people
    return {
        "as_of": as_of.isoformat(),
        "school_year": stats["school_year"],
        "figures": declared(_key_items(stats, people), LEARNERS),
        "tables": declared(_key_tables(stats, people), LEARNERS),
    }


def _key_items(stats: dict[str, Any], people: dict[str, Any]) -> list[dict[str, Any]]:
    """The key figures: preschool children, groups, free places and the queue, pupils, first graders, grade 10,
    pedagogues, open vacancies and the learners from other municipalities."""
    preschool = ProgrammeLevel.PRESCHOOL.value
    return [
        figure(
            "preschool.children",
            T(_("Children in preschool programmes")),
            stats["learners_by_level"][preschool],
            before=stats["learners_by_level_year_before"][preschool],
        ),
        figure(
            "preschool.groups",
            T(_("Preschool groups")),
            stats["groups_by_level"][preschool],
            before=stats["groups_by_level_year_before"][preschool],
        ),
        figure("preschool.free_total", T(_("Free preschool places")), stats["free_places_preschool"]["total"]),
        figure("preschool.queue", T(_("Children in the queue")), stats["queue_length"]),
        figure(
            "general.pupils",
            T(_("Pupils in general education")),
            pupils(stats, "learners_by_level"),
            before=pupils(stats, "learners_by_level_year_before"),
        ),
        figure(
            "general.first_graders",
            T(_("First graders")),
            stats["first_graders"],
            before=stats["first_graders_year_before"],
        ),
        figure(
            "general.grade10",
            T(_("Admitted to grade 10")),
            stats["grade10_admitted"],
            before=stats["grade10_admitted_year_before"],
        ),
        *needs(STAFF, figure("people.pedagogues", T(_("Pedagogues")), people["pedagogues_total"])),
        *needs(
            VACANCIES,
            figure(
                "people.vacancies_fte", T(_("Open vacancies (FTE)")), fte_text(people["vacancies_fte_total"]), "FTE"
            ),
        ),
        figure(
            "registry.from_other_municipalities",
            T(_("From other municipalities")),
            stats["learners_from_other_municipalities_total"],
        ),
    ]


def _key_tables(stats: dict[str, Any], people: dict[str, Any]) -> list[Block]:
    """The learners by level against a year before, and the pedagogues by institution type."""
    levels = [
        level
        for level in stats["learners_by_level"]
        if stats["learners_by_level"][level] or stats["learners_by_level_year_before"][level]
    ]
    return [
        table(
            "dashboard.learners_by_level",
            T(_("Learners by level")),
            [P("education level", "Level"), T(_("Learners")), T(_("A year before"))],
            [
                [level_label(level), stats["learners_by_level"][level], stats["learners_by_level_year_before"][level]]
                for level in levels
            ],
            chart=[1, 2],
        ),
        *needs(
            STAFF,
            table(
                "dashboard.pedagogues_by_type",
                T(_("Pedagogues by institution type")),
                [T(_("Type")), T(_("Pedagogues")), T(_("in several institutions"))],
                [
                    [type_label(kind), counts["pedagogues"], counts["in_several_institutions"]]
                    for kind, counts in people["pedagogues_by_institution_type"].items()
                    if counts["pedagogues"]
                ],
                chart=[1],
            ),
        ),
    ]
