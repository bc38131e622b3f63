"""Users, their roles and the institutions their role is held in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import BOARD_WIDE_ROLES, SECOND_FACTOR_ROLES, Role


class User(AbstractUser):
    """A person who signs in to eduboard, with one role held in zero or more institutions."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.INSTITUTION_STAFF)
    institutions = models.ManyToManyField(
        "registry.Institution",
        verbose_name=_("institutions"),
        blank=True,
        related_name="users",
        help_text=_("The institutions this role is held in; heads and staff see only these."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    @property
    def sees_all_institutions(self) -> bool:
        """Board roles (and superusers) see every institution."""
        return self.is_superuser or self.role in BOARD_WIDE_ROLES

    def institution_scope(self) -> set[int] | None:
        """Ids of the institutions in this user's scope, or None when it is all of them."""
        if self.sees_all_institutions:
            return None
        cached: set[int] | None = getattr(self, "_institution_scope_cache", None)
        if cached is None:
            cached = set(self.institutions.values_list("pk", flat=True))
            self._institution_scope_cache = cached
        return cached

    @property
    def needs_second_factor(self) -> bool:
        """Whether this user must pass a TOTP check before using the system."""
        return self.is_superuser or self.role in SECOND_FACTOR_ROLES
