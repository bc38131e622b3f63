"""Quality tables: observation forms (versioned), lesson observations, exams and monitoring tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role
from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.people.models import StaffMember
from eduboard.quality.choices import ExamKind, ExamLevel, ObservationKind
from eduboard.registry.models import Institution, Learner, ScopedQuerySet
from eduboard.registry.validators import mask_personal_code, validate_personal_code

PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class AnswerScale(models.Model):
    """A scale of answers to a criterion, e.g. yes / partly / no, or levels."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ScaleOption(models.Model):
    """One answer of a scale; `meets` says whether a lesson with this answer meets the criterion."""

    scale = models.ForeignKey(AnswerScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    meets = models.BooleanField(_("meets the criterion"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("scale option")
        verbose_name_plural = _("scale options")
        ordering = ["scale", "position"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="scale_option_unique_code")]

    def __str__(self) -> str:
        return self.label


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


class CriterionGroup(models.Model):
    """A group of criteria on a form version, e.g. "critical thinking and problem solving"."""

    form = models.ForeignKey(ObservationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="criterion_group_unique_code")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A criterion of a form version, answered on its scale; its code is the column name in files."""

    form = models.ForeignKey(ObservationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(
        CriterionGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("criterion"), max_length=255)
    scale = models.ForeignKey(AnswerScale, verbose_name=_("scale"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="criterion_unique_code")]

    def __str__(self) -> str:
        return self.text


class Subject(LatvianKeysMixin, models.Model):
    """A subject (mācību priekšmets) as files name it, e.g. "Matemātika"; names are unique ignoring case."""

    name = models.CharField(_("name"), max_length=120)
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

    def __str__(self) -> str:
        return self.name


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
        return f"{self.date:%Y-%m-%d} {self.subject}, {self.grade} — {self.teacher}"

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
        grade = f", {self.grade}." if self.grade else ""
        return f"{self.year} {self.get_exam_display()}: {self.subject}{level}{grade}"


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
    mean_percent = models.DecimalField(_("mean, %"), **PERCENT)  # type: ignore[arg-type]
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
        return f"{self.sitting} — {self.institution}: {self.mean_percent} %"


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
