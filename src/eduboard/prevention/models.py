"""Early school-leaving prevention: learners' absences and term results, the risk rules with the board's thresholds,
and support plans. Personal data: scoped to the learner's institution, never shown to teachers as a list."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import SchoolYear, TimeStampedModel
from eduboard.core.scope import Viewer
from eduboard.people.models import StaffMember
from eduboard.prevention.choices import Outcome, RuleCode, Term
from eduboard.registry.board_data import BoardData, BoardDataQuerySet
from eduboard.registry.models import Institution, Learner, ScopedQuerySet


class SupportTeamQuerySet(ScopedQuerySet):
    """Learners' prevention data: the institution's rows, and only for a role that includes them (its head and
    support team, the board); a teacher's role does not, so a teacher reads none."""

    def visible_to(self, viewer: Viewer) -> Any:
        permission = f"prevention.view_{self.model._meta.model_name}"
        if not getattr(viewer, "has_perm", None) or not viewer.has_perm(permission):
            return self.none()
        return super().visible_to(viewer)

    def editable_by(self, viewer: Viewer) -> Any:
        return self.visible_to(viewer)


class Absence(TimeStampedModel):
    """Lessons a learner missed on a day, excused or not."""

    learner = models.ForeignKey(Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    lessons = models.PositiveSmallIntegerField(_("lessons"), validators=[MinValueValidator(1), MaxValueValidator(20)])
    excused = models.BooleanField(_("excused"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SupportTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "date"],
                name="prevention_absence_unique_day",
                violation_error_message=_("This learner has an absence of this day already."),
            ),
            models.CheckConstraint(
                condition=Q(lessons__gte=1, lessons__lte=20),
                name="prevention_absence_lessons",
                violation_error_message=_("From 1 to 20 lessons a day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.date}: {self.lessons}"


class TermResult(TimeStampedModel):
    """A learner's grade in a subject for a term or the year: 1–10, or `nv` (not assessed)."""

    learner = models.ForeignKey(Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.CharField(_("term"), max_length=4, choices=Term.choices)
    subject = models.CharField(_("subject"), max_length=120)
    grade = models.CharField(_("grade"), max_length=2, help_text=_("1–10, or nv (not assessed)"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SupportTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("term result")
        verbose_name_plural = _("term results")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "school_year", "term", "subject"],
                name="prevention_term_result_unique",
                violation_error_message=_("This learner has a grade of this subject and term already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.subject} {self.term}: {self.grade}"


class RiskRule(BoardData, TimeStampedModel):
    """A risk rule with its threshold, which the board edits (stable codes; each board has its own)."""

    code = models.CharField(_("code"), max_length=40, choices=RuleCode.choices)
    threshold = models.PositiveIntegerField(
        _("threshold"), null=True, blank=True, help_text=_("Lessons a month, or subjects of a term; empty where none.")
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="risk_rule_unique_board_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class SupportPlan(TimeStampedModel):
    """A learner's support plan: measures, the staff member responsible, start, review date and outcome; its history
    is its audit trail."""

    learner = models.ForeignKey(Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    measures = models.TextField(_("measures"))
    responsible = models.ForeignKey(
        StaffMember, verbose_name=_("responsible"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("start"))
    review_on = models.DateField(_("review date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SupportTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("started_on")),
                name="prevention_plan_review_after_start",
                violation_error_message=_("A plan is reviewed on or after the day it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.started_on}"
