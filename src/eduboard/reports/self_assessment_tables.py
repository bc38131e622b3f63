"""The self-assessment report's tables in seed 003's order and numbering, each row labelled with its school year:
the earlier evaluation's recommendations and their follow-up (section 3), the accredited programmes (table 1), the
exams against the nation with the gaps to it (table 3) and the qualification exams (table 4), the learners in clubs
(table 5), the graduates' education and employment (table 6), the external bodies' opinions on the premises
(table 7), the projects carried out and planned, and the equipment held.

Each table is read from the area that holds it (`quality.self_assessment_selectors`, `quality.selectors`,
`projects.selectors`, `assets.selectors`), scoped to the reader. A table of an earlier year than the report's says so
in a note above it ("the latest the data holds").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.scope import Viewer
from eduboard.core.translated import TEXT_LANGUAGES
from eduboard.projects.choices import ProjectStatus
from eduboard.projects.selectors import scoped_projects
from eduboard.quality import self_assessment_selectors as tables
from eduboard.quality.models import GraduateEmployment, RecommendationStatus, SelfAssessment
from eduboard.quality.models.self_assessment_tables import InspectionBody
from eduboard.reports.content import D, T, Text
from eduboard.reports.readiness import Block, table

#: Projects carried out (or being carried out) and projects still planned (an idea, an application, an approval
#: not yet begun), as seed 003 lists them apart; a rejected application is in neither.
CARRIED_OUT = (ProjectStatus.RUNNING, ProjectStatus.CLOSED)
PLANNED = (ProjectStatus.PLANNED, ProjectStatus.SUBMITTED, ProjectStatus.APPROVED)


# A list of texts as one cell, "1. kurss: 21, 2. kurss: 28" (Translators: keep as it is).
LIST = _("%(items)s")


# A graduates' row as seed 003 names it, with its school year: "Automehāniķis (Autotransports), 2019./2020." — the
# year in the row's text rather than a column of its own, so the table's eleven columns fit a page's width.
QUALIFICATION_OF_YEAR = _("%(qualification)s (%(programme)s), %(year)s")


def Y(code: str) -> dict[str, str]:
    """A school year, written when rendered as the language writes it: 2019./2020. in Latvian."""
    return {"y": code}


def data(text: str) -> dict[str, dict[str, str]]:
    """A data string written as it is in every language, never read as a number (an opinion's number 00048220)."""
    return {"l": dict.fromkeys(TEXT_LANGUAGES, text)}


def note(text: Text) -> Block:
    return {"type": "note", "text": text}


def older_note(found: str, assessment: SelfAssessment) -> list[Block]:
    """A note above a table of an earlier school year than the report's, naming it."""
    if found == assessment.school_year.code:
        return []
    return [
        note(
            T(
                _("These figures are of the %(year)s school year, the latest that the data holds for this report."),
                year=Y(found),
            )
        )
    ]


def period(start: date, end: date) -> Text:
    return T(_("%(from)s–%(to)s"), **{"from": D(start), "to": D(end)})


def recommendations(assessment: SelfAssessment, viewer: Viewer, on: date) -> list[Block]:
    """Section 3: the earlier evaluation's recommendations and how they were followed up."""
    rows = tables.recommendation_rows(institution=assessment.institution, on=on, visible_to=viewer)
    if not rows:
        return [note(T(_("No recommendations of an earlier evaluation are recorded for this institution.")))]
    return [
        table(
            "recommendations.follow_up",
            T(_("Recommendations of the earlier evaluation and their follow-up")),
            [
                T(_("Given on")),
                T(_("Evaluation")),
                T(_("Recommendation")),
                T(_("Follow-up")),
                T(_("Status")),
                T(_("Carried out on")),
                T(_("School year")),
            ],
            [
                [
                    D(row["given_on"]),
                    T(_("Accreditation of %(date)s"), date=D(row["accredited_on"])) if row["accredited_on"] else None,
                    row["recommendation"] or None,
                    row["follow_up"],
                    T(RecommendationStatus(row["status"]).label),
                    D(row["done_on"]) if row["done_on"] else None,
                    Y(row["school_year"]),
                ]
                for row in rows
            ],
        )
    ]


def accredited_programmes(assessment: SelfAssessment, viewer: Viewer, on: date) -> list[Block]:
    """Table 1: the programmes under accreditation, with their licence, accreditation and learners."""
    rows = tables.accredited_programme_rows(
        institution=assessment.institution, school_year=assessment.school_year, on=on, visible_to=viewer
    )
    if not rows:
        return [note(T(_("None of the institution's programmes has an accreditation in force.")))]
    return [
        table(
            "accreditation.programmes",
            T(_("Table 1. The accredited programmes and their learners on %(date)s"), date=D(on)),
            [
                T(_("Code")),
                T(_("Programme")),
                T(_("Qualification")),
                T(_("Licensed on")),
                T(_("Accredited until")),
                T(_("Learners")),
                T(_("Learners by course")),
                T(_("School year")),
            ],
            [
                [
                    row["code"],
                    row["name"],
                    "; ".join(row["qualifications"]) or None,
                    D(row["licensed_on"]) if row["licensed_on"] else None,
                    D(row["expires_on"]),
                    row["learners"],
                    T(
                        LIST,
                        items=[
                            T(_("course %(grade)s: %(learners)s"), grade=grade, learners=learners)
                            for grade, learners in row["learners_by_grade"]
                            if grade is not None
                        ],
                    )
                    if row["learners_by_grade"]
                    else None,
                    Y(assessment.school_year.code),
                ]
                for row in rows
            ],
        )
    ]


def qualification_exams(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    """Table 4: the qualification exams of the latest school year held."""
    found = tables.qualification_exam_table(
        institution=assessment.institution, school_year=assessment.school_year, visible_to=viewer
    )
    year = found["school_year"]
    if year is None:
        return [note(T(_("There are no qualification exam results of this institution.")))]
    total = found["total"]
    return [
        *older_note(year, assessment),
        table(
            "exams.qualification",
            T(_("Table 4. Results of the vocational qualification exams, %(year)s"), year=Y(year)),
            [
                T(_("Programme or qualification")),
                T(_("Obtained the qualification")),
                T(_("Obtained a lower qualification")),
                T(_("Obtained no qualification")),
                T(_("Examined")),
                T(_("School year")),
            ],
            [
                [
                    row["qualification"],
                    row["qualified"],
                    row["lower_qualification"],
                    row["not_qualified"],
                    row["examined"],
                    Y(year),
                ]
                for row in found["rows"]
            ],
            total=[
                T(_("Total")),
                total["qualified"],
                total["lower_qualification"],
                total["not_qualified"],
                total["examined"],
                Y(year),
            ],
        ),
    ]


def interest(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    """Table 5: the learners in the institution's clubs and sports sections."""
    found = tables.interest_participation_table(
        institution=assessment.institution, school_year=assessment.school_year, visible_to=viewer
    )
    year = found["school_year"]
    if year is None:
        return [note(T(_("No participation in the institution's clubs is recorded.")))]
    return [
        *older_note(year, assessment),
        table(
            "support.interest",
            T(_("Table 5. Learners taking part in interest education in the institution, %(year)s"), year=Y(year)),
            [T(_("Club or sports section")), T(_("Learners")), T(_("School year"))],
            [[row["activity"], row["participants"], Y(year)] for row in found["rows"]],
            total=[T(_("Total")), found["total"], Y(year)],
        ),
    ]


def employment(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    """Table 6: the graduates' further education and employment."""
    found = tables.graduate_employment_table(
        institution=assessment.institution, school_year=assessment.school_year, visible_to=viewer
    )
    year = found["school_year"]
    if year is None:
        return [note(T(_("No graduates' employment is recorded for this institution.")))]
    outcomes = [
        _("Work in their profession"),
        _("Study further in the field"),
        _("Study in another field"),
        _("Work in another field"),
        _("Work abroad"),
        _("No information"),
        _("Other"),
    ]
    keys = ("graduates", *GraduateEmployment.OUTCOMES)
    total = found["total"]
    return [
        *older_note(year, assessment),
        table(
            "support.employment",
            T(_("Table 6. Education and employment after the qualification: graduates of %(year)s"), year=Y(year)),
            [
                T(_("Code")),
                T(_("Qualification (programme), school year")),
                T(_("Graduates")),
                *(T(label) for label in outcomes),
            ],
            [
                [
                    row["programme_code"] or None,
                    T(
                        QUALIFICATION_OF_YEAR,
                        qualification=row["qualification"],
                        programme=row["programme_name"],
                        year=Y(year),
                    ),
                    *(row[key] for key in keys),
                ]
                for row in found["rows"]
            ],
            total=[T(_("Total")), None, *(total[key] for key in keys)],
        ),
    ]


def inspections(assessment: SelfAssessment, viewer: Viewer, on: date) -> list[Block]:
    """Table 7: the latest opinion of each body on each place the programmes are run."""
    rows = tables.inspection_rows(institution=assessment.institution, on=on, visible_to=viewer)
    if not rows:
        return [note(T(_("No opinions of external bodies on the institution's premises are recorded.")))]
    return [
        table(
            "premises.inspections",
            T(
                _("Table 7. Opinions of external bodies on the places the programmes are run, as of %(date)s"),
                date=D(on),
            ),
            [T(_("Place")), T(_("Opinion of")), T(_("Issued on")), T(_("Number")), T(_("School year"))],
            [
                [
                    row["address"],
                    # A listed body's name in the report's language; another body's as the institution wrote it.
                    row["body_name"]
                    if row["body_code"] == InspectionBody.OTHER and row["body_name"]
                    else T(InspectionBody(row["body_code"]).label),
                    D(row["issued_on"]),
                    data(row["number"]) if row["number"] else None,
                    Y(row["school_year"]),
                ]
                for row in rows
            ],
        )
    ]


def _project_rows(projects: Any) -> list[list[Any]]:
    return [
        [
            project.reference,
            project.title,
            period(project.start_date, project.end_date),
            project.target_groups or None,
            project.programme.name,
            T(project.get_role_display()),
        ]
        for project in projects
    ]


def projects(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    """The institution's projects carried out (begun by the end of the school year) and planned, each with its
    period, as seed 003 lists them."""
    year = assessment.school_year
    taking_part = scoped_projects(visible_to=viewer, institution=assessment.institution).select_related("programme")
    carried_out = taking_part.filter(status__in=CARRIED_OUT, start_date__lte=year.end_date).order_by(
        "start_date", "reference"
    )
    planned = taking_part.filter(status__in=PLANNED).order_by("start_date", "reference")
    columns: list[Text] = [
        T(_("Number")),
        T(_("Project")),
        T(_("Period")),
        T(_("Target groups")),
        T(_("Funding programme")),
        T(_("Role of the institution")),
    ]
    blocks: list[Block] = []
    for key, title, found in (
        ("projects.carried_out", _("Projects carried out"), _project_rows(carried_out)),
        ("projects.planned", _("Projects planned"), _project_rows(planned)),
    ):
        if found:
            blocks.append(table(key, T(title), columns, found))
    return blocks or [note(T(_("The projects area holds no projects of this institution.")))]
