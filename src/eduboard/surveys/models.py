"""Surveys: a survey with its audiences' questions, the populations response rates are worked out on, and anonymous
responses whose answers are kept per question with institution, audience and grade band, never with a person."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet
from eduboard.core.translated import text_in
from eduboard.registry.board_data import BoardData, BoardDataQuerySet
from eduboard.registry.models import Institution, ScopedQuerySet
from eduboard.surveys.choices import Audience, QuestionKind
from eduboard.surveys.rules import refuse_if_frozen


class Survey(BoardData, TimeStampedModel):
    """A board's survey (aptauja): code, title in three languages, the period it runs and the census date of its
    populations; `previous` is the survey its results are compared with (e.g. last year's, copied)."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("Used in files and the API."))
    title_lv = models.CharField(_("title (Latvian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    census_date = models.DateField(
        _("census date"), null=True, blank=True, help_text=_("The day the audiences' sizes are counted on.")
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous survey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The survey its results are compared with."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["board", "code"], name="survey_unique_board_code"),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("A survey closes on or after the day it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title(None)}"

    def title(self, language: str | None) -> str:
        """The title in `language`, Latvian where that one is not given."""
        return text_in(self, "title", language)


class Question(TimeStampedModel):
    """A question put to one audience. The same code in several audiences is one question asked of each, so
    their results stand side by side."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    code = models.SlugField(_("code"), max_length=40)
    text_lv = models.TextField(_("text (Latvian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("The answers of a single or multiple choice question.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position", "code", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "audience", "code"],
                name="survey_question_unique_code",
                violation_error_message=_("This audience has a question of this code in the survey already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.audience})"

    def text(self, language: str | None = None) -> str:
        """The question in `language` (the active one by default), the Latvian where it is not translated."""
        return text_in(self, "text", language)


class FrozenWhenClosed(models.Model):
    """A row of a survey's results (a population, a response, an answer): refused a save or a delete once the survey
    is closed (surveys.rules), whatever path the write takes."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        survey = self.results_survey()
        refuse_if_frozen(code=survey.code, closes_on=survey.closes_on)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        survey = self.results_survey()
        refuse_if_frozen(code=survey.code, closes_on=survey.closes_on)
        return super().delete(*args, **kwargs)

    def results_survey(self) -> Survey:
        """The survey the row is a result of."""
        survey: Survey = self.survey  # type: ignore[attr-defined]
        return survey


class Population(FrozenWhenClosed, TimeStampedModel):
    """The size of an audience in an institution on the census date, entered or imported; it overrides the one
    computed from the people area and the registry."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="populations")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    population = models.PositiveIntegerField(_("population"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey population")
        verbose_name_plural = _("survey populations")
        ordering = ["survey", "institution__sort_name", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "institution", "audience"],
                name="survey_population_unique",
                violation_error_message=_("This audience of the institution has a population already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.code} {self.institution} {self.audience}: {self.population}"


class Response(FrozenWhenClosed):
    """One anonymous response: the institution, audience and grade band it came from, and when. Nothing in it,
    or anywhere, names the person who gave it. `key` identifies it within the survey (a file's response id, or a
    random one for an answer given online)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    key = models.CharField(_("response id"), max_length=64)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    grade_band = models.CharField(
        _("grade band"),
        max_length=5,
        blank=True,
        help_text=_("The grades of the class the answer came from, e.g. 5-6."),
    )
    finished = models.BooleanField(_("finished"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "key"],
                name="survey_response_unique_key",
                violation_error_message=_("The survey has a response of this id already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.code} {self.key}"


class AnswerQuerySet(ScopedQuerySet):
    institution_path = "response__institution"


class Answer(FrozenWhenClosed):
    """The answer to one question in one response: a scale's or a choice's code (several, `;`-separated, for a
    multiple choice), a number or a text."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+")
    value = models.TextField(_("answer"))

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                name="survey_answer_unique_question",
                violation_error_message=_("This response answers the question already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value}"

    def results_survey(self) -> Survey:
        return self.response.survey


class AccessCode(models.Model):
    """A one-time anonymous code, issued in a list per class (or per institution and audience): it answers the
    survey once. It knows where the answer will come from (institution, audience, grade band) and whether it has
    been used, never who holds it. While its answer is unsent, `draft` points to it, so the code typed again on any
    device resumes it; sending the answer cuts the link (surveys.services), so no sent answer is linked to a code."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=16, unique=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    grade_band = models.CharField(_("grade band"), max_length=5, blank=True)
    label = models.CharField(_("list"), max_length=60, blank=True, help_text=_("The class or list it was issued in."))
    used = models.BooleanField(_("used"), default=False)
    draft = models.OneToOneField(
        Response,
        verbose_name=_("unsent answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The answer begun with the code, only until it is sent."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["survey", "institution__sort_name", "label", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=True) | Q(used=True),
                name="survey_code_draft_only_when_used",
                violation_error_message=_("Only a used code has an unsent answer."),
            )
        ]

    def __str__(self) -> str:
        return self.code


class SurveyLink(models.Model):
    """An institution's open link for one audience (parents): anyone with it may answer, each device once."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="links")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    token = models.CharField(_("token"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("answering link")
        verbose_name_plural = _("answering links")
        ordering = ["survey", "institution__sort_name", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "institution", "audience"],
                name="survey_link_unique",
                violation_error_message=_("The institution has a link for this audience already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.code} {self.institution} {self.audience}"


def answer_parts(value: Any) -> list[str]:
    """The codes of an answer (several for a multiple choice)."""
    return [part.strip() for part in str(value).split(";") if part.strip()]
