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


class VisitPlace(models.TextChoices):
    """Where a visit took place: at the centre, or taken out (a mobile lab, a travelling exhibition: seed 000's
    "izbraukuma nodarbības", "ceļojošās izstādes") to a school or another address."""

    CENTRE = "centre", _("at the centre")
    OUTSIDE = "outside", _("outside the centre")


class VisitorKind(models.TextChoices):
    """Who came, counted by kind (each a count of the visit: its field of the same name)."""

    LEARNERS = "learners", _("learners")
    TEACHERS = "teachers", _("teachers")
    PARENTS = "parents", _("parents")
    SENIORS = "seniors", _("seniors")
    OTHER_ADULTS = "other_adults", _("other adults")
    CHILDREN_UNDER_SCHOOL_AGE = "children_under_school_age", _("children under school age")


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


# Statuses that hold places in a slot. A `requested` booking waits for the centre's confirmation and holds none:
# confirming it takes its places (when the slot still has them).
HOLDING = frozenset({BookingStatus.CONFIRMED, BookingStatus.ATTENDED})

# What the public booking page confirms at once; anything beyond waits as `requested` (docs/innovation.md). Each
# share and limit is a setting (the name in brackets) with this default:
# - a group larger than its activity's `confirm_group_over` (a field of the activity; this is its default);
CONFIRM_GROUP_OVER = 30
# - a school holding more than this share of the places its centre offers in a term (September–December,
#   January–August), counting its confirmed and attended bookings and the new group; a school's first group up to
#   the activity's `confirm_group_over` is within its share however few places the term offers
#   (CENTRE_SCHOOL_TERM_SHARE_PERCENT);
SCHOOL_TERM_SHARE_PERCENT = 10
# - a day of visits held beyond this share of the places the centre offers that day, the new group included,
#   whatever names the schools give and wherever they book from (CENTRE_DAY_SHARE_PERCENT);
DAY_SHARE_PERCENT = 50
# - more places than this confirmed at once from one address block (an IPv6 /64, an IPv4 /24) in a day, counted in
#   the database (core.public) (CENTRE_PLACES_PER_BLOCK_DAY).
PLACES_PER_BLOCK_DAY = 60

# The public card page: the tries per address block in an hour, and the tries of one card number from one address
# block in an hour (beyond either, the page shows that block nothing for the rest of the hour, even with the right
# code; a try from elsewhere is not kept out, so nobody locks another's card).
CARD_TRIES_PER_HOUR = 30
CARD_TRIES_PER_CARD_HOUR = 10


class VisitKind(models.TextChoices):
    BOOKED = "booked", _("booked visit")
    WALK_IN = "walk_in", _("walk-in visitors")
    EVENT = "event", _("event")


DURATION_MIN, DURATION_MAX = 30, 240  # minutes
CANCEL_HOURS = 48  # a teacher cancels up to 48 hours before the slot begins


class ProgrammeKind(models.TextChoices):
    """The centre's own events beyond its catalogue (seed 000, 2.4: "Konkursi un nometnes", "Konferences",
    hackathons with its partners), each counted with its participants by kind."""

    CAMP = "camp", _("camp")
    HACKATHON = "hackathon", _("hackathon")
    CONFERENCE = "conference", _("conference")
    SEMINAR = "seminar", _("seminar")


class PartnerKind(models.TextChoices):
    """What kind of organisation a partner of the centre is (seed 000, 2.6)."""

    SCIENCE_CENTRE = "science_centre", _("science centre")
    INNOVATION_CENTRE = "innovation_centre", _("innovation centre")
    UNIVERSITY = "university", _("university or college")
    SCHOOL = "school", _("school")
    COMPANY = "company", _("company")
    PUBLIC_BODY = "public_body", _("public body")
    NGO = "ngo", _("non-governmental organisation")
    OTHER = "other", _("other")
