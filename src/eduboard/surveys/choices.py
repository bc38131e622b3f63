"""The surveys area's codes: audiences and question kinds (stable codes that files, the API and figures use)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who answers a survey's questions."""

    TEACHERS = "teachers", _("teachers")
    PUPILS_1_2 = "pupils_1_2", _("pupils of grades 1–2")
    PUPILS_3_4 = "pupils_3_4", _("pupils of grades 3–4")
    PUPILS_5_12 = "pupils_5_12", _("pupils of grades 5–12")
    PARENTS = "parents", _("parents")
    STAFF = "staff", _("other staff")


# The grades each pupils' audience covers (their population is counted from the registry's groups).
AUDIENCE_GRADES: dict[str, tuple[int, int]] = {
    Audience.PUPILS_1_2: (1, 2),
    Audience.PUPILS_3_4: (3, 4),
    Audience.PUPILS_5_12: (5, 12),
}


class QuestionKind(models.TextChoices):
    """What kind of answer a question takes."""

    FREQUENCY = "frequency", _("how often (always … never)")
    AGREEMENT = "agreement", _("agreement (agree … disagree)")
    YES_PARTLY_NO = "yes_partly_no", _("yes, partly or no")
    SINGLE = "single", _("one of the choices")
    MULTIPLE = "multiple", _("any of the choices")
    NUMBER = "number", _("a number")
    TEXT = "text", _("free text")


# The answers of the fixed scales, in their order (choice kinds list their own).
SCALES: dict[str, list[str]] = {
    QuestionKind.FREQUENCY: ["always", "often", "sometimes", "rarely", "never"],
    QuestionKind.AGREEMENT: ["agree", "rather_agree", "rather_disagree", "disagree"],
    QuestionKind.YES_PARTLY_NO: ["yes", "partly", "no"],
}
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
# Kinds whose answers are counted by answer (a number or a text is not shared out).
COUNTED_KINDS = frozenset(SCALES) | CHOICE_KINDS
# The fewest answers a cut of the results may show (fewer: "too few answers"), in pages, exports and the API.
MIN_ANSWERS = 5

# What each answer code of the fixed scales reads as.
ANSWER_LABELS: dict[str, object] = {
    "always": _("always"),
    "often": _("often"),
    "sometimes": _("sometimes"),
    "rarely": _("rarely"),
    "never": _("never"),
    "agree": _("agree"),
    "rather_agree": _("rather agree"),
    "rather_disagree": _("rather disagree"),
    "disagree": _("disagree"),
    "yes": _("yes"),
    "partly": _("partly"),
    "no": _("no"),
}

# The grade bands a pupil's answer is kept with (from the class its one-time code was issued for): bands, not
# grades, so that a small class's answers do not stand out.
GRADE_BANDS: dict[str, tuple[int, int]] = {
    "1-2": (1, 2),
    "3-4": (3, 4),
    "5-6": (5, 6),
    "7-9": (7, 9),
    "10-12": (10, 12),
}


def grade_band(grade: int | None) -> str:
    """The band a grade falls in ("" for none, e.g. a preschool group)."""
    if grade is None:
        return ""
    for band, (low, high) in GRADE_BANDS.items():
        if low <= grade <= high:
            return band
    return ""


# The alphabet of one-time codes: no 0/O, 1/I/L, so a printed code reads and types without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# The languages the public answering page speaks.
ANSWER_LANGUAGES = ("lv", "ru", "en")
