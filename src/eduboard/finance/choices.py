"""Codes of the finance area: the same in files, the API and the database, whatever the UI language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What an allocation pays for (mērķis)."""

    TEACHING_AIDS = "teaching_aids", _("Teaching aids and materials")
    MEALS = "meals", _("Meals")
    SALARIES = "salaries", _("Salaries")
    OTHER = "other", _("Other")


class CostKind(models.TextChoices):
    """The programme kinds a cost per learner per month is approved for (viena izglītojamā izmaksas)."""

    PRESCHOOL_DAY = "preschool_day", _("Preschool, day group")
    PRESCHOOL_24H = "preschool_24h", _("Preschool, 24-hour group")
    GENERAL = "general", _("General education")
    INTEREST = "interest", _("Interest education")


class Direction(models.TextChoices):
    """Inter-municipal settlements: learners coming in (we receive) or residents going out (we pay)."""

    INCOMING = "incoming", _("Learners from another municipality (receivable)")
    OUTGOING = "outgoing", _("Residents learning in another municipality (due)")


class SettlementLevel(models.TextChoices):
    """The levels settlements are made for (seed 002, section IV)."""

    PRESCHOOL = "preschool", _("Preschool")
    BASIC = "basic", _("Basic, grades 1–9")
    SECONDARY = "secondary", _("Secondary, grades 10–12")


class DayOffScope(models.TextChoices):
    """Which institutions a day without meals applies to."""

    ALL = "all", _("All institutions")
    SCHOOLS = "schools", _("Schools")
    PRESCHOOLS = "preschools", _("Preschools")


class CateringServes(models.TextChoices):
    """Whose meals a catering contract provides (seed 002 names the preschools' and the general schools')."""

    PRESCHOOLS = "preschools", _("Preschools")
    GENERAL_SCHOOLS = "general_schools", _("General education schools")


class CateringStatus(models.TextChoices):
    """Where a catering procurement stands: applied for (planned) or the contracts concluded."""

    PLANNED = "planned", _("Planned (procurement applied for)")
    CONCLUDED = "concluded", _("Concluded")
