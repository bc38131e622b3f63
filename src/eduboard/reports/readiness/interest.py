"""Seed 002's section I, interest education institutions ("Interešu izglītības iestādes"): the programmes (and those
in STEM), groups and learners, the neighbourhood clubs, the staff, the innovation centre's school year, and the
finances."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from eduboard.registry.choices import InstitutionType, ProgrammeLevel
from eduboard.reports import sentences, sentences_interest
from eduboard.reports.content import L, T
from eduboard.reports.readiness.base import (
    CENTRE,
    STAFF,
    Block,
    BuildContext,
    day,
    figure,
    figures,
    heading,
    narrative,
    needs,
    table,
)
from eduboard.reports.readiness.festival import festival_blocks
from eduboard.reports.readiness.finance import finance_blocks

#: The teaching materials' permission (materials.selectors.published_materials).
MATERIALS = "materials.view_material"


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
        *posts_and_materials_blocks(ctx),
        *festival_blocks(ctx),
        *innovation_blocks(ctx),
        *programme_blocks(ctx),
        narrative("interest.programmes", T(_("Programmes and priorities"))),
        *finance_blocks(ctx, "interest"),
    ]


def posts_and_materials_blocks(ctx: BuildContext) -> list[Block]:
    """Seed 002, I.3: the share of the interest education institutions' posts that are permanent ("Pastāvīgais darbs
    BJC “Jaunība” ir 84% darbiniekiem", on the staff's date) and the teaching materials they have published ("21
    metodiskais materiāls (nodarbību apraksts)", by the report's date)."""
    from eduboard.materials.selectors import published_materials
    from eduboard.people.selectors import employment_terms_figures

    interest = InstitutionType.INTEREST_EDUCATION.value
    terms = employment_terms_figures(kind=interest, as_of=ctx.on("staff"), visible_to=ctx.visible_to)
    materials = published_materials(institution_type=interest, as_of=ctx.as_of, visible_to=ctx.visible_to)
    blocks: list[Block] = []
    if terms["employments"]:
        blocks += needs(
            STAFF,
            sentences_interest.permanent_posts(
                permanent=terms["permanent"], employments=terms["employments"], share=terms["permanent_percent"]
            ),
            figures(
                figure("interest.permanent_posts", T(_("Permanent posts")), terms["permanent"]),
                figure("interest.fixed_term_posts", T(_("Fixed-term posts")), terms["fixed_term"]),
                figure(
                    "interest.permanent_posts_percent",
                    T(_("Share of the posts that are permanent")),
                    terms["permanent_percent"],
                    "%",
                ),
            ),
        )
    if materials:
        blocks += needs(
            MATERIALS,
            sentences_interest.published_materials(materials),
            figures(
                figure(
                    "interest.published_materials",
                    T(_("Teaching materials published by interest education institutions")),
                    materials,
                )
            ),
        )
    return blocks


def centre_year(ctx: BuildContext) -> tuple[date, date]:
    """The school year the report's date falls in, up to that date: the period of the centre's figures."""
    from eduboard.core.schoolyears import parse_school_year_code, school_year_code_for

    first_year = parse_school_year_code(school_year_code_for(ctx.as_of))
    return date(first_year, 9, 1), min(ctx.as_of, date(first_year + 1, 8, 31))


def innovation_blocks(ctx: BuildContext) -> list[Block]:
    """The innovation centre's school year (the one the report's date falls in, up to that date): visits, visitors,
    visits taken outside, schools reached, occupancy, points, and visits by module and visitors by kind and by age
    band (issues 20 and 44)."""
    from eduboard.centre.choices import VisitorKind
    from eduboard.centre.models import AgeBand, Module, Visit
    from eduboard.centre.selectors import innovation_figures

    start, end = centre_year(ctx)
    if not Visit.objects.filter(date__gte=start, date__lte=end).exists():
        return []
    found = innovation_figures(date_from=start, date_to=end, visible_to=ctx.visible_to)
    modules = {m.code: L(m) for m in Module.objects.all()}
    bands = {b.code: str(b) for b in AgeBand.objects.all()}
    return needs(
        CENTRE,
        heading(
            T(_("The innovation centre in the school year (%(from)s–%(to)s)"), **{"from": day(start), "to": day(end)}),
            3,
        ),
        figures(
            figure("interest.centre.visits", T(_("Visits")), found["visits"]),
            figure("interest.centre.visitors", T(_("Visitors of every kind")), found["visitors"]),
            figure(
                "interest.centre.outreach_visits", T(_("Visits taken outside the centre")), found["outreach_visits"]
            ),
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
            "interest.centre.by_visitor_kind",
            T(_("Visitors by kind")),
            [T(_("Visitors")), T(_("Number"))],
            [[T(VisitorKind(kind).label), n] for kind, n in found["visitors_by_kind"].items()],
        ),
        table(
            "interest.centre.by_age_band",
            T(_("Visitors by age band")),
            [T(_("Age band")), T(_("Visitors"))],
            [[bands.get(code, code), n] for code, n in found["visitors_by_age_band"].items()],
        ),
    )


#: The centre's programme (companies, fairs, events, partners): read by the centre's staff and the board.
PROGRAMME = "innovation.view_programmeevent"


def programme_blocks(ctx: BuildContext) -> list[Block]:
    """The innovation centre's programme in the school year (`centre_year`): student companies and fairs, camps,
    hackathons, conferences and seminars with their participants, partners by kind and the centre's projects
    (issue 44; `centre.selectors.programme_figures`). Nothing when the year holds none of it."""
    from eduboard.centre.choices import PartnerKind, ProgrammeKind
    from eduboard.centre.selectors import programme_figures

    start, end = centre_year(ctx)
    found = programme_figures(date_from=start, date_to=end, visible_to=ctx.visible_to)
    counted = ("student_companies", "fairs", "event_participants", "partners", "projects")
    if not any(found[key] for key in counted) and not any(found["events_by_kind"].values()):
        return []
    return needs(
        PROGRAMME,
        heading(T(_("The innovation centre's programme (%(from)s–%(to)s)"), **{"from": day(start), "to": day(end)}), 3),
        figures(
            figure("interest.centre.student_companies", T(_("Student companies")), found["student_companies"]),
            figure(
                "interest.centre.student_company_members",
                T(_("Members of student companies")),
                found["student_company_members"],
            ),
            figure("interest.centre.fairs", T(_("Student companies' fairs")), found["fairs"]),
            figure("interest.centre.fair_companies", T(_("Companies' places at the fairs")), found["fair_companies"]),
            figure(
                "interest.centre.event_participants",
                T(_("Participants of camps, hackathons, conferences and seminars")),
                found["event_participants"],
            ),
            figure("interest.centre.partners", T(_("Partners of the centre")), found["partners"]),
            figure("interest.centre.projects", T(_("Projects of the centre")), found["projects"]),
        ),
        table(
            "interest.centre.events_by_kind",
            T(_("Camps, hackathons, conferences and seminars")),
            [T(_("Kind")), T(_("Events"))],
            [[T(ProgrammeKind(kind).label), n] for kind, n in found["events_by_kind"].items()],
        ),
        table(
            "interest.centre.partners_by_kind",
            T(_("Partners by kind")),
            [T(_("Kind")), T(_("Partners"))],
            [[T(PartnerKind(kind).label), n] for kind, n in found["partners_by_kind"].items()],
        ),
    )
