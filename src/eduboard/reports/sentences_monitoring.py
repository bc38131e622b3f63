"""The readiness report's sentences on the city's monitoring tests by level and on the exam threshold ahead (seed
002, section III), written as `reports.sentences` writes its own: catalogue templates with numbers as parameters, a
number with a noun an `N`/`NP` text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.quality.choices import PRESCHOOL_GRADUATES_GRADE
from eduboard.reports.content import NP, P, T, Text, V, number
from eduboard.reports.sentences import latvian_locative

Block = dict[str, Any]


def paragraph(text: Text) -> Block:
    return {"type": "paragraph", "text": text}


def grade_text(grade: int | None) -> Text:
    """ "PII absolventi", "7. klase": the grade of a monitoring sitting in words."""
    if grade == PRESCHOOL_GRADUATES_GRADE:
        return T(_("preschool graduates"))
    return T(_("grade %(grade)s"), grade=grade)


def grade_of(grade: int | None) -> Text:
    """Whose monitoring test, inside a Latvian sentence: "7. klases", "pirmsskolas absolventu"."""
    if not grade:
        return T(_("of the preschool graduates"))
    return T(_("of grade %(grade)s"), grade=grade)


def monitoring_levels(
    *, sittings: list[dict[str, Any]], subjects: dict[str, dict[str, Any]], names: Mapping[str, Text] | None = None
) -> list[Block]:
    """Seed 002, III: "187 7.kl. izglītojamie (26,2%) ir apguvuši vai padziļināti apguvuši mācību saturu ...";
    "Kopumā 674 bērniem (23%) ir zems latviešu valodas prasmes līmenis (PII absolventi, 1., 4., 7.kl.)"
    (quality.selectors.monitoring_level_figures). `names`: each subject in each language (`L`), where known."""
    names = names or {}
    blocks = []
    for sitting in sittings:
        mastered = sitting["mastered"]
        if mastered["learners"]:
            blocks.append(
                paragraph(
                    T(
                        _(
                            # xgettext:no-python-format
                            "In the monitoring test in %(subject)s (%(grade)s), %(learners)s (%(share)s) mastered "
                            "the content or mastered it in depth."
                        ),
                        subject=names.get(sitting["subject"], sitting["subject"]),
                        subject_locative=latvian_locative(sitting["subject"]),
                        grade=grade_text(sitting["grade"]),
                        grade_of=grade_of(sitting["grade"]),
                        learners=NP(
                            "monitoring mastered", "%(count)s learner", "%(count)s learners", mastered["learners"]
                        ),
                        share=V(number(mastered["percent"]), "%"),
                    )
                )
            )
    for subject, total in subjects.items():
        if not total["low"]:
            continue
        blocks.append(
            paragraph(
                T(
                    _(
                        # xgettext:no-python-format
                        "In all, %(learners)s (%(share)s of the %(assessed)s assessed) have a low or critically low "
                        "level in the monitoring tests in %(subject)s (%(grades)s)."
                    ),
                    learners=NP("monitoring low", "%(count)s learner", "%(count)s learners", total["low"]),
                    share=V(number(total["percent"]), "%"),
                    assessed=total["assessed"],
                    subject=names.get(subject, subject),
                    subject_locative=latvian_locative(subject),
                    grades=[grade_text(grade) for grade in total["grades"]],
                )
            )
        )
    return blocks


def threshold_ahead(
    *,
    school_year: str,
    threshold: Any,
    monitoring_school_year: str,
    grade: int,
    learners: int,
    by_subject: Any,
    names: Mapping[str, Text] | None = None,
) -> Block:
    """Seed 002, III: "Lai 2025./2026.mācību gada eksāmenos 9.klases skolēni spētu pārvarēt 20% slieksni, tiks
    detalizēti pētīti viņu rezultāti 7.klases 2023./2024.mācību gada monitoringa darbos ... skolēniem, kuriem
    rezultāts bija mazāks nekā 20%" (quality.selectors.cohort_below_threshold)."""
    names = names or {}  # each subject in each language (`L`), where known
    subjects = [
        P(
            "monitoring subject",
            # xgettext:no-python-format
            "%(subject)s – %(count)s",
            subject=names.get(subject, subject),
            subject_locative=latvian_locative(subject),
            count=count,
        )
        for subject, count in by_subject.items()
    ]
    return paragraph(
        T(
            _(
                "In the basic-school centralised exams of the %(year)s school year the threshold is %(threshold)s; "
                "%(learners)s had a result below it in the grade %(grade)s monitoring tests of %(monitoring_year)s "
                "(%(subjects)s)."
            ),
            year={"y": school_year},
            threshold=V(number(threshold), "%"),
            learners=NP("below the threshold ahead", "%(count)s pupil", "%(count)s pupils", learners),
            grade=grade,
            monitoring_year={"y": monitoring_school_year},
            subjects=subjects,
        )
    )
