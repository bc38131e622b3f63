"""Self-assessment frameworks, institutions' self-assessments with entries and evidence, and accreditations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear, TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.quality.choices import (
    EvidenceKind,
    FrameworkKind,
    QualityLevel,
    SelfAssessmentStatus,
)
from eduboard.quality.models.exams import ExamResult
from eduboard.quality.models.observations import Observation
from eduboard.registry.models import Institution, Programme, ScopedQuerySet

#: Who sees and records heads' evaluations and unified-school statuses: the board (not its observers).
HEADS_EVALUATORS = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST})


def level_field(verbose_name: Any, *, blank: bool = False) -> models.CharField[Any, Any]:
    """A level of the quality scale; blank where none is given (a criterion not rated)."""
    return models.CharField(
        verbose_name, max_length=20, choices=QualityLevel.choices, blank=blank, default="" if blank else None
    )


class Framework(models.Model):
    """One version of a quality framework (kvalitātes vērtēšanas ietvars): areas, criteria and a level scale.

    A change makes a new version; self-assessments, accreditations and evaluations keep the version they used."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("evaluates"), max_length=12, choices=FrameworkKind.choices)
    source = models.CharField(_("source"), max_length=255, blank=True, help_text=_("e.g. the regulation it follows"))
    levels = models.JSONField(_("level scale"), default=list, help_text=_("The level codes of its scale, best first."))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality framework")
        verbose_name_plural = _("quality frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="framework_unique_version",
                violation_error_message=_("There is a framework of this code and version already."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="framework_version_from_1",
                violation_error_message=_("A framework's versions are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        """The framework's levels as (code, label) pairs, best first."""
        labels = dict(QualityLevel.choices)
        return [(code, str(labels.get(code, code))) for code in self.levels]


class FrameworkArea(TranslatedText):
    """An area or category of a framework (joma, kategorija), e.g. "2 Mācīšana un mācīšanās"."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    name_en, name_ru = translations_of(_("name"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework area")
        verbose_name_plural = _("framework areas")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_area_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.in_language()}"


class FrameworkCriterion(TranslatedText):
    """A criterion of a framework (kritērijs); its code (`2.1`, `7.3`, or an area's own `1`) is stable."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="criteria"
    )
    area = models.ForeignKey(FrameworkArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    name_en, name_ru = translations_of(_("name"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    every_year = models.BooleanField(
        _("reviewed every year"), default=False, help_text=_("Else at least once in four years.")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework criterion")
        verbose_name_plural = _("framework criteria")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_criterion_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.in_language()}"


class SelfAssessment(TimeStampedModel):
    """An institution's self-assessment of one school year on one framework version (pašnovērtējums), with its
    workflow: draft → submitted → agreed by the board → published (then frozen)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=SelfAssessmentStatus.choices, default=SelfAssessmentStatus.DRAFT
    )
    priorities = models.TextField(_("priorities"), blank=True, help_text=_("The institution's priorities this year."))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-school_year__start_date", "institution__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year"],
                name="self_assessment_unique_year",
                violation_error_message=_("This institution has a self-assessment of this school year already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year}"

    def get_absolute_url(self) -> str:
        return reverse("quality:self_assessment_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == SelfAssessmentStatus.PUBLISHED


class SelfAssessmentEntryQuerySet(ScopedQuerySet):
    institution_path = "self_assessment__institution"


class SelfAssessmentEntry(TimeStampedModel):
    """One criterion of a self-assessment: its level, what was found, what the institution is proud of, what
    comes next, and the board's comment."""

    self_assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="entries"
    )
    criterion = models.ForeignKey(
        FrameworkCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    level = level_field(_("level"), blank=True)
    description = models.TextField(_("description"), blank=True)
    strengths = models.TextField(_("achievements we are proud of"), blank=True)
    next_steps = models.TextField(_("further development"), blank=True)
    board_comment = models.TextField(_("the board's comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SelfAssessmentEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment of a criterion")
        verbose_name_plural = _("self-assessments of criteria")
        ordering = ["self_assessment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "criterion"],
                name="self_assessment_entry_unique_criterion",
                violation_error_message=_("This criterion is in the self-assessment already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.self_assessment} {self.criterion.code}"


class EvidenceQuerySet(ScopedQuerySet):
    institution_path = "entry__self_assessment__institution"


class Evidence(TimeStampedModel):
    """What a self-assessed criterion rests on: a lesson observation, an exam result, a survey or a document."""

    entry = models.ForeignKey(
        SelfAssessmentEntry, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=255)
    observation = models.ForeignKey(
        Observation,
        verbose_name=_("lesson observation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exam_result = models.ForeignKey(
        ExamResult, verbose_name=_("exam result"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    url = models.URLField(_("link"), max_length=500, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.title


class Accreditation(TimeStampedModel):
    """An accreditation (akreditācija) of an institution, or of one of its programmes, for up to six years."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="accreditations"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the institution's own accreditation."),
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accredited_on = models.DateField(_("accredited on"))
    term_years = models.PositiveSmallIntegerField(
        _("term, years"), validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    expires_on = models.DateField(_("expires on"), editable=False)
    decision = models.CharField(_("decision"), max_length=120, blank=True, help_text=_("e.g. its number and date"))
    visited_on = models.DateField(_("expert visit"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["expires_on", "institution__sort_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__gte=1) & Q(term_years__lte=6),
                name="accreditation_term_1_to_6_years",
                violation_error_message=_("An accreditation is given for one to six years."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("accredited_on")),
                name="accreditation_expires_after_start",
                violation_error_message=_("An accreditation expires after it was given."),
            ),
        ]

    def __str__(self) -> str:
        what = f"{self.institution}" + (f", {self.programme.code}" if self.programme_id and self.programme else "")
        return f"{what}: {self.accredited_on:%d.%m.%Y}–{self.expires_on:%d.%m.%Y}"


class AccreditationLevelQuerySet(ScopedQuerySet):
    institution_path = "accreditation__institution"


class AccreditationLevel(models.Model):
    """The level the accreditation's experts gave one criterion."""

    accreditation = models.ForeignKey(
        Accreditation, verbose_name=_("accreditation"), on_delete=models.CASCADE, related_name="levels"
    )
    criterion = models.ForeignKey(
        FrameworkCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    level = level_field(_("level"))

    objects = AccreditationLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation level")
        verbose_name_plural = _("accreditation levels")
        ordering = ["accreditation", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "criterion"],
                name="accreditation_level_unique_criterion",
                violation_error_message=_("This criterion has a level in the accreditation already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.level}"
