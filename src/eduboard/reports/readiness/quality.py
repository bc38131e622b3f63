"""Seed 002's section III, quality monitoring of education ("Izglītības kvalitātes monitorings"): lesson
observations, exam and monitoring-test results against the nation, the heads' evaluation on the way to the
unified school, early school-leaving prevention and the survey (built from the quality, prevention and survey
selectors), then the board's analysis and priorities."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import sort_key
from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.people.selectors import GENERAL_SCHOOL_TYPES
from eduboard.prevention.choices import RuleCode
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.prevention.selectors import prevention_figures
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.choices import PRESCHOOL_GRADUATES_GRADE, ExamLevel, QualityLevel
from eduboard.quality.models import Criterion
from eduboard.registry.choices import InstitutionType
from eduboard.reports import sentences
from eduboard.reports.content import L, T, Text
from eduboard.reports.readiness.base import (
    EXAM_RESULTS,
    HEADS,
    OBSERVATIONS,
    PREVENTION,
    Block,
    BuildContext,
    figure,
    figures,
    heading,
    narrative,
    needs,
    period,
    table,
)
from eduboard.reports.readiness.finance import decimal_text
from eduboard.reports.readiness.monitoring import monitoring_level_blocks, threshold_ahead_blocks
from eduboard.reports.readiness.surveys import survey_blocks

EXAMS = [
    ("ce_basic", None, _("Basic-school centralised exams: the city against the nation")),
    ("ce_secondary", "optimal", _("Secondary centralised exams at the optimal level: the city against the nation")),
    ("ce_secondary", "higher", _("Secondary centralised exams at the higher level: the city against the nation")),
    ("monitoring", None, _("City monitoring tests")),
    ("pilot", None, _("City pilot exams")),
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


def heads_blocks(ctx: BuildContext) -> list[Block]:
    """The schools on their way to the unified school and the heads' professional evaluation (seed 002, section
    III): each school's latest status and each head's latest overall level as of the report's date."""
    figures_now = quality_selectors.heads_figures(visible_to=ctx.visible_to, as_of=ctx.as_of)
    unified = figures_now["unified_school"]
    if not figures_now["heads"] and not unified["schools"]:
        return []
    levels = figures_now["levels"]
    environment, head = unified["environment"], unified["head"]
    return needs(
        HEADS,
        heading(T(_("Schools on the way to the unified school and the heads' professional evaluation")), 3),
        {
            "type": "paragraph",
            "text": T(
                _(
                    "Of %(schools)s schools on the way to the unified school, the environment meets the "
                    "recommendations in %(meets)s, partly in %(partly)s and not in %(not_meeting)s; %(ensured)s "
                    "heads have ensured the transition, %(head_partly)s partly. The professional work of "
                    "%(excellent)s heads is rated “excellent”, %(very_good)s “very good”, %(good)s “good”, "
                    "%(needs_improvement)s “needs improvement”."
                ),
                schools=unified["schools"],
                meets=environment["meets"],
                partly=environment["partly"],
                not_meeting=environment["does_not_meet"],
                ensured=head["ensured"],
                head_partly=head["partly"],
                **{level: levels[level] for level in ("excellent", "very_good", "good", "needs_improvement")},
            ),
        },
        figures(
            figure("quality.unified.schools", T(_("Schools on the way to the unified school")), unified["schools"]),
            figure("quality.unified.meets", T(_("Environment meets the recommendations")), environment["meets"]),
            figure("quality.unified.partly", T(_("Environment partly meets them")), environment["partly"]),
            figure(
                "quality.unified.does_not_meet", T(_("Environment does not meet them")), environment["does_not_meet"]
            ),
            figure("quality.unified.head_ensured", T(_("Heads who ensured the transition")), head["ensured"]),
            figure("quality.unified.head_partly", T(_("Heads who partly ensured it")), head["partly"]),
        ),
        table(
            "quality.heads",
            T(_("Heads' professional evaluation: overall level")),
            [T(_("Level")), T(_("Heads"))],
            [[T(QualityLevel(level).label), count] for level, count in levels.items()],
            total=[T(_("Total")), figures_now["heads"]],
        ),
    )


def prevention_blocks(ctx: BuildContext) -> list[Block]:
    """Early school-leaving prevention (seed 002, the council's programme 2024–2028): learners at risk by rule on
    the report's date, counts only, in the reader's scope."""
    if not (Absence.objects.exists() or TermResult.objects.exists() or SupportPlan.objects.exists()):
        return []
    found = prevention_figures(as_of=ctx.as_of, visible_to=ctx.visible_to)
    labels = dict(RuleCode.choices)
    return needs(
        PREVENTION,
        heading(T(_("Early school-leaving prevention")), 3),
        figures(
            *(
                figure(f"quality.prevention.{code}", T(labels[code]), count)
                for code, count in found["at_risk_by_rule"].items()
            ),
            figure("quality.prevention.at_risk_total", T(_("Learners at risk")), found["at_risk_total"]),
            figure(
                "quality.prevention.with_support_plan", T(_("Of them with a support plan")), found["with_support_plan"]
            ),
        ),
    )


