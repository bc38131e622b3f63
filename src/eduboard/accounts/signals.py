"""Reactions to changes of users: a new password or a deactivation revokes the user's API tokens."""

from __future__ import annotations

from typing import Any

from eduboard.accounts.models import User
from eduboard.accounts.services import api_token_revoke_all


def revoke_api_tokens_on_password_change_or_deactivation(
    sender: type[User], instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    """Before a user is saved: revoke their tokens when the password changes or they are deactivated.

    The stored row is compared, so every way of setting a password counts (change page, reset, admin, shell).
    """
    if instance.pk is None or kwargs.get("raw"):
        return
    fields = None if update_fields is None else set(update_fields)
    if fields is not None and not fields & {"password", "is_active"}:
        return
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    # On sign-in Django re-hashes an unchanged password whose hasher is outdated, saving only "password"
    # without going through set_password (`_password` stays None); that is no new password.
    rehash_only = fields == {"password"} and getattr(instance, "_password", None) is None
    password_changed = stored["password"] != instance.password and not rehash_only
    if password_changed or (stored["is_active"] and not instance.is_active):
        api_token_revoke_all(user=instance)
