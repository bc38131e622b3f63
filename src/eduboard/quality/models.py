"""Quality tables: observation forms (versioned), lesson observations, exams and monitoring tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role
from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import SchoolYear, TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, WholeCity, institution_scope
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.people.models import StaffMember
from eduboard.quality.choices import (
    EvidenceKind,
    ExamKind,
    ExamLevel,
    FrameworkKind,
    ObservationKind,
    QualityLevel,
    SelfAssessmentStatus,
    UnifiedSchoolEnvironment,
    UnifiedSchoolHead,
    sitting_grade_label,
)
from eduboard.registry.models import Institution, Learner, Programme, ScopedQuerySet
from eduboard.registry.validators import mask_personal_code, validate_personal_code

PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class AnswerScale(TranslatedText):
    """A scale of answers to a criterion, e.g. yes / partly / no, or levels."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en, name_ru = translations_of(_("name"), max_length=120)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        ordering = ["code"]


class ScaleOption(TranslatedText):
    """One answer of a scale; `meets` says whether a lesson with this answer meets the criterion."""

    scale = models.ForeignKey(AnswerScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    label_en, label_ru = translations_of(_("label"), max_length=80)
    translated_field = "label"
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    meets = models.BooleanField(_("meets the criterion"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("scale option")
        verbose_name_plural = _("scale options")
        ordering = ["scale", "position"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="scale_option_unique_code")]


class ObservationForm(models.Model):
    """One version of an observation form (vērošanas lapa); a change makes a new version, old ones stay."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=255, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation form")
        verbose_name_plural = _("observation forms")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="observation_form_unique_version"),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="observation_form_version_from_1",
                violation_error_message=_("A form's versions are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("quality:form_detail", args=[self.pk])


class CriterionGroup(TranslatedText):
    """A group of criteria on a form version, e.g. "critical thinking and problem solving"."""

    form = models.ForeignKey(ObservationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    name_en, name_ru = translations_of(_("name"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="criterion_group_unique_code")]


class Criterion(TranslatedText):
    """A criterion of a form version, answered on its scale; its code is the column name in files."""

    form = models.ForeignKey(ObservationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(
        CriterionGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("criterion"), max_length=255)
    text_en, text_ru = translations_of(_("criterion"), max_length=255)
    translated_field = "text"
    scale = models.ForeignKey(AnswerScale, verbose_name=_("scale"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="criterion_unique_code")]


class Subject(LatvianKeysMixin, TranslatedText):
    """A subject (mācību priekšmets) as files name it, e.g. "Matemātika"; names are unique ignoring case."""

    name = models.CharField(_("name"), max_length=120)
    name_en, name_ru = translations_of(_("name"), max_length=120)
    sort_name = LatvianKeyField(sources=["name"])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="subject_unique_name_ci",
                violation_error_message=_("There is a subject of this name already."),
            )
        ]


def sees_whole_institutions(user: Any) -> bool:
    """Whether `user` sees every observation in their scope (board roles and heads) or only their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    if institution_scope(user) is None:
        return True
    return getattr(user, "role", "") == Role.INSTITUTION_HEAD


class ObservationQuerySet(models.QuerySet["Observation"]):
    def visible_to(self, viewer: Viewer) -> ObservationQuerySet:
        """The board sees all; a head their institutions'; anyone else the lessons they taught or observed."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        if not viewer.is_authenticated:
            return self.none()
        if sees_whole_institutions(viewer):
            return self.filter(institution__in=scope)
        return self.filter(Q(teacher__user=viewer) | Q(observer=viewer))

    def editable_by(self, viewer: Viewer) -> ObservationQuerySet:
        """Observations the viewer may change (as visible_to)."""
        return self.visible_to(viewer)


class Observation(TimeStampedModel):
    """A lesson observed against a form version (mācību stundas vērošana), with an answer per criterion."""

    form = models.ForeignKey(ObservationForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="observations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ObservationKind.choices)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("observer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations_made",
    )
    observer_name = models.CharField(
        _("observer's name"), max_length=160, blank=True, help_text=_("Kept when the observer has no account.")
    )
    teacher = models.ForeignKey(
        StaffMember, verbose_name=_("observed teacher"), on_delete=models.PROTECT, related_name="observations"
    )
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade or group"), max_length=40, help_text=_("e.g. 7.b, 5 or Saulītes"))
    strengths = models.TextField(_("strengths"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's comment"), blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson observation")
        verbose_name_plural = _("lesson observations")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date", "kind"]), models.Index(fields=["institution", "date"])]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.subject}, {self.grade} — {self.teacher}"

    def get_absolute_url(self) -> str:
        return reverse("quality:observation_detail", args=[self.pk])

    @property
    def observer_display(self) -> str:
        if self.observer_id and self.observer is not None:
            return self.observer.get_full_name() or self.observer.get_username()
        return self.observer_name


class AnswerQuerySet(models.QuerySet["Answer"]):
    def visible_to(self, viewer: Viewer) -> AnswerQuerySet:
        """Answers of the observations the viewer may see."""
        return self.filter(observation__in=Observation.objects.visible_to(viewer).values("pk"))

    def editable_by(self, viewer: Viewer) -> AnswerQuerySet:
        """Answers of the observations the viewer may change."""
        return self.filter(observation__in=Observation.objects.editable_by(viewer).values("pk"))


class Answer(models.Model):
    """The answer to one criterion in one observation."""

    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(ScaleOption, verbose_name=_("answer"), on_delete=models.PROTECT, related_name="+")

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["observation", "criterion"], name="answer_unique_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.option.code}"


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


#: Who sees and records heads' evaluations and unified-school statuses: the board (not its observers).
HEADS_EVALUATORS = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST})


# --- quality frameworks, self-assessment, accreditation, heads' evaluation (pašvērtēšana, akreditācija)


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


def sees_heads_evaluations(viewer: Viewer) -> bool:
    """The board's administrators and analysts (and the whole city's view) see every head's evaluation; an
    observer or anyone else does not."""
    if isinstance(viewer, WholeCity):
        return True
    if not getattr(viewer, "is_authenticated", False):
        return False
    return bool(getattr(viewer, "is_superuser", False)) or getattr(viewer, "role", None) in HEADS_EVALUATORS


class HeadEvaluationQuerySet(models.QuerySet["HeadEvaluation"]):
    def visible_to(self, viewer: Viewer) -> HeadEvaluationQuerySet:
        """The board sees every evaluation; a head only their own (the staff record linked to their account)."""
        if sees_heads_evaluations(viewer):
            return self
        if not getattr(viewer, "is_authenticated", False):
            return self.none()
        return self.filter(head__user_id=int(getattr(viewer, "pk", 0) or 0))

    def editable_by(self, viewer: Viewer) -> HeadEvaluationQuerySet:
        """Only the board evaluates heads."""
        if sees_heads_evaluations(viewer):
            return self
        return self.none()


class HeadEvaluation(TimeStampedModel):
    """A head's professional evaluation (vadītāja profesionālās darbības novērtējums) on a date: a level per
    criterion of the heads' framework and an overall level."""

    head = models.ForeignKey(
        StaffMember, verbose_name=_("head"), on_delete=models.PROTECT, related_name="head_evaluations"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="head_evaluations"
    )
    framework = models.ForeignKey(Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="+")
    evaluated_on = models.DateField(_("evaluated on"))
    overall_level = level_field(_("overall level"), blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HeadEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("head's evaluation")
        verbose_name_plural = _("heads' evaluations")
        ordering = ["-evaluated_on", "institution__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["head", "institution", "evaluated_on"],
                name="head_evaluation_unique_day",
                violation_error_message=_("This head has an evaluation of this day already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.head} ({self.institution}), {self.evaluated_on:%d.%m.%Y}"


class HeadEvaluationLevelQuerySet(models.QuerySet["HeadEvaluationLevel"]):
    def visible_to(self, viewer: Viewer) -> HeadEvaluationLevelQuerySet:
        return self.filter(evaluation__in=HeadEvaluation.objects.visible_to(viewer).values("pk"))


class HeadEvaluationLevel(models.Model):
    """The level of one criterion in a head's evaluation."""

    evaluation = models.ForeignKey(
        HeadEvaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="levels"
    )
    criterion = models.ForeignKey(
        FrameworkCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    level = level_field(_("level"))

    objects = HeadEvaluationLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("head's evaluation level")
        verbose_name_plural = _("head's evaluation levels")
        ordering = ["evaluation", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                name="head_evaluation_level_unique",
                violation_error_message=_("This criterion has a level in the evaluation already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.level}"


class UnifiedSchoolStatusQuerySet(models.QuerySet["UnifiedSchoolStatus"]):
    def visible_to(self, viewer: Viewer) -> UnifiedSchoolStatusQuerySet:
        """The board sees every school's status; a head their own schools'."""
        if sees_heads_evaluations(viewer):
            return self
        if getattr(viewer, "role", None) != Role.INSTITUTION_HEAD:
            return self.none()
        return self.filter(institution__in=institution_scope(viewer) or set())

    def editable_by(self, viewer: Viewer) -> UnifiedSchoolStatusQuerySet:
        """Only the board records the statuses."""
        if sees_heads_evaluations(viewer):
            return self
        return self.none()


class UnifiedSchoolStatus(TimeStampedModel):
    """A school on its way to the unified school (vienotā skola) on a date: whether its environment meets the
    recommendations, and whether its head ensured the transition."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="unified_school_statuses"
    )
    head = models.ForeignKey(
        StaffMember, verbose_name=_("head"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))
    environment = models.CharField(_("environment"), max_length=16, choices=UnifiedSchoolEnvironment.choices)
    head_transition = models.CharField(_("the head's transition"), max_length=10, choices=UnifiedSchoolHead.choices)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = UnifiedSchoolStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("unified-school status")
        verbose_name_plural = _("unified-school statuses")
        ordering = ["-assessed_on", "institution__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "assessed_on"],
                name="unified_school_unique_day",
                violation_error_message=_("This school has a status of this day already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution}, {self.assessed_on:%d.%m.%Y}"
