"""Observation forms (versioned), their criteria and scales, subjects, and lesson observations with answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role
from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope, sees_whole_city
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.people.models import StaffMember
from eduboard.quality.choices import (
    ObservationKind,
)
from eduboard.registry.models import Institution


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
    if sees_whole_city(user):
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
