"""Seed 002's section III, the analysis of the city's monitoring tests by level ("Pilsētas monitoringa darbu latviešu
valodā rezultātu analīze un secinājumi") and the exam threshold ahead ("Lai 2025./2026.mācību gada eksāmenos
9.klases skolēni spētu pārvarēt 20% slieksni ..."), from the quality selectors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from eduboard.core.schoolyears import school_year_code_for
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.choices import ExamKind
from eduboard.quality.models import MonitoringAspect, MonitoringLevel
from eduboard.reports import sentences_monitoring
from eduboard.reports.content import T
from eduboard.reports.readiness.base import EXAM_RESULTS, Block, BuildContext, figure, figures, needs, table


def monitoring_level_blocks(ctx: BuildContext, *, year: int) -> list[Block]:
    """The monitoring tests of `year` by level: a sentence on each grade's learners who mastered the content and on
    each subject's learners at a low level, a table of every level counted in each sitting (one per subject and
    grade, keyed `quality.monitoring_levels.<subject>.<grade>`, so that each row's words tell it apart), and each
    subject's total."""
    found = quality_selectors.monitoring_level_figures(year=year, visible_to=ctx.visible_to)
    if not found["sittings"]:
        return []
    aspects = dict(MonitoringAspect.choices)
    levels = dict(MonitoringLevel.choices)
    names = {sitting["subject"]: ctx.subject_text(sitting["subject"]) for sitting in found["sittings"]}
    names |= {subject: ctx.subject_text(subject) for subject in found["subjects"]}  # in each language
    tables = [
        table(
            f"quality.monitoring_levels.{slugify(sitting['subject'])}.{sitting['grade']}",
            T(
                _("%(subject)s, %(grade)s: learners by level (of %(assessed)s assessed)"),
                subject=names[sitting["subject"]],
                grade=sentences_monitoring.grade_text(sitting["grade"]),
                assessed=sitting["assessed"],
            ),
            [T(_("Aspect")), T(_("Level")), T(_("Learners")), T(_("Share of those assessed"))],
            [
                [
                    T(aspects[aspect]) if aspect in aspects else aspect,
                    T(levels[level]) if level in levels else level,
                    counted["learners"],
                    counted["percent"],
                ]
                for aspect, by_level in sitting["levels"].items()
                for level, counted in by_level.items()
            ],
            units=["", "", "", "%"],
        )
        for sitting in found["sittings"]
    ]
    return needs(
        EXAM_RESULTS,
        *sentences_monitoring.monitoring_levels(sittings=found["sittings"], subjects=found["subjects"], names=names),
        *tables,
        table(
            "quality.monitoring_low",
            T(_("Learners at a low or critically low level in the city's monitoring tests")),
            [T(_("Subject")), T(_("Assessed")), T(_("At a low or critically low level")), T(_("Share"))],
            [
                [names[subject], total["assessed"], total["low"], total["percent"]]
                for subject, total in found["subjects"].items()
            ],
            units=["", "", "", "%"],
        ),
    )


def threshold_ahead_blocks(ctx: BuildContext, *, exam_year: int) -> list[Block]:
    """The basic-school exam's threshold of `exam_year` when it differs from the year before's, and the pupils of
    that exam's cohort below it in their grade-7 monitoring tests two years before (seed 002: 20 % in 2025/2026)."""
    exam = ExamKind.CE_BASIC.value
    thresholds = quality_selectors.pass_thresholds(years=(exam_year - 1, exam_year), exams=(exam,))
    if thresholds[(exam_year, exam)] == thresholds[(exam_year - 1, exam)]:
        return []
    found = quality_selectors.cohort_below_threshold(exam_year=exam_year, exam=exam, visible_to=ctx.visible_to)
    school_year = school_year_code_for_exam(exam_year)
    return needs(
        EXAM_RESULTS,
        sentences_monitoring.threshold_ahead(
            school_year=school_year,
            threshold=normalized(found["threshold"]),
            monitoring_school_year=school_year_code_for_exam(found["monitoring_year"]),
            grade=found["grade"],
            learners=found["learners"],
            by_subject=found["by_subject"],
            names={subject: ctx.subject_text(subject) for subject in found["by_subject"]},
        ),
        figures(
            figure(
                f"quality.threshold_ahead.{exam}.threshold",
                T(_("The basic-school exams' threshold in the %(year)s school year"), year={"y": school_year}),
                normalized(found["threshold"]),
                "%",
            ),
            figure(
                f"quality.threshold_ahead.{exam}.learners",
                T(
                    _("Pupils below it in the grade %(grade)s monitoring tests of %(year)s"),
                    grade=found["grade"],
                    year={"y": school_year_code_for_exam(found["monitoring_year"])},
                ),
                found["learners"],
            ),
        ),
    )


def school_year_code_for_exam(year: int) -> str:
    """The school year whose exams and tests are written in the calendar year `year` (in spring): 2026 -> 2025/2026."""
    return school_year_code_for(date(year, 5, 1))


def normalized(value: Decimal | None) -> str | None:
    """A threshold as the seed writes it (20 %, 15 %), without a stored value's trailing zeros (20.00)."""
    return None if value is None else format(value.normalize(), "f")
