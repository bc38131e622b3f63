"""Seed 002's section I, preschool education ("Pirmsskolas izglītība"): the statistics (institutions, groups,
children and the change), places, the queue and free places, the programmes, staff and vacancies, finances and
project activities."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import sort_key
from eduboard.registry.choices import InstitutionType, ProgrammeLevel
from eduboard.reports import sentences
from eduboard.reports.content import T
from eduboard.reports.readiness.base import (
    PROJECTS,
    STAFF,
    VACANCIES,
    Block,
    BuildContext,
    figure,
    figure_and_change,
    figures,
    heading,
    narrative,
    needs,
    table,
    type_label,
)
from eduboard.reports.readiness.finance import finance_blocks
from eduboard.reports.readiness.special_programmes import special_programmes_table
from eduboard.reports.readiness.staff import vacancies_blocks

LEVEL = ProgrammeLevel.PRESCHOOL.value


def section_preschool(ctx: BuildContext) -> list[Block]:
    """Preschool education: institutions, groups, children and the change, places, programmes, staff."""
    return [
        *_statistics_blocks(ctx),
        *_places_blocks(ctx),
        *_programmes_blocks(ctx),
        *_staff_blocks(ctx),
        *finance_blocks(ctx, "preschool"),
        *_projects_blocks(ctx),
        narrative("preschool.projects", T(_("Project activities"))),
    ]


def _groups_by_institution(ctx: BuildContext, level: str) -> dict[str, dict[str, int]]:
    """Per institution: groups, learners, capacity and free places in groups of one level."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: {"groups": 0, "learners": 0, "capacity": 0, "free": 0})
    for group in ctx.groups:
        if group.level != level:
            continue
        row = result[group.registration_number]
        row["groups"] += 1
        row["learners"] += group.enrolled
        row["capacity"] += group.capacity or 0
        row["free"] += group.free
    return result


def _statistics_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002's "Statistika": the preschools and the schools with preschool groups, the children and the groups
    against a year before, and the groups by institution."""
    stats = ctx.registry
    by_institution = _groups_by_institution(ctx, LEVEL)
    in_preschools = sum(
        row["groups"] for reg, row in by_institution.items() if ctx.institutions.get(reg, ("", ""))[1] == "preschool"
    )
    schools = [
        (ctx.name(reg), row["groups"])
        for reg, row in by_institution.items()
        if ctx.institutions.get(reg, ("", ""))[1] != InstitutionType.PRESCHOOL.value and row["groups"]
    ]
    preschools = ctx.municipal_by_type[InstitutionType.PRESCHOOL.value]
    return [
        heading(T(_("Statistics (institutions, learners)"))),
        *sentences.preschool_statistics(
            year=stats["school_year"],
            as_of=ctx.as_of,
            preschools=preschools,
            groups_in_preschools=in_preschools,
            schools=schools,
            children_now=stats["learners_by_level"][LEVEL],
            children_before=stats["learners_by_level_year_before"][LEVEL],
            groups_now=stats["groups_by_level"][LEVEL],
            groups_before=stats["groups_by_level_year_before"][LEVEL],
        ),
        _statistics_figures(stats, preschools=preschools, schools=len(schools), in_preschools=in_preschools),
        _groups_table(ctx, by_institution),
        narrative("preschool.statistics", T(_("Comment on the statistics"))),
    ]


def _statistics_figures(stats: dict[str, Any], *, preschools: int, schools: int, in_preschools: int) -> Block:
    return figures(
        figure("preschool.institutions", T(_("Preschools")), preschools),
        figure("preschool.schools_with_groups", T(_("Schools with preschool groups")), schools),
        figure("preschool.groups_in_preschools", T(_("Groups in preschools")), in_preschools),
        *figure_and_change(
            "preschool.children",
            T(_("Children in preschool programmes")),
            T(_("Change in children against a year before")),
            stats["learners_by_level"][LEVEL],
            stats["learners_by_level_year_before"][LEVEL],
        ),
        *figure_and_change(
            "preschool.groups",
            T(_("Preschool groups")),
            T(_("Change in groups against a year before")),
            stats["groups_by_level"][LEVEL],
            stats["groups_by_level_year_before"][LEVEL],
        ),
    )


def _groups_table(ctx: BuildContext, by_institution: dict[str, dict[str, int]]) -> Block:
    """Each institution's preschool groups, children and free places, with the totals of the level."""
    stats = ctx.registry
    rows = [
        [ctx.name(reg), type_label(ctx.institutions.get(reg, ("", ""))[1]), row["groups"], row["learners"], row["free"]]
        for reg, row in sorted(by_institution.items(), key=lambda item: sort_key(ctx.name(item[0])))
    ]
    return table(
        "preschool.groups_by_institution",
        T(_("Preschool groups by institution")),
        [T(_("Institution")), T(_("Type")), T(_("Groups")), T(_("Children")), T(_("Free places"))],
        rows,
        total=[
            T(_("Total")),
            "",
            stats["groups_by_level"][LEVEL],
            stats["learners_by_level"][LEVEL],
            stats["free_places_preschool"]["total"],
        ],
        chart=[2],
    )