def quality_blocks(ctx: BuildContext) -> list[Block]:
    """Lesson observations of the past school year and its exam and test results against the nation."""
    year = ctx.registry["school_year"]
    if not year:
        return []
    start = int(year[:4]) - 1
    blocks = _observation_blocks(ctx, start)
    for exam, level, title in EXAMS:
        rows = quality_selectors.exam_comparison(year=start + 1, exam=exam, level=level, visible_to=ctx.visible_to)
        if not rows:
            continue
        rows = [{**row, "subject_text": ctx.subject_text(row["subject"])} for row in rows]  # in each language
        blocks += needs(EXAM_RESULTS, _exam_table(exam, level, title, rows))
        if exam == "monitoring":
            blocks += needs(EXAM_RESULTS, *_monitoring_totals(rows))
            blocks += monitoring_level_blocks(ctx, year=start + 1)
    blocks += needs(
        EXAM_RESULTS,
        *_threshold_blocks(quality_selectors.threshold_failures(year=start + 1, visible_to=ctx.visible_to)),
    )
    # The threshold of the exams two school years on (seed 002: 20 % in 2025/2026, for today's grade-7 pupils).
    blocks += threshold_ahead_blocks(ctx, exam_year=start + 3)
    return blocks


def _observation_blocks(ctx: BuildContext, start: int) -> list[Block]:
    """The lessons observed in the school year that began in `start`: the sentence, the figures by who observed,
    and the criteria the board's observations met."""
    # Seed 002 counts the lessons observed from 1 September to 30 June (the lessons' time of the past school
    # year): the board's in preschools and general schools, apart from them the training sessions in sports
    # (other) schools. One period for the heading, the sentence, the figures and the criteria.
    period_from, lessons_to = date(start, 9, 1), date(start + 1, 6, 30)
    scope = ctx.visible_to
    everything = quality_selectors.observation_figures(date_from=period_from, date_to=lessons_to, visible_to=scope)
    external = quality_selectors.observation_figures(
        date_from=period_from, date_to=lessons_to, visible_to=scope, kind="external"
    )
    by_kind = everything["lessons_by_kind"]
    board_schools, board_other = _board_lessons(period_from, lessons_to, scope)
    return needs(
        OBSERVATIONS,
        heading(
            T(
                _("Lesson observations %(from)s–%(to)s"),
                **period(period_from, lessons_to),
            )
        ),
        sentences.observations(
            date_from=period_from,
            date_to=lessons_to,
            board=board_schools,
            other=board_other,
            internal=by_kind.get("internal", 0),
            year=ctx.registry["school_year"],
        ),
        figures(
            figure(
                "quality.lessons_board_schools",
                T(_("Lessons observed by the board in preschools and general schools, 1 September to 30 June")),
                board_schools,
            ),
            figure(
                "quality.lessons_board_other",
                T(_("Training sessions observed by the board in sports and other schools, 1 September to 30 June")),
                board_other,
            ),
            figure("quality.lessons_external", T(_("Lessons observed by the board")), by_kind.get("external", 0)),
            figure(
                "quality.lessons_internal", T(_("Lessons observed inside the institutions")), by_kind.get("internal", 0)
            ),
            figure("quality.lessons_peer", T(_("Lessons observed by peers")), by_kind.get("peer", 0)),
        ),
        _criteria_table(external, _criterion_texts(external["criteria"])),
    )


def _board_lessons(date_from: date, date_to: date, scope: Viewer) -> tuple[int, int]:
    """The lessons the board observed in the period: in preschools and general schools, and in the other schools."""
    board_by_type = quality_selectors.lessons_by_institution_type(
        date_from=date_from, date_to=date_to, visible_to=scope, kind="external"
    )
    schools_types = {InstitutionType.PRESCHOOL.value, *GENERAL_SCHOOL_TYPES}
    board_schools = sum(n for kind, n in board_by_type.items() if kind in schools_types)
    board_other = sum(n for kind, n in board_by_type.items() if kind not in schools_types)
    return board_schools, board_other


def _criterion_texts(criteria: dict[str, dict[str, Any]]) -> dict[str, tuple[Text, Text]]:
    """Criterion code -> its text and its group's name in each language (one query; none without criteria): of the
    form version whose Latvian text the figures give (`quality.selectors.criterion_texts` chose it)."""
    if not criteria:
        return {}
    found: dict[str, tuple[Text, Text]] = {}
    for criterion in Criterion.objects.filter(code__in=list(criteria)).select_related("group").order_by("-pk"):
        if criterion.code not in found and criterion.text == criteria[criterion.code]["text"]:
            found[criterion.code] = (L(criterion), L(criterion.group))
    return found


