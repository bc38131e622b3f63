"""Reactions to changes of users: a new password, a deactivation, or a change of what the user may do (role,
superuser, institutions) revokes the user's API tokens; a sign-in starts the session's time limits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.http import HttpRequest

from eduboard.accounts.models import User
from eduboard.accounts.services import api_token_revoke_all
from eduboard.accounts.sessions import session_started

# Fields whose change gives the user other rights: a token made under the old ones must not answer with the new.
RIGHTS_FIELDS = ("role", "is_superuser", "is_active")


def revoke_api_tokens_on_password_change_or_deactivation(
    sender: type[User], instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    """Before a user is saved: revoke their tokens when the password, the role, the superuser status or the
    active status changes (connected to pre_save in accounts.apps).

    The stored row is compared, so every way of making the change counts (pages, reset, admin, shell, import).
    """
    if instance.pk is None or kwargs.get("raw"):
        return
    fields = None if update_fields is None else set(update_fields)
    if fields is not None and not fields & {"password", *RIGHTS_FIELDS}:
        return
    stored = User.objects.filter(pk=instance.pk).values("password", *RIGHTS_FIELDS).first()
    if stored is None:
        return
    # On sign-in Django re-hashes an unchanged password whose hasher is outdated, saving only "password"
    # without going through set_password (`_password` stays None); that is no new password.
    rehash_only = fields == {"password"} and getattr(instance, "_password", None) is None
    changed = [field for field in RIGHTS_FIELDS if stored[field] != getattr(instance, field)]
    if stored["password"] != instance.password and not rehash_only:
        changed.insert(0, "password")
    if changed:
        api_token_revoke_all(account=instance, reason=", ".join(changed))


@receiver(m2m_changed, sender=User.institutions.through, dispatch_uid="accounts-revoke-tokens-on-institutions")
def revoke_api_tokens_on_institutions_change(
    sender: type[Any], instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """After a user's institutions change (from either side): revoke the API tokens of the users concerned."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action != "pre_clear" and not pk_set:
        return
    if not reverse:
        api_token_revoke_all(account=instance, reason="institutions")
        return
    # The institution's side: `pk_set` names the users added or removed (all its users when it is cleared).
    users = User.objects.filter(pk__in=pk_set) if action != "pre_clear" else instance.users.all()
    for user in users:
        api_token_revoke_all(account=user, reason="institutions")


@receiver(user_logged_in, dispatch_uid="accounts-session-started")
def start_session_limits(sender: type[Any], request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A new sign-in starts the session's idle and absolute limits (accounts.sessions)."""
    if request is not None and hasattr(request, "session"):
        session_started(request.session)
