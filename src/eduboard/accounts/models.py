"""Users, their roles and the institutions their role is held in."""

from __future__ import annotations

from datetime import datetime

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


class ApiToken(models.Model):
    """A secret a program sends as `Authorization: Token <secret>` to act as its user; only its hash is kept."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the program that will use it.")
    )
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True, help_text=_("The secret's first characters."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime) -> bool:
        """Whether the token still authenticates at `now`: neither revoked nor expired."""
        return self.revoked_at is None and now < self.expires_at