def _places_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002's "Nodrošinājums ar vietām ..., rinda, brīvas vietas": the queue and the free places."""
    stats = ctx.registry
    free = stats["free_places_preschool"]
    blocks: list[Block] = [
        heading(T(_("Places, queue, free places"))),
        *sentences.preschool_places(
            queue=stats["queue_length"],
            free_in_preschools=free["preschools"],
            free_in_schools=free["schools"],
            free_total=free["total"],
        ),
        figures(
            figure("preschool.queue", T(_("Children in the queue")), stats["queue_length"]),
            figure("preschool.free_in_preschools", T(_("Free places in preschools")), free["preschools"]),
            figure("preschool.free_in_schools", T(_("Free places in schools' preschool groups")), free["schools"]),
            figure("preschool.free_total", T(_("Free places in all")), free["total"]),
        ),
    ]
    if stats["queue_by_age"]:
        blocks.append(
            table(
                "preschool.queue_by_age",
                T(_("Queue by age")),
                [T(_("Age")), T(_("Children"))],
                [[age, count] for age, count in stats["queue_by_age"].items()],
                chart=[1],
            )
        )
    return blocks


def _programmes_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002's "Izglītības programmas": the special preschool programmes, then the board's comment."""
    return [
        heading(T(_("Education programmes"))),
        special_programmes_table(ctx, "preschool.special_programmes", LEVEL, T(_("Special preschool programmes"))),
        narrative("preschool.programmes", T(_("Programmes: language of instruction and changes"))),
    ]


def _staff_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002's "Personāls": the pedagogues of the preschool programmes, the open vacancies at the preschools,
    then the board's comment."""
    staff = ctx.people["preschool_programme_pedagogues"]
    return [
        *needs(
            STAFF,
            heading(T(_("Staff"))),
            sentences.preschool_staff(
                in_preschools=staff["preschools"]["pedagogues"],
                several=staff["preschools"]["in_several_institutions"],
                in_schools=staff["schools"]["pedagogues"],
                schools_several=staff["schools"]["in_several_institutions"],
                total=staff["pedagogues"],
            ),
            figures(
                figure(
                    "preschool.pedagogues_in_preschools",
                    T(_("Pedagogues in preschools")),
                    staff["preschools"]["pedagogues"],
                ),
                figure(
                    "preschool.pedagogues_in_preschools_several",
                    T(_("of them working in several institutions")),
                    staff["preschools"]["in_several_institutions"],
                ),
                figure(
                    "preschool.pedagogues_in_schools",
                    T(_("Pedagogues in schools' preschool programmes")),
                    staff["schools"]["pedagogues"],
                ),
                figure(
                    "preschool.pedagogues_in_schools_several",
                    T(_("of them working in several institutions")),
                    staff["schools"]["in_several_institutions"],
                ),
                figure("preschool.pedagogues", T(_("Pedagogues in preschool programmes in all")), staff["pedagogues"]),
            ),
        ),
        *needs(VACANCIES, *vacancies_blocks(ctx, "preschool.vacancies", {InstitutionType.PRESCHOOL.value})),
        *needs(STAFF, narrative("preschool.staff", T(_("Comment on staff and qualifications")))),
    ]


def _projects_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002's "Projektu aktivitātes": the institutions in eTwinning projects."""
    return needs(
        PROJECTS,
        heading(T(_("Project activities"))),
        figures(
            figure(
                "preschool.etwinning_institutions",
                T(_("Preschool programme institutions in eTwinning projects")),
                len(ctx.projects["etwinning_institutions"]),
            ),
        ),
        table(
            "preschool.etwinning",
            T(_("Institutions in eTwinning projects")),
            [T(_("Institution"))],
            [[name] for name in ctx.projects["etwinning_institutions"]],
        ),
    )
