"""Registry tables: institutions (more of the registry follows in its own issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.registry.choices import InstitutionType
from eduboard.registry.validators import validate_registration_number

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def institution_scope(user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The ids of institutions `user` may see, or None for all of them.

    The registry does not import accounts: it asks the user object, which knows its role.
    Anonymous visitors see no institution's internal data (an empty set).
    """
    if not user.is_authenticated:
        return set()
    scope: set[int] | None = cast(Any, user).institution_scope()
    return scope


class InstitutionQuerySet(models.QuerySet["Institution"]):
    """Queries over institutions."""

    def visible_to(self, user: Any) -> InstitutionQuerySet:
        """Institutions `user` may see: all for the board, the assigned ones for a head or staff."""
        scope = institution_scope(user)
        return self if scope is None else self.filter(pk__in=scope)


class Institution(TimeStampedModel):
    """An education institution (izglītības iestāde) under the board."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=InstitutionType.choices)
    registration_number = models.CharField(
        _("registration number"),
        max_length=10,
        unique=True,
        validators=[validate_registration_number],
        help_text=_("10 digits, as in the register of education institutions."),
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_number__regex=r"^[0-9]{10}$"),
                name="institution_registration_number_10_digits",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:institution_detail", args=[self.pk])
