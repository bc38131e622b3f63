"""Choices of the quality area; the values are the codes import files use."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObservationKind(models.TextChoices):
    """Who observed the lesson (vērošanas veids)."""

    EXTERNAL = "external", _("External (by the board)")
    INTERNAL = "internal", _("Internal (by the institution)")
    PEER = "peer", _("Peer (a colleague)")


class ExamKind(models.TextChoices):
    """Kinds of exams and tests (valsts pārbaudes darbi, monitoringa darbi)."""

    CE_BASIC = "ce_basic", _("Basic-school centralised exam")
    CE_SECONDARY = "ce_secondary", _("Secondary centralised exam")
    MONITORING = "monitoring", _("City monitoring test")
    PILOT = "pilot", _("Pilot exam")
    QUALIFICATION = "qualification", _("Vocational qualification exam")


# The "grade" of a city monitoring test written by the preschools' graduates, assessed by criteria without a mean
# (seed 002: 846 in Latvian); counted apart from the schools' grades.
PRESCHOOL_GRADUATES_GRADE = 0


def sitting_grade_label(grade: int | None) -> str:
    """A sitting's grade as people read it: "7.", "preschool graduates", or "" when the sitting has no grade."""
    if grade == PRESCHOOL_GRADUATES_GRADE:
        return str(_("preschool graduates"))
    return f"{grade}." if grade else ""


class ExamLevel(models.TextChoices):
    """The level of a secondary exam (mācību satura apguves līmenis); empty for the others."""

    NONE = "", _("—")
    OPTIMAL = "optimal", _("Optimal level")
    HIGHER = "higher", _("Higher level")


# The pass threshold (minimālais kopvērtējuma slieksnis) when no PassThreshold row names another for the year.
DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    ExamKind.CE_BASIC: Decimal("10"),
    ExamKind.CE_SECONDARY: Decimal("15"),
}


class QualityLevel(models.TextChoices):
    """A level of the quality scale (kvalitātes vērtējuma līmenis), best first; the codes files use."""

    EXCELLENT = "excellent", _("excellent")
    VERY_GOOD = "very_good", _("very good")
    GOOD = "good", _("good")
    NEEDS_IMPROVEMENT = "needs_improvement", _("needs improvement")
    INSUFFICIENT = "insufficient", _("insufficient")


class FrameworkKind(models.TextChoices):
    """What a quality framework evaluates: an institution (self-assessment, accreditation) or a head's work."""

    INSTITUTION = "institution", _("Institution")
    HEAD = "head", _("Head of an institution")


class SelfAssessmentStatus(models.TextChoices):
    """Where a self-assessment (pašnovērtējums) is in its workflow."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the board")
    AGREED = "agreed", _("Agreed by the board")
    PUBLISHED = "published", _("Published")


class EvidenceKind(models.TextChoices):
    """What a self-assessment's evidence is."""

    OBSERVATION = "observation", _("Lesson observation")
    EXAM_RESULT = "exam_result", _("Exam result")
    SURVEY = "survey", _("Survey")
    DOCUMENT = "document", _("Document")


class UnifiedSchoolEnvironment(models.TextChoices):
    """Whether a school's environment meets the recommendations for the unified school (vienotā skola)."""

    MEETS = "meets", _("meets the recommendations")
    PARTLY = "partly", _("partly meets")
    DOES_NOT_MEET = "does_not_meet", _("does not meet")


class UnifiedSchoolHead(models.TextChoices):
    """Whether the head has ensured the transition to the unified school."""

    ENSURED = "ensured", _("ensured")
    PARTLY = "partly", _("partly ensured")
    NOT = "not", _("not ensured")


#: The framework codes the import files name (the newest version of each is used).
FRAMEWORK_MK325 = "mk325_2024"
FRAMEWORK_AREAS7 = "areas7"
FRAMEWORK_HEADS = "heads_2024"
