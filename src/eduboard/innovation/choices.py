"""Codes of the innovation centre (stable: files, the API and the figures name them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Seed 000, 2.2: the four modules of the centre's activities (code, Latvian, English, Russian).
MODULES: list[tuple[str, str, str, str]] = [
    ("physics_robotics", "Fizika, robotika, astronomija, zinātnieku laboratorija",
     "Physics, robotics, astronomy, the scientists' lab", "Физика, робототехника, астрономия, лаборатория учёных"),
    ("health_genetics", "Veselība, ģenētika, mikroskopija, tehnoloģijas medicīnā",
     "Health, genetics, microscopy, medical technology", "Здоровье, генетика, микроскопия, технологии в медицине"),
    ("ecology", "Ekoloģija, vide un tās resursu ilgtspējīga izmantošana",
     "Ecology, the environment and sustainable use of its resources",
     "Экология, окружающая среда и устойчивое использование её ресурсов"),
    ("entrepreneurship", "Uzņēmējdarbība, biznesa lēmumu pieņemšana",
     "Entrepreneurship and business decisions", "Предпринимательство, принятие бизнес-решений"),
]  # fmt: skip
# Seed 000, 2.3: the five age bands (code, youngest, oldest).
AGE_BANDS: list[tuple[str, int, int]] = [("3-7", 3, 7), ("7-10", 7, 10), ("10-15", 10, 15), ("15-19", 15, 19),
                                         ("19-25", 19, 25)]  # fmt: skip
LANGUAGES = ("lv", "ru", "en")


class ActivityKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("study visit")
    LAB_SESSION = "lab_session", _("lab session")
    WORKSHOP = "workshop", _("workshop")
    ROUTE = "route", _("route through the exhibits")
    LECTURE = "lecture", _("lecture")
    CAMP = "camp", _("camp")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")


# Statuses that hold places in a slot.
HOLDING = frozenset({BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.ATTENDED})


class VisitKind(models.TextChoices):
    BOOKED = "booked", _("booked visit")
    WALK_IN = "walk_in", _("walk-in visitors")
    EVENT = "event", _("event")


DURATION_MIN, DURATION_MAX = 30, 240  # minutes
CANCEL_HOURS = 48  # a teacher cancels up to 48 hours before the slot begins

# Seed 000, 2.4: the robotics championship's disciplines and their robot rules (code, format, Latvian, English,
# Russian, width mm, length mm, mass g, Yuko points to win, attempts, run limit s). The board edits them as data.
DISCIPLINES: list[tuple[str, str, str, str, str, int | None, int | None, int | None, int, int, int]] = [
    ("mini_sumo", "sumo", "Mini sumo", "Mini sumo", "Мини-сумо", 100, 100, 500, 2, 1, 180),
    ("lego_sumo", "sumo", "Lego sumo", "Lego sumo", "Лего-сумо", 200, 200, 1000, 2, 1, 180),
    ("line_follower", "line_follower", "Līnijas sekotājs", "Line follower", "Следование по линии",
     250, 250, 1000, 2, 3, 120),
]  # fmt: skip