def _criteria_table(external: dict[str, Any], texts: dict[str, tuple[Text, Text]]) -> Block:
    """The lessons observed by the board that met each criterion, against a year before (`texts`: each criterion's
    text and group in each language, where found)."""
    return table(
        "quality.criteria",
        T(_("Lessons observed by the board meeting each criterion")),
        [
            T(_("Criterion")),
            T(_("Group")),
            T(_("Lessons")),
            T(_("Meeting")),
            T(_("Meeting, in whole percent")),
            T(_("A year before")),
        ],
        [
            [
                *texts.get(code, (item["text"], item["group"])),
                item["answered"],
                decimal_text(item["percent"]),
                decimal_text(percent(item["meeting"], item["answered"], places=0)),
                decimal_text(item["previous_percent"]),
            ]
            for code, item in external["criteria"].items()
        ],
        units=["", "", "", "%", "%", "%"],
        chart=[3],
        own_places=frozenset({4}),
    )


def _exam_table(exam: str, level: str | None, title: Any, rows: list[dict[str, Any]]) -> Block:
    """One exam's (or test's) results by subject and grade: the city's mean against the nation's."""
    return table(
        f"quality.exams.{exam}.{level or 'all'}",
        T(title),
        [
            T(_("Subject")),
            T(_("Grade")),
            T(_("Candidates")),
            T(_("City")),
            T(_("Nation")),
            T(_("Gap")),
            T(_("Below the threshold")),
        ],
        [
            [
                T(_("%(subject)s (%(level)s)"), subject=row["subject_text"], level=T(ExamLevel(row["level"]).label))
                if row["level"] and level is None and row["level"] in ExamLevel.values
                else row["subject_text"],
                row["grade"],
                row["candidates"],
                decimal_text(row["mean_percent"]),
                decimal_text(row["national_mean_percent"]),
                decimal_text(row["gap_points"]),
                row["below_threshold"],
            ]
            for row in rows
            # A test assessed by criteria has no mean to compare: it is counted in the totals below.
            if row["mean_percent"] is not None
        ],
        units=["", "", "", "%", "%", "pp", ""],
        chart=[3, 4],
    )


def _threshold_blocks(failures: dict[str, dict[str, Any]]) -> list[Block]:
    """Seed 002: "Pamatizglītībā 10% minimālā kopvērtējuma slieksni nav varējuši sasniegt 50 skolēni ... 3 skolēni
    nenokārtoja eksāmenu matemātikā jau otrreiz"; "Vidusskolā 15% ... – 21 skolēns" (from learners' results)."""
    blocks: list[Block] = []
    for exam, found in failures.items():
        blocks.append(sentences.below_threshold(exam=exam, **found))
        blocks.append(
            figures(
                figure(
                    f"quality.below_threshold.{exam}.learners", T(_("Pupils below the threshold")), found["learners"]
                ),
                figure(
                    f"quality.below_threshold.{exam}.results", T(_("Results below the threshold")), found["results"]
                ),
                figure(
                    f"quality.below_threshold.{exam}.repeat",
                    T(_("Pupils below the threshold in the same exam for the second time")),
                    found["repeat"],
                ),
            )
        )
    return blocks


def _monitoring_totals(rows: list[dict[str, Any]]) -> list[Block]:
    """Learners assessed in each subject's city monitoring tests of numbered grades, with the grades (seed 002:
    Latvian 2 423 = 875 + 835 + 713, mathematics 1 335 = 671 + 664), and the preschool graduates assessed apart
    (grade 0; seed 002: 846 in Latvian, by common criteria)."""
    by_subject: dict[str, list[tuple[int, int]]] = defaultdict(list)
    preschool: dict[str, int] = defaultdict(int)  # grade 0: the preschool graduates, not in the schools' total
    for row in rows:
        if row["grade"]:
            by_subject[row["subject"]].append((row["grade"], row["candidates"]))
        elif row["grade"] == PRESCHOOL_GRADUATES_GRADE:
            preschool[row["subject"]] += row["candidates"]
    shown = {row["subject"]: row.get("subject_text", row["subject"]) for row in rows}  # in each language
    totals: list[tuple[Text, int, list[tuple[int, int]], int]] = [
        (
            shown[subject],
            sum(count for _grade, count in by_subject[subject]),
            sorted(by_subject[subject]),
            preschool[subject],
        )
        for subject in sorted(set(by_subject) | set(preschool), key=sort_key)
    ]
    if not totals:
        return []
    return [
        *sentences.monitoring_totals(totals=totals),
        table(
            "quality.monitoring_totals",
            T(_("Learners assessed in the city's monitoring tests by subject")),
            [T(_("Subject")), T(_("Learners")), T(_("Grades")), T(_("Preschool graduates"))],
            [
                [subject, total, ", ".join(str(grade) for grade, _count in grades), graduates]
                for subject, total, grades, graduates in totals
            ],
        ),
    ]
