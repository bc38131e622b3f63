"""Choices of the registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionType(models.TextChoices):
    """Kinds of institution (izglītības iestādes veids)."""

    PRESCHOOL = "preschool", _("Preschool")
    BASIC_SCHOOL = "basic_school", _("Basic school")
    SECONDARY_SCHOOL = "secondary_school", _("Secondary school")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    VOCATIONAL = "vocational", _("Vocational school")
    INTEREST_EDUCATION = "interest_education", _("Interest education")
    INNOVATION_CENTRE = "innovation_centre", _("Innovation centre")
    OTHER = "other", _("Other")
