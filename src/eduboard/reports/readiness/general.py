"""Seed 002's section I, general basic and secondary education ("Vispārējā pamatizglītība un vidējā izglītība"):
the statistics (schools, the state-founded institutions apart, pupils, first graders and grade 10 against a year
before), the programmes, staff and vacancies, finances and project activities (Erasmus+)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.registry.choices import Founder, InstitutionType, ProgrammeLevel
from eduboard.reports import sentences
from eduboard.reports.content import L, P, T
from eduboard.reports.readiness.base import (
    GENERAL_TYPES,
    PROJECTS,
    SCHOOL_LEVELS,
    STAFF,
    VACANCIES,
    Block,
    BuildContext,
    figure,
    figure_and_change,
    figures,
    heading,
    level_label,
    narrative,
    needs,
    table,
    type_label,
)
from eduboard.reports.readiness.finance import finance_blocks
from eduboard.reports.readiness.special_programmes import special_programmes_table
from eduboard.reports.readiness.staff import vacancies_blocks


def section_general(ctx: BuildContext) -> list[Block]:
    """General basic and secondary education: schools, pupils and the change, first graders, grade 10, staff."""
    own = ctx.boards_own_by_type(ctx.on("general"))
    schools = sum(own[kind] for kind in GENERAL_TYPES)
    return [
        *_statistics_blocks(ctx, schools=schools, arts_centres=own[InstitutionType.VOCATIONAL.value]),
        heading(T(_("Education programmes"))),
        special_programmes_table(
            ctx, "general.special_programmes", ProgrammeLevel.BASIC.value, T(_("Special basic education programmes"))
        ),
        narrative("general.programmes", T(_("Programmes: transition to learning in Latvian"))),
        *_staff_blocks(ctx, schools=schools),
        *finance_blocks(ctx, "general"),
        *_projects_blocks(ctx),
        narrative("general.projects", T(_("Project activities"))),
    ]


def pupils(stats: dict[str, Any], key: str) -> int:
    """Pupils of the basic and secondary levels in one of `registry_stats`' learners-by-level figures."""
    return sum(stats[key][level] for level in SCHOOL_LEVELS)


def _statistics_blocks(ctx: BuildContext, *, schools: int, arts_centres: int) -> list[Block]:
    """Seed 002's "Statistika": the schools and the arts centres, the institutions closed and the state-founded
    ones apart, the pupils, first graders and grade 10 against a year before, and the pupils by level."""
    stats = ctx.general_registry
    now, before = pupils(stats, "learners_by_level"), pupils(stats, "learners_by_level_year_before")
    return [
        heading(T(_("Statistics (institutions, learners)"))),
        *sentences.general_statistics(
            year=stats["school_year"],
            as_of=ctx.on("general"),
            schools=schools,
            arts_centres=arts_centres,
            closed=ctx.closed,
            pupils_now=now,
            pupils_before=before,
            first_now=stats["first_graders"],
            first_before=stats["first_graders_year_before"],
            grade10_now=stats["grade10_admitted"],
            grade10_before=stats["grade10_admitted_year_before"],
        ),
        figures(
            figure("general.schools", T(_("General education schools")), schools),
            figure("general.arts_centres", T(_("Municipal arts education competence centres")), arts_centres),
            figure("general.vocational", T(_("Vocational and arts competence centres")), arts_centres),
            figure("general.closed", T(_("Institutions closed before the school year")), len(ctx.closed)),
        ),
        *_state_founded_blocks(ctx),
        _pupils_figures(stats, now=now, before=before),
        _pupils_table(stats, now=now, before=before),
        narrative("general.statistics", T(_("Comment on the statistics"))),
    ]


def _pupils_figures(stats: dict[str, Any], *, now: int, before: int) -> Block:
    return figures(
        *figure_and_change(
            "general.pupils",
            T(_("Pupils in general education")),
            T(_("Change in pupils against a year before")),
            now,
            before,
        ),
        *figure_and_change(
            "general.first_graders",
            T(_("First graders")),
            T(_("Change in first graders against a year before")),
            stats["first_graders"],
            stats["first_graders_year_before"],
        ),
        *figure_and_change(
            "general.grade10",
            T(_("Admitted to grade 10")),
            T(_("Change in grade 10 admissions against a year before")),
            stats["grade10_admitted"],
            stats["grade10_admitted_year_before"],
        ),
    )


