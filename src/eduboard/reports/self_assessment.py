"""An institution's self-assessment report (pašnovērtējuma ziņojums) from data, in seed 003's structure.

The facts come from the areas that hold them, counted on 1 October of the school year (the date seed 003 counts
on): the institution and its accreditation (registry, quality), its programmes with their qualifications, groups
and learners, and the accredited programmes with their licences (table 1), its pedagogues and their qualifications
(people); then the priorities, the earlier evaluation's recommendations with their follow-up (section 3) and, for
every area and criterion of the framework, the institution's description, "achievements we are proud of", "further
development" and level, written as seed 003 writes it ("Pašvērtējums jomā: … kritērijā …: labi"); then its exam
results against its type and the nation with the gaps to the nation (table 3), its qualification exams (table 4),
its learners in clubs (table 5) and graduates' employment (table 6), the lessons observed, its projects carried out
and planned, and its rooms, equipment and the external bodies' opinions on its premises (table 7). The tables kept
by the quality area for this report are built in `reports.self_assessment_tables`; a table of an earlier school
year than the report's says so, and every row names its school year.

The content has the readiness report's form (`{"as_of", "school_year", "sections": [{"key", "title",
"blocks"}]}`, translatable words as `T(...)`, data as plain strings), so the same renderers write it as HTML,
PDF, DOCX or XLSX in any language. Every read is scoped to the reader; only a reader who may see the
self-assessment gets the report (a head their institution's, the board any).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.assets.choices import RoomKind
from eduboard.assets.selectors import institution_resources
from eduboard.core.scope import Viewer
from eduboard.people.selectors import institution_staff_figures
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.choices import ExamKind, ExamLevel, QualityLevel
from eduboard.quality.models import Accreditation, ExamResult, SelfAssessment
from eduboard.quality.self_assessment_selectors import exam_school_year
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.selectors import institution_programme_figures
from eduboard.reports import self_assessment_tables as sat
from eduboard.reports.content import D, L, T, Text, V, format_school_year
from eduboard.reports.readiness import Block, figure, figures, heading, table

Progress = Callable[[int, int, str], None]

# A framework area or criterion with its number, "2.1 Mācīšanas kvalitāte" (Translators: keep as it is).
NUMBERED = _("%(code)s %(name)s")

# The kinds of vocational programmes by the first two digits of their code (the Latvian classification of
# education: level, then kind), as seed 003 lists them; other programmes are grouped by their level.
PROGRAMME_KINDS: dict[str, tuple[str, Any]] = {
    "33": ("professional_secondary", _("Professional secondary education programmes")),
    "32": ("vocational", _("Vocational education programmes")),
    "35": ("further", _("Professional further education programmes")),
    "30": ("further", _("Professional further education programmes")),
    "22": ("professional_basic", _("Professional basic education programmes")),
}


def counted_on(assessment: SelfAssessment) -> date:
    """The day the report's facts are counted on: 1 October of the school year's first year."""
    return date(assessment.school_year.start_date.year, 10, 1)


def self_assessment_for(*, institution_number: str, year: str, viewer: Viewer) -> SelfAssessment:
    """The self-assessment of an institution (by registration number) and school year that `viewer` may read.

    Refused (PermissionDenied) when the viewer may not read self-assessments or the institution is not theirs;
    SelfAssessment.DoesNotExist when there is none of that year."""
    if not getattr(viewer, "has_perm", None) or not viewer.has_perm("quality.view_selfassessment"):
        raise PermissionDenied(_("Your role does not include self-assessments."))
    found = (
        SelfAssessment.objects.filter(institution__registration_number=institution_number, school_year__code=year)
        .select_related("institution", "school_year", "framework")
        .first()
    )
    if found is None:
        raise SelfAssessment.DoesNotExist(
            _("There is no self-assessment of %(year)s for the institution %(institution)s.")
            % {"year": year, "institution": institution_number}
        )
    if not SelfAssessment.objects.visible_to(viewer).filter(pk=found.pk).exists():
        raise PermissionDenied(_("This institution is not in your scope."))
    assessment: SelfAssessment = found
    return assessment


def level_text(level: str) -> Text:
    """A level as seed 003 writes it: "ļoti labi", "labi"; "not rated" where the institution gave none."""
    return T(QualityLevel(level).label) if level else T(_("not rated"))


def _kind(code: str, level: str) -> tuple[str, Text]:
    if code[:2] in PROGRAMME_KINDS:
        key, title = PROGRAMME_KINDS[code[:2]]
        return key, T(title)
    label = ProgrammeLevel(level).label if level in ProgrammeLevel.values else level
    return level, T(_("%(level)s education programmes"), level=T(label))


def _kind_order(row: dict[str, Any]) -> tuple[int, str]:
    """Seed 003's order: professional secondary, vocational, further, professional basic; then by code."""
    prefixes = list(PROGRAMME_KINDS)
    prefix = row["code"][:2]
    return (prefixes.index(prefix) if prefix in prefixes else len(prefixes), row["code"])


