"""Monitoring results by level: how many of an institution's learners in a monitoring sitting reached each level of
one aspect of the test (seed 002's analysis of the city's Latvian monitoring: "162 learners (18.5 %) at a low
level"). The assessed total is the sitting's ExamResult candidates; shares are computed from it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.quality.models.exams import ExamSitting
from eduboard.registry.models import Institution, ScopedQuerySet


class MonitoringAspect(models.TextChoices):
    """What a level describes: the whole test's result, or one skill the analysis names."""

    OVERALL = "overall", _("overall result")
    VOCABULARY = "vocabulary", _("vocabulary")
    SPEAKING = "speaking", _("speaking")
    READING = "reading", _("reading comprehension")


class MonitoringLevel(models.TextChoices):
    """A level of achievement, lowest first; `not_shown`: the learner did not show the skill at all (could not
    answer, could not tell a story)."""

    NOT_SHOWN = "not_shown", _("not shown")
    CRITICAL = "critical", _("critically low")
    LOW = "low", _("low")
    SUFFICIENT = "sufficient", _("sufficient")
    GOOD = "good", _("good (mastered)")
    ADVANCED = "advanced", _("advanced (mastered in depth)")


class MonitoringLevelResultQuerySet(ScopedQuerySet):
    institution_path = "institution"


class MonitoringLevelResult(TimeStampedModel):
    """The number of an institution's learners at one level of one aspect in a monitoring sitting."""

    sitting = models.ForeignKey(
        ExamSitting, verbose_name=_("sitting"), on_delete=models.CASCADE, related_name="level_results"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="monitoring_levels"
    )
    aspect = models.CharField(_("aspect"), max_length=16, choices=MonitoringAspect.choices)
    level = models.CharField(_("level"), max_length=16, choices=MonitoringLevel.choices)
    learners = models.PositiveIntegerField(_("learners"))

    objects = MonitoringLevelResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring result by level")
        verbose_name_plural = _("monitoring results by level")
        ordering = ["sitting", "institution__sort_name", "aspect", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "institution", "aspect", "level"],
                name="monitoring_level_unique",
                violation_error_message=_("There is a count of this level for the institution and sitting already."),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.sitting} — {self.institution}: {self.get_aspect_display()}, "
            f"{self.get_level_display()} {self.learners}"
        )
