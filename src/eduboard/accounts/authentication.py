"""API authentication by hashed tokens (`Authorization: Token <secret>`), naming the caller in the audit trail."""

from __future__ import annotations

import hmac
from datetime import timedelta

from auditlog.context import auditlog_value
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.rules import api_token_hash
from eduboard.accounts.services import API_TOKEN_PREFIX_LENGTH
from eduboard.core import board_wall

# last_used_at is written at most this often, so a busy program does not write on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


def audit_actor_set(user: User) -> None:
    """Name `user` as the actor of the audit entries written during this request.

    auditlog's middleware reads `request.user` before DRF authenticates the token, so it found nobody;
    it keeps its context (actor, address) in one dict per request, which we complete here.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`: an unrevoked, unexpired `ApiToken` of an active user."""

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        expected = api_token_hash(key)
        candidates = ApiToken.objects.select_related("user").filter(prefix=key[:API_TOKEN_PREFIX_LENGTH])
        token = next((c for c in candidates if hmac.compare_digest(c.key_hash, expected)), None)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if not token.is_usable(now):
            raise exceptions.AuthenticationFailed(_("This token has expired; make a new one on your account page."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        audit_actor_set(token.user)
        board_wall.raise_for(token.user)  # the database wall follows the token's user for the rest of the request
        return token.user, token