def _pupils_table(stats: dict[str, Any], *, now: int, before: int) -> Block:
    rows = [
        [
            level_label(level),
            stats["learners_by_level"][level],
            stats["learners_by_level_year_before"][level],
            stats["learners_by_level_change"][level],
            stats["groups_by_level"][level],
        ]
        for level in SCHOOL_LEVELS
    ]
    return table(
        "general.pupils_by_level",
        T(_("Pupils by level")),
        [
            P("education level", "Level"),
            T(_("Pupils")),
            T(_("A year before")),
            T(_("Difference")),
            T(_("Groups (classes)")),
        ],
        rows,
        total=[T(_("Total")), now, before, now - before, sum(row[4] for row in rows)],
        chart=[1, 2],
    )


def _state_founded_blocks(ctx: BuildContext) -> list[Block]:
    """The state-founded institutions in the city, apart from the board's own and labelled so: none of them is
    counted in the board's figures (seed 002 counts the municipal arts competence centre, not the state technical
    school). Nothing when there are none."""
    found = ctx.state_founded
    if not found:
        return []
    by_institution: dict[str, dict[str, int]] = defaultdict(lambda: {"groups": 0, "learners": 0})
    for group in ctx.state_groups:
        by_institution[group.registration_number]["groups"] += 1
        by_institution[group.registration_number]["learners"] += group.enrolled
    return [
        sentences.state_founded(names=[name for _reg, name, _kind in found]),
        table(
            "general.state_founded",
            T(_("State-founded institutions in the city (not the board's, not counted above)")),
            [T(_("Institution")), T(_("Type")), T(_("Founder")), T(_("Groups")), T(_("Learners"))],
            [
                [
                    name,
                    type_label(kind),
                    T(Founder.STATE.label),
                    by_institution[reg]["groups"],
                    by_institution[reg]["learners"],
                ]
                for reg, name, kind in found
            ],
        ),
    ]


def _own_pedagogues(ctx: BuildContext, kind: str) -> int:
    """Pedagogues (the people area's rule) in the board's own institutions of type `kind` (the context's figures
    are the board's own institutions')."""
    return int(ctx.people["pedagogues_by_institution_type"][kind]["pedagogues"])


def _staff_blocks(ctx: BuildContext, *, schools: int) -> list[Block]:
    """Seed 002's "Personāls": the pedagogues of the general schools and of the board's vocational and arts
    schools, the open vacancies at them, then the board's comment."""
    general = ctx.people["general_school_pedagogues"]
    vocational = _own_pedagogues(ctx, InstitutionType.VOCATIONAL.value)
    types = set(GENERAL_TYPES) | {InstitutionType.VOCATIONAL.value}
    return [
        *needs(
            STAFF,
            heading(T(_("Staff"))),
            sentences.general_staff(
                schools=schools,
                pedagogues_now=general["pedagogues"],
                several=general["in_several_institutions"],
                vocational=vocational,
            ),
            figures(
                figure("general.pedagogues", T(_("Pedagogues in general education schools")), general["pedagogues"]),
                figure(
                    "general.pedagogues_several",
                    T(_("of them working in several institutions")),
                    general["in_several_institutions"],
                ),
                figure(
                    "general.pedagogues_vocational",
                    T(_("Pedagogues in the board's vocational and arts education schools")),
                    vocational,
                ),
            ),
        ),
        *needs(VACANCIES, *vacancies_blocks(ctx, "general.vacancies", types)),
        *needs(STAFF, narrative("general.staff", T(_("Comment on staff and qualifications")))),
    ]


def _projects_blocks(ctx: BuildContext) -> list[Block]:
    """Erasmus+ funding since the programme's start, and the projects approved or running on the date."""
    data = ctx.projects
    return needs(
        PROJECTS,
        heading(T(_("Project activities"))),
        figures(
            figure(
                "general.erasmus_grant_total",
                T(_("Erasmus+ funding of the city's projects since 2014")),
                data["erasmus_grant_total"],
                "EUR",
            ),
            figure("general.erasmus_projects", T(_("Erasmus+ projects since 2014")), data["erasmus_projects"]),
        ),
        table(
            "general.current_projects",
            T(_("Projects approved or running")),
            [
                T(_("Reference number")),
                T(_("Title")),
                T(_("Programme")),
                T(_("Institutions")),
                T(_("Grant (EUR)")),
                T(_("Mobility participants")),
                T(_("Countries")),
            ],
            [
                [
                    line.reference,
                    L(line.titles) if line.titles else line.title,
                    L(line.programmes) if line.programmes else line.programme,
                    line.institutions,
                    line.grant,
                    line.participants,
                    line.countries,
                ]
                for line in data["current"]
            ],
            units=["", "", "", "", "EUR", "", ""],
        ),
    )