def section_general(assessment: SelfAssessment, viewer: Viewer, on: date) -> list[Block]:
    institution = assessment.institution
    programmes = institution_programme_figures(institution=institution, school_year=assessment.school_year, as_of=on)
    staff = institution_staff_figures(institution=institution, as_of=on)
    accreditation = (
        Accreditation.objects.visible_to(viewer)
        .filter(institution=institution, programme__isnull=True, accredited_on__lte=on)
        .order_by("-accredited_on")
        .first()
    )
    items = [
        figure("general.name", T(_("Institution")), institution.name),
        figure("general.registration_number", T(_("Registration number")), institution.registration_number),
    ]
    if institution.address:
        items.append(figure("general.address", T(_("Address")), institution.address))
    if accreditation is not None:
        items.append(figure("general.accredited_until", T(_("Accredited until")), D(accreditation.expires_on)))
    items += [
        figure("general.programmes", T(_("Education programmes")), len(programmes)),
        figure("general.groups", T(_("Groups")), sum(row["groups"] for row in programmes)),
        figure("general.learners", T(_("Learners")), sum(row["learners"] for row in programmes)),
        figure("general.pedagogues", T(_("Pedagogues")), staff["pedagogues"]),
    ]
    return [figures(*items)]


def section_programmes(assessment: SelfAssessment, on: date) -> list[Block]:
    rows = institution_programme_figures(
        institution=assessment.institution, school_year=assessment.school_year, as_of=on
    )
    if not rows:
        return [{"type": "note", "text": T(_("The registry holds no groups of this institution in this school year."))}]
    kinds: dict[str, tuple[Text, list[dict[str, Any]]]] = {}
    for row in sorted(rows, key=_kind_order):
        key, title = _kind(row["code"], row["level"])
        kinds.setdefault(key, (title, []))[1].append(row)
    blocks: list[Block] = []
    summary = []
    columns: list[Text] = [T(_("Code")), T(_("Programme")), T(_("Qualification")), T(_("Groups")), T(_("Learners"))]
    for key, (title, programmes) in kinds.items():
        qualifications = {q for row in programmes for q in row["qualifications"]}
        groups = sum(row["groups"] for row in programmes)
        learners = sum(row["learners"] for row in programmes)
        blocks.append(
            table(
                f"programmes.{key}",
                title,
                columns,
                [
                    [row["code"], row["name"], "; ".join(row["qualifications"]), row["groups"], row["learners"]]
                    for row in programmes
                ],
                total=[T(_("Total")), len(programmes), len(qualifications), groups, learners],
            )
        )
        summary.append(figure(f"programmes.{key}.learners", title, learners))
    summary.append(
        figure("programmes.learners", T(_("Learners in all programmes")), sum(row["learners"] for row in rows))
    )
    return [figures(*summary), *blocks]


def section_staff(assessment: SelfAssessment, on: date) -> list[Block]:
    staff = institution_staff_figures(institution=assessment.institution, as_of=on)
    if not staff["staff"]:
        return [{"type": "note", "text": T(_("The people area holds no staff of this institution on this day."))}]
    blocks: list[Block] = [
        figures(
            figure("staff.pedagogues", T(_("Pedagogues")), staff["pedagogues"]),
            figure("staff.total", T(_("Staff")), staff["staff"]),
        ),
        table(
            "staff.positions",
            T(_("Staff by position")),
            [T(_("Position")), T(_("Number of people"))],
            [list(row) for row in staff["by_position"]],
        ),
    ]
    if staff["qualifications"]:
        blocks.append(
            table(
                "staff.qualifications",
                T(_("Pedagogues' qualifications")),
                [T(_("Qualification")), T(_("Pedagogues"))],
                [list(row) for row in staff["qualifications"]],
            )
        )
    return blocks


def section_priorities(assessment: SelfAssessment) -> list[Block]:
    lines = [line.strip() for line in assessment.priorities.splitlines() if line.strip()]
    if not lines:
        return [{"type": "note", "text": T(_("The institution has given no priorities."))}]
    return [{"type": "paragraph", "text": line} for line in lines]


