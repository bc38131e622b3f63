"""Users, their roles and the institutions their role is held in."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import BOARD_WIDE_ROLES, NATIONAL_ROLES, SECOND_FACTOR_ROLES, Role


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
    boards = models.ManyToManyField(
        "registry.Board",
        verbose_name=_("boards"),
        blank=True,
        related_name="users",
        help_text=_(
            "The boards a board role works for; it sees their institutions only. Left empty on a deployment of one "
            "board, the role works for that board."
        ),
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
        """Board roles (and superusers) see every institution of their boards."""
        return self.is_superuser or self.role in BOARD_WIDE_ROLES

    @property
    def is_national(self) -> bool:
        """The ministry's role: every board's figures, no institution's rows."""
        return not self.is_superuser and self.role in NATIONAL_ROLES

    def board_ids(self) -> set[int]:
        """The boards this user works for: a board role's assigned boards (the only board when none is assigned on
        a deployment of one), an institution role's institutions' boards; every board for superusers and the
        ministry."""
        from eduboard.registry.models import Board, Institution

        cached: set[int] | None = getattr(self, "_board_ids_cache", None)
        if cached is None:
            if not (self.is_superuser or self.is_national or self.sees_all_institutions):  # one query
                cached = set(Institution.objects.filter(users=self).values_list("board_id", flat=True).distinct())
            else:
                every = set(Board.objects.values_list("pk", flat=True))
                if self.is_superuser or self.is_national:
                    cached = every
                else:
                    assigned = set(self.boards.values_list("pk", flat=True)) & every
                    cached = assigned or (every if len(every) == 1 else set())
            self._board_ids_cache = cached
        return cached

    def institution_scope(self) -> set[int] | None:
        """Ids of the institutions in this user's scope, or None when it is every institution of the deployment.

        The one rule of tenancy: a board role sees its boards' institutions (all of them on a deployment of one
        board), an institution role its assigned institutions, the ministry none (it reads figures only)."""
        if self.is_superuser:
            return None
        if hasattr(self, "_institution_scope_cache"):
            found: set[int] | None = getattr(self, "_institution_scope_cache")  # noqa: B009 - set below, typed here
            return found
        cached: set[int] | None
        if self.is_national:
            cached = set()
        elif self.sees_all_institutions:
            from eduboard.registry.boards import several_boards
            from eduboard.registry.models import Institution

            if not several_boards():
                cached = None  # a deployment of one board: every institution is the board's
            else:
                cached = set(Institution.objects.filter(board__in=self.board_ids()).values_list("pk", flat=True))
        else:
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
