"""Choices of the registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionType(models.TextChoices):
    """Kinds of institution (izglītības iestādes veids); the values are the codes import files use."""

    PRESCHOOL = "preschool", _("Preschool")
    BASIC_SCHOOL = "basic", _("Basic school")
    SECONDARY_SCHOOL = "secondary", _("Secondary school")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    VOCATIONAL = "vocational", _("Vocational school")
    INTEREST_EDUCATION = "interest", _("Interest education")
    INNOVATION_CENTRE = "innovation_centre", _("Innovation centre")
    OTHER = "other", _("Other")


class Founder(models.TextChoices):
    """Who founded (and funds) the institution."""

    MUNICIPALITY = "municipality", _("Municipality")
    STATE = "state", _("State")


class LeavingReason(models.TextChoices):
    """Why a learner left a group (atskaitīšanas iemesls); the values are the codes files and the API use."""

    COMPLETED = "completed", _("Completed the programme")
    TRANSFERRED = "transferred", _("Continues in another institution")
    MOVED_MUNICIPALITY = "moved_municipality", _("Moved to another municipality")
    MOVED_ABROAD = "moved_abroad", _("Moved abroad")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class InstitutionStatus(models.TextChoices):
    """Whether an institution works on a date."""

    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ProgrammeLevel(models.TextChoices):
    """Level of an education programme."""

    PRESCHOOL = "preschool", _("Preschool")
    BASIC = "basic", _("Basic")
    SECONDARY = "secondary", _("Secondary")
    VOCATIONAL = "vocational", _("Vocational")
    INTEREST = "interest", _("Interest education")


class SpecialNeeds(models.TextChoices):
    """Special-needs category of a programme; the code's sixth digit names it (fifth digit 5)."""

    NONE = "none", _("None")
    VISUAL = "visual", _("Visual impairment")
    HEARING = "hearing", _("Hearing impairment")
    PHYSICAL = "physical", _("Physical development disorders")
    SOMATIC = "somatic", _("Somatic illnesses")
    LANGUAGE = "language", _("Language disorders")
    LEARNING = "learning", _("Learning disorders")
    MENTAL_HEALTH = "mental_health", _("Mental health disorders")
    INTELLECTUAL = "intellectual", _("Intellectual disability")
    SEVERE_INTELLECTUAL = "severe_intellectual", _("Severe intellectual or multiple disabilities")
    MIXED = "mixed", _("Mixed development disorders")


class InstructionLanguage(models.TextChoices):
    """Language of instruction."""

    LATVIAN = "lv", _("Latvian")
    RUSSIAN = "ru", _("Russian")
    POLISH = "pl", _("Polish")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other")


class GroupKind(models.TextChoices):
    """Day group or 24-hour group."""

    DAY = "day", _("Day")
    TWENTY_FOUR_HOUR = "24h", _("24-hour")


class QueueStatus(models.TextChoices):
    """Where a child stands in the preschool queue."""

    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered a place")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterestField(models.TextChoices):
    """The field (joma) of an interest-education programme."""

    TECHNICAL = "technical", _("technical creativity")
    SCIENCE = "science", _("natural sciences")
    ARTS = "arts", _("visual and applied arts")
    MUSIC = "music", _("music")
    DANCE = "dance", _("dance")
    THEATRE = "theatre", _("theatre")
    SPORTS = "sports", _("sports")
    CIVIC = "civic", _("civic and youth work")
    LANGUAGES = "languages", _("languages and culture")
    OTHER = "other", _("other")


class MunicipalLicenceKind(models.TextChoices):
    INTEREST = "interest", _("interest education programme")
    ADULT = "adult", _("adult non-formal education programme")
