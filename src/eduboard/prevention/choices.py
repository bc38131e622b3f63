"""Codes of the prevention area (stable: files, the figures and the rules name them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    """The risk rules (priekšlaicīgas mācību pārtraukšanas riska pazīmes)."""

    UNEXCUSED_ABSENCES = "unexcused_absences", _("unexcused absences in a month")
    INSUFFICIENT_GRADES = "insufficient_grades", _("insufficient term grades")
    REPEATING = "repeating", _("repeating a grade")
    LEFT_WITHOUT_DESTINATION = "left_without_destination", _("left with no known next institution")


# Each rule's threshold when the board has set none: 20 unexcused lessons in a month; 2 subjects of a term.
DEFAULT_THRESHOLDS: dict[str, int | None] = {
    RuleCode.UNEXCUSED_ABSENCES: 20,
    RuleCode.INSUFFICIENT_GRADES: 2,
    RuleCode.REPEATING: None,
    RuleCode.LEFT_WITHOUT_DESTINATION: None,
}


class Term(models.TextChoices):
    FIRST = "1", _("first term")
    SECOND = "2", _("second term")
    YEAR = "year", _("the year")


class Outcome(models.TextChoices):
    IMPROVED = "improved", _("improved")
    NO_CHANGE = "no_change", _("no change")
    LEFT = "left", _("left")


NOT_ASSESSED = "nv"  # "nav vērtēts"
INSUFFICIENT_BELOW = 4  # a term grade below 4 (or "nv") is insufficient
