"""Evaluations of heads' professional work and the institutions' unified-school status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import Viewer, WholeCity, institution_scope
from eduboard.people.models import StaffMember
from eduboard.quality.choices import (
    UnifiedSchoolEnvironment,
    UnifiedSchoolHead,
)
from eduboard.quality.models.frameworks import HEADS_EVALUATORS, Framework, FrameworkCriterion, level_field
from eduboard.registry.models import Institution


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
