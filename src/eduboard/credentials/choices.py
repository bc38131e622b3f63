"""The kinds of certificate a credential is issued for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialKind(models.TextChoices):
    COURSE = "course", _("course certificate")
    COMPETITION = "competition", _("competition certificate")