def section_evaluation(assessment: SelfAssessment) -> list[Block]:
    """Per area and criterion: the level as seed 003 writes it, the description, strengths and next steps."""
    entries = quality_selectors.self_assessment_entries(assessment)
    blocks: list[Block] = []
    area = None
    levels: defaultdict[str, int] = defaultdict(int)
    for entry in entries:
        criterion = entry.criterion
        if criterion.area_id != area:
            area = criterion.area_id
            blocks.append(heading(T(NUMBERED, code=criterion.area.code, name=L(criterion.area)), 2))
        if criterion.code != criterion.area.code:
            blocks.append(heading(T(NUMBERED, code=criterion.code, name=L(criterion)), 3))
        blocks.append(
            {
                "type": "paragraph",
                "text": T(
                    _("Self-assessment in the area “%(area)s”, criterion “%(criterion)s”: %(level)s"),
                    area=L(criterion.area),
                    criterion=L(criterion),
                    level=level_text(entry.level),
                ),
            }
        )
        for label, text in (
            (None, entry.description),
            (_("Achievements we are proud of"), entry.strengths),
            (_("Further development"), entry.next_steps),
        ):
            if not text.strip():
                continue
            if label is not None:
                blocks.append(heading(T(label), 4))
            blocks += [{"type": "paragraph", "text": line} for line in text.splitlines() if line.strip()]
        levels[entry.level] += 1
    rows = [[T(QualityLevel(level).label), levels[level]] for level in QualityLevel.values if levels[level]]
    if levels[""]:
        rows.append([T(_("not rated")), levels[""]])
    blocks.append(
        table(
            "evaluation.levels",
            T(_("Criteria by level")),
            [T(_("Level")), T(_("Criteria"))],
            rows,
            total=[T(_("Total")), len(entries)],
        )
    )
    return blocks


