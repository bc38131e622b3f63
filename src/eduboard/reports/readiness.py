"""The readiness report (seed 002, "gatavība mācību gadam"): a list of sections, each built from selectors.

Each section is one function of a `BuildContext`, which runs every area's selector at most once and
shares the result, so the number of queries of the whole report is fixed (it does not grow with the
number of institutions). A section returns blocks (see `reports.content`); figures are never typed here,
they are read from the selectors' results.

Every block declares the permission its reader needs (`permission`): a section declares one for its
blocks, and the blocks of another area inside it (staff, money, settlements) declare their own with
`needs`. `reports.selectors.content_for_reader` leaves out what a reader's role does not include.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.assets.models import AssetKind
from eduboard.core.figures_cache import cached_figures
from eduboard.core.latvian import sort_key
from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.registry.choices import Founder, InstitutionType, ProgrammeLevel, SpecialNeeds
from eduboard.reports import sentences
from eduboard.reports.content import D, P, T, Text
from eduboard.reports.readiness_base import (
    ASSETS,
    CENTRE,
    DATE_AREAS,
    GENERAL_TYPES,
    LEARNERS,
    OBSERVATIONS,
    PROJECTS,
    READ_REPORT,
    REPORT_PERMISSIONS,
    SCHOOL_LEVELS,
    STAFF,
    VACANCIES,
    Block,
    BuildContext,
    Progress,
    day,
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
from eduboard.reports.readiness_finance import (
    finance_blocks,
    settlement_money_blocks,
)
from eduboard.reports.readiness_quality import (
    heads_blocks,
    prevention_blocks,
    quality_blocks,
    survey_blocks,
)

# --- sections

# The report's API, read by views, renderers, the API and tests (some of it lives in readiness_base).
__all__ = [
    "DATE_AREAS",
    "READ_REPORT",
    "REPORT_PERMISSIONS",
    "Block",
    "BuildContext",
    "Progress",
    "build_readiness",
    "figure",
    "figures",
    "heading",
    "key_figures",
    "table",
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


def _special_programmes_table(ctx: BuildContext, key: str, level: str, title: Text) -> Block:
    """Special programmes of one level by category, with the institutions that run or may run them."""
    by_category: dict[str, set[str]] = defaultdict(set)
    for number_, codes in ctx.registry["special_programmes_by_institution"].items():
        for code in codes:
            _name, programme_level, needs = ctx.programmes.get(code, ("", "", ""))
            if programme_level == level:
                by_category[needs].add(ctx.name(number_))
    order = [value for value in SpecialNeeds.values if value in by_category]
    rows = [
        [T(SpecialNeeds(needs).label), len(by_category[needs]), "; ".join(sorted(by_category[needs], key=sort_key))]
        for needs in order
    ]
    return table(
        key,
        title,
        [T(_("Special needs")), T(_("Institutions")), T(_("Where"))],
        rows,
        empty=T(_("No institution runs a special programme of this level.")),
    )


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
        rows.append([institution, title, _fte(position["fte"]), by_start])
    return table(
        key,
        T(_("Open vacancies on %(date)s"), date=day(ctx.on("staff"))),
        [T(_("Institution")), T(_("Position")), T(_("FTE rate")), T(_("To be filled by"))],
        rows,
        units=["", "", "FTE", ""],
        total=[T(_("Total")), len(rows), _fte(sum((p["fte"] for _i, p in vacancies), Decimal(0))), ""],
    )


def _vacancies_blocks(ctx: BuildContext, key: str, types: set[str]) -> list[Block]:
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


def _fte(value: Decimal) -> str:
    """An FTE rate as the people selectors give it (a Decimal, 3 places at most), as an exact decimal string."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def section_preschool(ctx: BuildContext) -> list[Block]:
    """Preschool education: institutions, groups, children and the change, places, programmes, staff."""
    stats, people = ctx.registry, ctx.people
    level = ProgrammeLevel.PRESCHOOL.value
    by_institution = _groups_by_institution(ctx, level)
    in_preschools = sum(
        row["groups"] for reg, row in by_institution.items() if ctx.institutions.get(reg, ("", ""))[1] == "preschool"
    )
    children, children_before = stats["learners_by_level"][level], stats["learners_by_level_year_before"][level]
    groups, groups_before = stats["groups_by_level"][level], stats["groups_by_level_year_before"][level]
    rows = [
        [ctx.name(reg), type_label(ctx.institutions.get(reg, ("", ""))[1]), row["groups"], row["learners"], row["free"]]
        for reg, row in sorted(by_institution.items(), key=lambda item: sort_key(ctx.name(item[0])))
    ]
    schools = [
        (ctx.name(reg), row["groups"])
        for reg, row in by_institution.items()
        if ctx.institutions.get(reg, ("", ""))[1] != InstitutionType.PRESCHOOL.value and row["groups"]
    ]
    free = stats["free_places_preschool"]
    staff = people["preschool_programme_pedagogues"]
    preschools = ctx.municipal_by_type[InstitutionType.PRESCHOOL.value]
    blocks: list[Block] = [
        heading(T(_("Statistics (institutions, learners)"))),
        *sentences.preschool_statistics(
            year=stats["school_year"],
            as_of=ctx.as_of,
            preschools=preschools,
            groups_in_preschools=in_preschools,
            schools=schools,
            children_now=children,
            children_before=children_before,
            groups_now=groups,
            groups_before=groups_before,
        ),
        figures(
            figure("preschool.institutions", T(_("Preschools")), preschools),
            figure("preschool.schools_with_groups", T(_("Schools with preschool groups")), len(schools)),
            figure("preschool.groups_in_preschools", T(_("Groups in preschools")), in_preschools),
            *figure_and_change(
                "preschool.children",
                T(_("Children in preschool programmes")),
                T(_("Change in children against a year before")),
                children,
                children_before,
            ),
            *figure_and_change(
                "preschool.groups",
                T(_("Preschool groups")),
                T(_("Change in groups against a year before")),
                groups,
                groups_before,
            ),
        ),
        table(
            "preschool.groups_by_institution",
            T(_("Preschool groups by institution")),
            [T(_("Institution")), T(_("Type")), T(_("Groups")), T(_("Children")), T(_("Free places"))],
            rows,
            total=[T(_("Total")), "", groups, children, free["total"]],
            chart=[2],
        ),
        narrative("preschool.statistics", T(_("Comment on the statistics"))),
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
    blocks += [
        heading(T(_("Education programmes"))),
        _special_programmes_table(ctx, "preschool.special_programmes", level, T(_("Special preschool programmes"))),
        narrative("preschool.programmes", T(_("Programmes: language of instruction and changes"))),
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
        *needs(VACANCIES, *_vacancies_blocks(ctx, "preschool.vacancies", {InstitutionType.PRESCHOOL.value})),
        *needs(STAFF, narrative("preschool.staff", T(_("Comment on staff and qualifications")))),
        *finance_blocks(ctx, "preschool"),
        *needs(
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
        ),
        narrative("preschool.projects", T(_("Project activities"))),
    ]
    return blocks


def _pupils(stats: dict[str, Any], key: str) -> int:
    """Pupils of the basic and secondary levels in one of `registry_stats`' learners-by-level figures."""
    return sum(stats[key][level] for level in SCHOOL_LEVELS)


def _own_pedagogues(ctx: BuildContext, kind: str) -> int:
    """Pedagogues (the people area's rule) in the board's own institutions of type `kind`: each person once when no
    state-founded institution of the type has pedagogues on the day; else the board's institutions' own counts
    added up (a person in two of them would count twice: `pedagogue_figures` has no count by founder yet)."""
    people = ctx.people
    by_institution = people["pedagogues_by_institution"]
    if not any(row["type"] == kind and ctx.is_state_founded(reg) for reg, row in by_institution.items()):
        return int(people["pedagogues_by_institution_type"][kind]["pedagogues"])
    return sum(
        row["pedagogues"]
        for reg, row in by_institution.items()
        if row["type"] == kind and not ctx.is_state_founded(reg)
    )


def _state_founded_blocks(ctx: BuildContext) -> list[Block]:
    """The state-founded institutions in the city, apart from the board's own and labelled so: none of them is
    counted in the board's figures (seed 002 counts the municipal arts competence centre, not the state technical
    school). Nothing when there are none."""
    found = ctx.state_founded
    if not found:
        return []
    by_institution: dict[str, dict[str, int]] = defaultdict(lambda: {"groups": 0, "learners": 0})
    for group in ctx.groups:
        if group.registration_number in ctx.state_founded_numbers:
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


def section_general(ctx: BuildContext) -> list[Block]:
    """General basic and secondary education: schools, pupils and the change, first graders, grade 10, staff."""
    stats, people = ctx.general_registry, ctx.people
    now, before = _pupils(stats, "learners_by_level"), _pupils(stats, "learners_by_level_year_before")
    own = ctx.boards_own_by_type(ctx.on("general"))
    schools = sum(own[kind] for kind in GENERAL_TYPES)
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
    general = people["general_school_pedagogues"]
    vocational = _own_pedagogues(ctx, InstitutionType.VOCATIONAL.value)
    types = set(GENERAL_TYPES)
    arts_centres = own[InstitutionType.VOCATIONAL.value]
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
        figures(
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
        ),
        table(
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
        ),
        narrative("general.statistics", T(_("Comment on the statistics"))),
        heading(T(_("Education programmes"))),
        _special_programmes_table(
            ctx, "general.special_programmes", ProgrammeLevel.BASIC.value, T(_("Special basic education programmes"))
        ),
        narrative("general.programmes", T(_("Programmes: transition to learning in Latvian"))),
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
        *needs(VACANCIES, *_vacancies_blocks(ctx, "general.vacancies", types | {InstitutionType.VOCATIONAL.value})),
        *needs(STAFF, narrative("general.staff", T(_("Comment on staff and qualifications")))),
        *finance_blocks(ctx, "general"),
        *_projects_blocks(ctx),
        narrative("general.projects", T(_("Project activities"))),
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
                    line.title,
                    line.programme,
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


def section_interest(ctx: BuildContext) -> list[Block]:
    """Interest education: the children and youth centre and the innovation centre, their staff."""
    stats, people = ctx.registry, ctx.people
    interest, centre = InstitutionType.INTEREST_EDUCATION.value, InstitutionType.INNOVATION_CENTRE.value
    level = ProgrammeLevel.INTEREST.value
    found = ctx.interest
    return [
        *sentences.interest(
            figures=found,
            organisers=ctx.centre_organisers,
            centre_pedagogues=people["pedagogues_by_institution_type"][centre]["pedagogues"],
        ),
        figures(
            figure("interest.programmes", T(_("Interest education programmes")), found["programmes"]),
            figure("interest.stem_programmes", T(_("of them in STEM")), found["stem_programmes"]),
            figure("interest.clubs", T(_("Neighbourhood clubs")), found["clubs"]),
            figure("interest.employees", T(_("Employees of interest education institutions")), found["employments"]),
            figure(
                "interest.centre_organisers",
                T(_("Employees of the innovation centre (any position)")),
                ctx.centre_organisers,
            ),
            figure(
                "interest.institutions",
                T(_("Interest education institutions")),
                ctx.municipal_by_type[interest],
            ),
            figure("interest.centres", T(_("Innovation centres")), ctx.municipal_by_type[centre]),
            figure("interest.groups", T(_("Interest education groups")), stats["groups_by_level"][level]),
            figure(
                "interest.learners", T(_("Learners in interest education groups")), stats["learners_by_level"][level]
            ),
        ),
        *needs(
            STAFF,
            figures(
                figure(
                    "interest.pedagogues",
                    T(_("Pedagogues in interest education institutions")),
                    people["pedagogues_by_institution_type"][interest]["pedagogues"],
                ),
                figure(
                    "interest.centre_pedagogues",
                    T(_("of the innovation centre's employees, pedagogues (in a pedagogical position)")),
                    people["pedagogues_by_institution_type"][centre]["pedagogues"],
                ),
            ),
        ),
        *innovation_blocks(ctx),
        narrative("interest.programmes", T(_("Programmes and priorities"))),
        *finance_blocks(ctx, "interest"),
    ]


def innovation_blocks(ctx: BuildContext) -> list[Block]:
    """The innovation centre's school year (the one the report's date falls in, up to that date): visits, visitors,
    schools reached, occupancy, points, and visits by module and visitors by age band (issue 20)."""
    from eduboard.core.schoolyears import parse_school_year_code, school_year_code_for
    from eduboard.innovation.models import AgeBand, Module, Visit
    from eduboard.innovation.selectors import innovation_figures

    first_year = parse_school_year_code(school_year_code_for(ctx.as_of))
    start, end = date(first_year, 9, 1), min(ctx.as_of, date(first_year + 1, 8, 31))
    if not Visit.objects.filter(date__gte=start, date__lte=end).exists():
        return []
    found = innovation_figures(date_from=start, date_to=end, visible_to=ctx.visible_to)
    modules = {m.code: m.name_lv for m in Module.objects.all()}
    bands = {b.code: str(b) for b in AgeBand.objects.all()}
    return needs(
        CENTRE,
        heading(
            T(_("The innovation centre in the school year (%(from)s–%(to)s)"), **{"from": day(start), "to": day(end)}),
            3,
        ),
        figures(
            figure("interest.centre.visits", T(_("Visits")), found["visits"]),
            figure("interest.centre.visitors", T(_("Visitors (learners and teachers)")), found["visitors"]),
            figure("interest.centre.schools_reached", T(_("Schools reached")), found["schools_reached"]),
            figure(
                "interest.centre.occupancy_percent",
                T(_("Places booked of those offered")),
                found["occupancy_percent"] if found["occupancy_percent"] is not None else "—",
                "%",
            ),
            figure("interest.centre.points_total", T(_("Points collected on visitor cards")), found["points_total"]),
        ),
        table(
            "interest.centre.by_module",
            T(_("Visits by module")),
            [T(_("Module")), T(_("Visits"))],
            [[modules.get(code, code), n] for code, n in found["visits_by_module"].items()],
            chart=[1],
        ),
        table(
            "interest.centre.by_age_band",
            T(_("Visitors by age band")),
            [T(_("Age band")), T(_("Visitors"))],
            [[bands.get(code, code), n] for code, n in found["visitors_by_age_band"].items()],
        ),
    )


def section_events(ctx: BuildContext) -> list[Block]:
    """Section IX: the school year's events from the shared calendar (seed 002 lists 12), then the narrative."""
    from eduboard.innovation.selectors import school_year_events, when_label

    events = school_year_events(as_of=ctx.as_of, visible_to=ctx.visible_to)
    blocks: list[Block] = []
    if events:
        blocks.append(
            table(
                "events.list",
                T(_("Events of the school year")),
                [T(_("When")), T(_("Event")), T(_("Place"))],
                [[when_label(event), event.title, event.place] for event in events],
            )
        )
    blocks.append(narrative("events.text", T(_("Planned events"))))
    return blocks


def section_resources(ctx: BuildContext) -> list[Block]:
    """Learning resources and digital solutions: the devices held (interactive screens, Chromebooks, …), those lent
    to learners (entered in RUMIS), licences in force and the rooms' computers, from the assets area."""
    stats = ctx.assets
    kinds = dict(AssetKind.objects.values_list("code", "name"))
    by_kind = stats["assets_by_kind"]
    held = {code: figures_of["total"] for code, figures_of in by_kind.items()}
    rows = [
        [kinds.get(code, code), counts["total"], counts["lent"], counts["in_stock"], counts["in_repair"]]
        for code, counts in by_kind.items()
        if counts["total"]
    ]
    return [
        *needs(
            ASSETS,
            figures(
                figure("resources.interactive_screens", T(_("Interactive screens")), held.get("interactive_screen", 0)),
                figure("resources.chromebooks", T(_("Chromebook computers")), held.get("chromebook", 0)),
                figure("resources.lent_to_learners", T(_("Devices lent to learners")), stats["on_loan_to_learners"]),
                figure("resources.lent_to_staff", T(_("Devices lent to staff")), stats["on_loan_to_staff"]),
                figure("resources.overdue_loans", T(_("Loans past their due date")), stats["overdue_loans"]),
                figure("resources.computers_in_rooms", T(_("Computers in rooms")), stats["computers_in_rooms"]),
            ),
            table(
                "resources.devices_by_kind",
                T(_("Devices held by kind")),
                [T(_("Kind")), T(_("Held")), T(_("lent")), T(_("in stock")), T(_("in repair"))],
                rows,
            ),
            table(
                "resources.devices_by_project",
                T(_("Devices by the project that paid for them")),
                [T(_("Project")), T(_("Title")), T(_("Kind")), T(_("Held"))],
                [[row["reference"], row["title"], row["kind"], row["count"]] for row in ctx.assets_by_project],
            ),
            table(
                "resources.licences",
                T(_("Licences in force")),
                [T(_("Product")), T(_("Seats"))],
                [[product, seats] for product, seats in stats["licence_seats"].items()],
                empty=T(_("On %(date)s no licence is in force."), date=day(ctx.as_of)),
            ),
        ),
        narrative("resources.text", T(_("Learning resources, devices and digital solutions"))),
    ]


def section_quality(ctx: BuildContext) -> list[Block]:
    """Quality monitoring: observation figures, exam and monitoring-test comparisons (from the quality area)."""
    return [
        *quality_blocks(ctx),
        *heads_blocks(ctx),
        *survey_blocks(ctx),
        *prevention_blocks(ctx),
        narrative("quality.analysis", T(_("Analysis of the quality monitoring"))),
        narrative("quality.priorities", T(_("Priorities of methodological work"))),
    ]


def section_settlements(ctx: BuildContext) -> list[Block]:
    """Inter-municipal settlements: learners coming in and residents learning elsewhere, and the money."""
    stats = ctx.registry
    levels = [ProgrammeLevel.PRESCHOOL.value, *SCHOOL_LEVELS]
    incoming, outgoing = stats["learners_from_other_municipalities"], stats["residents_learning_elsewhere"]
    rows = [[level_label(level), incoming[level], outgoing[level]] for level in levels]
    return [
        *sentences.settlements(
            incoming=[(level_label(level), incoming[level]) for level in levels],
            incoming_total=stats["learners_from_other_municipalities_total"],
            outgoing=[(level_label(level), outgoing[level]) for level in levels],
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


def section_text(slot: str, label: Any) -> Callable[[BuildContext], list[Block]]:
    """A section of narrative only (decisions, challenges, safety, events)."""

    def build(ctx: BuildContext) -> list[Block]:
        return [narrative(slot, T(label))]

    return build


# --- the report


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
        section_text("decisions.text", _("Decisions and what they mean for the institutions")),
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


def _declared(blocks: list[Block], permission: str) -> list[Block]:
    """`blocks`, each one that declares no permission of its own now needing `permission`."""
    for block in blocks:
        block.setdefault("permission", permission)
    return blocks


def build_readiness(
    *, as_of: date, visible_to: Viewer, progress: Progress | None = None, dates: dict[str, date] | None = None
) -> dict[str, Any]:
    """The readiness report's content as of a date, scoped like every read, as JSON-ready data; every block
    declares the permission its reader needs (`reports.selectors.content_for_reader` applies them). `dates` gives
    areas of DATE_AREAS a date of their own (`reports.services.clean_dates` checks them)."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to, dates=dict(dates or {}))
    sections = []
    for done, section in enumerate(SECTIONS, start=1):
        blocks = _declared(section.build(ctx), section.permission)
        title = T(section.title, year={"y": ctx.registry["school_year"]}) if section.names_year else T(section.title)
        entry: dict[str, Any] = {"key": section.key, "title": title, "numeral": section.numeral, "blocks": blocks}
        if section.part is not None:
            entry["part"] = T(section.part)
        sections.append(entry)
        if progress is not None:
            progress(done, len(SECTIONS), section.key)
    return {
        "kind": "readiness",
        # Seed 002's header: an annex to the council's decision, whose date and number the council fills in.
        "header": {
            "council": settings.COUNCIL_NAME_GENITIVE,
            "board": settings.BOARD_NAME,
            "board_genitive": settings.BOARD_NAME_GENITIVE,
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


@cached_figures("registry", "people")
def key_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The report's key figures and two charts for a dashboard, scoped to the user's institutions; each
    figure and table declares the permission its reader needs, as the report's blocks do."""
    ctx = BuildContext(as_of=as_of, visible_to=visible_to)
    stats, people = ctx.registry, ctx.people
    pupils, pupils_before = _pupils(stats, "learners_by_level"), _pupils(stats, "learners_by_level_year_before")
    preschool = ProgrammeLevel.PRESCHOOL.value
    items = [
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
        figure("general.pupils", T(_("Pupils in general education")), pupils, before=pupils_before),
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
            figure("people.vacancies_fte", T(_("Open vacancies (FTE)")), _fte(people["vacancies_fte_total"]), "FTE"),
        ),
        figure(
            "registry.from_other_municipalities",
            T(_("From other municipalities")),
            stats["learners_from_other_municipalities_total"],
        ),
    ]
    levels = [
        level
        for level in stats["learners_by_level"]
        if stats["learners_by_level"][level] or stats["learners_by_level_year_before"][level]
    ]
    tables = [
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
    return {
        "as_of": as_of.isoformat(),
        "school_year": stats["school_year"],
        "figures": _declared(items, LEARNERS),
        "tables": _declared(tables, LEARNERS),
    }
