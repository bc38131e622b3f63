"""Exams and monitoring tests: pass thresholds, sittings, institutions' results and learners' own results."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet
from eduboard.quality.choices import (
    ExamKind,
    ExamLevel,
    sitting_grade_label,
)
from eduboard.quality.models.observations import Subject
from eduboard.registry.models import Institution, Learner, ScopedQuerySet
from eduboard.registry.validators import mask_personal_code, validate_personal_code

PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class PassThreshold(models.Model):
    """The pass threshold of one kind of exam in one year (e.g. 15 % for secondary CE, 20 % from some year)."""

    year = models.PositiveSmallIntegerField(_("year"))
    exam = models.CharField(_("exam"), max_length=16, choices=ExamKind.choices)
    percent = models.DecimalField(_("threshold, %"), **PERCENT)  # type: ignore[arg-type]

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass threshold")
        verbose_name_plural = _("pass thresholds")
        ordering = ["-year", "exam"]
        constraints = [models.UniqueConstraint(fields=["year", "exam"], name="pass_threshold_unique_year_exam")]

    def __str__(self) -> str:
        return f"{self.year} {self.exam}: {self.percent} %"


class ExamSitting(models.Model):
    """One sitting of an exam or test in a year (calendar year it was written), per subject, level and grade."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    exam = models.CharField(_("exam"), max_length=16, choices=ExamKind.choices)
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="sittings")
    level = models.CharField(_("level"), max_length=8, choices=ExamLevel.choices, blank=True, default="")
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    national_mean_percent = models.DecimalField(
        _("national mean, %"),
        null=True,
        blank=True,
        **PERCENT,  # type: ignore[arg-type]
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam sitting")
        verbose_name_plural = _("exam sittings")
        ordering = ["-year", "exam", "subject__sort_name", "level", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "exam", "subject", "level", "grade"],
                condition=Q(grade__isnull=False),
                name="exam_sitting_unique_with_grade",
                violation_error_message=_("There is a sitting of this exam, subject, level and grade already."),
            ),
            models.UniqueConstraint(
                fields=["year", "exam", "subject", "level"],
                condition=Q(grade__isnull=True),
                name="exam_sitting_unique_without_grade",
                violation_error_message=_("There is a sitting of this exam, subject and level already."),
            ),
        ]

    def __str__(self) -> str:
        level = f" ({self.get_level_display()})" if self.level else ""
        grade = f", {self.grade_label}" if self.grade_label else ""
        return f"{self.year} {self.get_exam_display()}: {self.subject}{level}{grade}"

    @property
    def grade_label(self) -> str:
        return sitting_grade_label(self.grade)


class ExamResultQuerySet(ScopedQuerySet):
    institution_path = "institution"


class ExamResult(TimeStampedModel):
    """An institution's result in one sitting: candidates, mean %, how many fell below the threshold."""

    sitting = models.ForeignKey(
        ExamSitting, verbose_name=_("sitting"), on_delete=models.CASCADE, related_name="results"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="exam_results"
    )
    candidates = models.PositiveIntegerField(_("candidates"))
    mean_percent = models.DecimalField(
        _("mean, %"),
        null=True,
        blank=True,
        help_text=_(
            "Empty only for a monitoring test assessed by criteria without a percentage (seed 002: the preschool "
            "graduates' Latvian, grade 0)."
        ),
        **PERCENT,  # type: ignore[arg-type]
    )
    below_threshold = models.PositiveIntegerField(_("below the threshold"), null=True, blank=True)
    national_mean_percent = models.DecimalField(
        _("national mean, %"),
        null=True,
        blank=True,
        **PERCENT,  # type: ignore[arg-type]
    )
    type_mean_percent = models.DecimalField(
        _("mean of the institution's type, %"),
        null=True,
        blank=True,
        **PERCENT,  # type: ignore[arg-type]
    )

    objects = ExamResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        ordering = ["sitting", "institution__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "institution"], name="exam_result_unique_institution"),
            models.CheckConstraint(
                condition=Q(below_threshold__isnull=True) | Q(below_threshold__lte=models.F("candidates")),
                name="exam_result_below_at_most_candidates",
                violation_error_message=_("Learners below the threshold are at most the candidates."),
            ),
        ]

    def __str__(self) -> str:
        mean = f"{self.mean_percent} %" if self.mean_percent is not None else "—"
        return f"{self.sitting} — {self.institution}: {mean}"


class LearnerResultQuerySet(ScopedQuerySet):
    institution_path = "institution"


class LearnerResult(TimeStampedModel):
    """One learner's result in a sitting; the school is the learner's enrolment when the file was imported."""

    sitting = models.ForeignKey(
        ExamSitting, verbose_name=_("sitting"), on_delete=models.CASCADE, related_name="learner_results"
    )
    personal_code = models.CharField(_("personal code"), max_length=12, validators=[validate_personal_code])
    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learner_results",
    )
    percent = models.DecimalField(_("result, %"), **PERCENT)  # type: ignore[arg-type]

    objects = LearnerResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner's result")
        verbose_name_plural = _("learners' results")
        ordering = ["sitting", "percent"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "personal_code"], name="learner_result_unique_learner")
        ]

    def __str__(self) -> str:
        return f"{self.sitting} — {self.masked_code}: {self.percent} %"

    @property
    def masked_code(self) -> str:
        return mask_personal_code(self.personal_code)