def section_exams(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    """Table 3: the latest year of exam results up to the school year's end, against the type and the nation, with
    the gap to the nation in a column and in a sentence (seed 003: "par 22.6% ... sliktākus"); then table 4."""
    end_year = assessment.school_year.start_date.year + 1
    year = (
        ExamResult.objects.visible_to(viewer)
        .filter(institution=assessment.institution, sitting__year__lte=end_year)
        .aggregate(year=Max("sitting__year"))["year"]
    )
    qualification = sat.qualification_exams(assessment, viewer)
    if year is None:
        return [{"type": "note", "text": T(_("There are no exam results of this institution."))}, *qualification]
    school_year = exam_school_year(year)
    rows = quality_selectors.institution_exam_comparison(
        institution=assessment.institution, year=year, visible_to=viewer
    )
    blocks: list[Block] = [
        *sat.older_note(school_year, assessment),
        table(
            "exams.comparison",
            T(
                _("Table 3. Exam results of %(year)s against the institution type and the nation"),
                year=sat.Y(school_year),
            ),
            [
                T(_("Exam")),
                T(_("Subject")),
                T(_("Candidates")),
                T(_("Mean in the institution")),
                T(_("Mean of the type")),
                T(_("Mean in the nation")),
                T(_("Difference from the nation")),
                T(_("School year")),
            ],
            [
                [
                    _exam_label(row),
                    row["subject"],
                    row["candidates"],
                    row["mean_percent"],
                    row["type_mean_percent"],
                    row["national_mean_percent"],
                    row["gap_to_national_points"],
                    sat.Y(school_year),
                ]
                for row in rows
            ],
            units=["", "", "", "%", "%", "%", "pp", ""],
        ),
    ]
    below = [row for row in rows if row["gap_to_national_points"] is not None and row["gap_to_national_points"] < 0]
    if below:
        blocks.append(
            {
                "type": "paragraph",
                "text": T(
                    _(
                        "In the %(year)s school year the institution's learners did worse than the learners of the "
                        "nation on average (%(gaps)s)."
                    ),
                    year=sat.Y(school_year),
                    gaps=[
                        T(
                            _("%(subject)s by %(points)s"),
                            subject=row["subject"],
                            points=V(-row["gap_to_national_points"], "pp"),
                        )
                        for row in below
                    ],
                ),
            }
        )
    return [*blocks, *qualification]


def _exam_label(row: dict[str, Any]) -> Text:
    if not row["level"]:
        return T(ExamKind(row["exam"]).label)
    return T(_("%(exam)s, %(level)s"), exam=T(ExamKind(row["exam"]).label), level=T(ExamLevel(row["level"]).label))


def section_observations(assessment: SelfAssessment, viewer: Viewer) -> list[Block]:
    year = assessment.school_year
    found = quality_selectors.observation_figures(
        date_from=year.start_date, date_to=year.end_date, visible_to=viewer, institution=assessment.institution
    )
    if not found["lessons"]:
        return [{"type": "note", "text": T(_("No lesson observations of this institution in this school year."))}]
    by_kind = found["lessons_by_kind"]
    return [
        figures(
            figure("observations.lessons", T(_("Lessons observed")), found["lessons"]),
            figure("observations.external", T(_("Lessons observed by the board")), by_kind.get("external", 0)),
            figure(
                "observations.internal", T(_("Lessons observed inside the institution")), by_kind.get("internal", 0)
            ),
            figure("observations.peer", T(_("Lessons observed by peers")), by_kind.get("peer", 0)),
        )
    ]


def section_resources(assessment: SelfAssessment, viewer: Viewer, on: date) -> list[Block]:
    """The rooms and the equipment held on the counted day (assets), then the external bodies' opinions on the
    premises (table 7)."""
    found = institution_resources(institution=assessment.institution, as_of=on)
    blocks: list[Block] = []
    if found["rooms"]:
        rows = [
            [T(RoomKind(kind).label), count, places, computers] for kind, count, places, computers in found["rooms"]
        ]
        blocks.append(
            table(
                "resources.rooms",
                T(_("Rooms")),
                [T(_("Kind")), T(_("Rooms")), T(_("Places")), T(_("Computers"))],
                rows,
                total=[T(_("Total")), *(sum(row[i] for row in found["rooms"]) for i in (1, 2, 3))],
            )
        )
    if found["assets"]:
        blocks.append(
            table(
                "resources.assets",
                T(_("Equipment held on %(date)s"), date=D(on)),
                [T(_("Kind")), T(_("Count"))],
                [list(row) for row in found["assets"]],
                total=[T(_("Total")), sum(count for _kind, count in found["assets"])],
            )
        )
    if not blocks:
        blocks.append(
            {"type": "note", "text": T(_("The assets area holds no rooms or equipment of this institution."))}
        )
    return [*blocks, *sat.inspections(assessment, viewer, on)]


def build_self_assessment_report(
    *, assessment: SelfAssessment, visible_to: Viewer, progress: Progress | None = None
) -> dict[str, Any]:
    """The report's content (JSON-ready data) for a self-assessment the viewer may read."""
    if not SelfAssessment.objects.visible_to(visible_to).filter(pk=assessment.pk).exists():
        raise PermissionDenied(_("This institution is not in your scope."))
    on = counted_on(assessment)
    parts: list[tuple[str, Any, Callable[[], list[Block]]]] = [
        (
            "general",
            _("General information about the institution"),
            lambda: section_general(assessment, visible_to, on),
        ),
        (
            "programmes",
            _("Education programmes and learners"),
            lambda: [
                *section_programmes(assessment, on),
                *sat.accredited_programmes(assessment, visible_to, on),
            ],
        ),
        ("staff", _("Staff"), lambda: section_staff(assessment, on)),
        ("priorities", _("Priorities of the institution's work"), lambda: section_priorities(assessment)),
        (
            "recommendations",
            _("Follow-up of the earlier evaluation's recommendations"),
            lambda: sat.recommendations(assessment, visible_to, on),
        ),
        ("evaluation", _("Self-assessment by area and criterion"), lambda: section_evaluation(assessment)),
        ("exams", _("Exam results"), lambda: section_exams(assessment, visible_to)),
        (
            "support",
            _("Support for learners: interest education and graduates' careers"),
            lambda: [*sat.interest(assessment, visible_to), *sat.employment(assessment, visible_to)],
        ),
        ("observations", _("Lesson observations"), lambda: section_observations(assessment, visible_to)),
        ("projects", _("Projects"), lambda: sat.projects(assessment, visible_to)),
        (
            "resources",
            _("Premises, rooms and equipment"),
            lambda: section_resources(assessment, visible_to, on),
        ),
    ]
    sections = []
    for done, (key, title, build) in enumerate(parts, start=1):
        sections.append({"key": key, "title": T(title), "blocks": build()})
        if progress is not None:
            progress(done, len(parts), key)
    return {
        "kind": "self_assessment",
        "institution": assessment.institution.registration_number,
        "school_year": assessment.school_year.code,
        "status": assessment.status,
        "framework": assessment.framework.code,
        "as_of": on.isoformat(),
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "sections": sections,
    }


def report_title_values(assessment: SelfAssessment) -> dict[str, str]:
    """The title's values in the active language: the institution's name, its name in the genitive (registry's
    `name_in`, the form Latvian writes before the word) and the school year as the language writes it."""
    institution = assessment.institution
    return {
        "institution": institution.name,
        "institution_genitive": institution.name_in("genitive"),
        "year": format_school_year(assessment.school_year.code),
    }


def report_title(assessment: SelfAssessment) -> str:
    """The file's title in the active language: "Daugavpils tehnikuma pašnovērtējuma ziņojums 2024./2025. mācību
    gadā" (the Latvian catalogue's form), "Self-assessment report of Daugavpils tehnikums for the 2024/2025 school
    year"."""
    # Latvian writes the institution in the genitive before the word: its translation takes
    # %(institution_genitive)s instead of %(institution)s.
    # xgettext:no-python-format
    template = _("Self-assessment report of %(institution)s for the %(year)s school year")
    return str(template) % report_title_values(assessment)
