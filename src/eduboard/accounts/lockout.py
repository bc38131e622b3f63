"""Sign-in lock-outs with a limit of their own for each kind of client (django-axes' database handler), which a
stranger cannot turn against an account's owner.

axes counts the failures of each lock-out parameter of settings.AXES_LOCKOUT_PARAMETERS (a username at one
address, a username from any address, an address for any username) and compares the largest with one limit. Here
each parameter has its own limit (`parameter_limit`); `get_failures` answers how far the closest one is from its
limit, expressed against AXES_FAILURE_LIMIT, so axes locks as soon as any one of them reaches its own.

What a stranger can do to an account: its wrong passwords from anywhere lock the account only for a short cool-off
(SIGN_IN_ACCOUNT_COOLOFF_MINUTES after the last one that counted, not the hour of the other locks), the owner's next
successful sign-in lifts that lock (only failures after it count), and the owner's own browser is never kept out by
anyone else's failures: a sign-in sets a signed cookie (`DEVICE_COOKIE`, bound to the account and its password) by
which that browser is known as the owner's for SIGN_IN_DEVICE_DAYS, and there only the browser's own wrong passwords
count (AXES_FAILURE_LIMIT in the hour), not the account's, the address's or the pair's.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from eduboard.core.public import count_of, count_up

DEVICE_COOKIE = "sign_in_device"
_DEVICE_SALT = "eduboard.accounts.sign-in-device"
_DEVICE_FAILURES = "sign-in-device"


def account_cooloff() -> timedelta:
    """How long wrong passwords for an account from any address count towards its lock:
    SIGN_IN_ACCOUNT_COOLOFF_MINUTES (default 15)."""
    return timedelta(minutes=int(getattr(settings, "SIGN_IN_ACCOUNT_COOLOFF_MINUTES", 15)))


def device_days() -> int:
    """How long a browser that signed in is known as its owner's: SIGN_IN_DEVICE_DAYS (default 180)."""
    return int(getattr(settings, "SIGN_IN_DEVICE_DAYS", 180))


def _cooloff_seconds(request: HttpRequest | None) -> int:
    return int((get_cool_off(request) or timedelta(hours=1)).total_seconds())


def _device_salt(user: Any) -> str:
    # Bound to the password: a new password (a reset after a theft) makes every earlier browser a stranger again.
    return f"{_DEVICE_SALT}:{user.get_session_auth_hash()}"


def device_cookie(user: Any) -> str:
    """The value of `DEVICE_COOKIE` for a browser `user` has just signed in from: the account and a random id of the
    browser, signed."""
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(12)}, salt=_device_salt(user))


def _account(request: HttpRequest, username: str | None) -> Any:
    """The account `username` names (None: no such active account), looked up once per request."""
    known: dict[str | None, Any] = request.__dict__.setdefault("_sign_in_accounts", {})
    if username not in known:
        user_model = get_user_model()
        found = (
            user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None
        )
        known[username] = found if found is not None and found.is_active else None
    return known[username]


def owners_device(request: HttpRequest, username: str | None) -> str:
    """The browser's id when `request` comes with the device cookie of `username`'s account (signed for that account
    and its present password, not older than SIGN_IN_DEVICE_DAYS); '' otherwise."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    user = _account(request, username) if value else None
    if user is None:
        return ""
    try:
        data = signing.loads(value, salt=_device_salt(user), max_age=timedelta(days=device_days()))
    except signing.BadSignature:
        return ""
    return str(data.get("n", "")) if isinstance(data, dict) and data.get("u") == user.pk else ""


def parameter_limit(parameter: str | list[str]) -> int:
    """The failures within the cool-off that lock the clients sharing `parameter` (one lock-out parameter)."""
    if parameter == "username":
        return int(settings.AXES_USERNAME_FAILURE_LIMIT)
    if parameter == "ip_address":
        return int(settings.AXES_ADDRESS_FAILURE_LIMIT)
    return int(settings.AXES_FAILURE_LIMIT)


def _account_counts_since(request: HttpRequest, username: str | None) -> datetime:
    """The account-wide lock counts wrong passwords of the short cool-off, and only those after the owner's last
    successful sign-in (which lifts it)."""
    moment = getattr(request, "axes_attempt_time", None) or timezone.now()
    since = moment - account_cooloff()
    user = _account(request, username)
    if user is not None and user.last_login is not None:
        since = max(since, user.last_login)
    return since


class SignInLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with per-parameter limits, a short account-wide cool-off lifted by the owner's
    sign-in, and the owner's own browser counted apart; a successful sign-in forgets only its own failures."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        base = int(settings.AXES_FAILURE_LIMIT)
        username = get_client_username(request, credentials)
        device = owners_device(request, username)
        if device:  # the owner's browser: only its own wrong passwords, against the pair's limit
            return count_of(_DEVICE_FAILURES, device, seconds=_cooloff_seconds(request))
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        closest = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            if parameter == "username":
                attempts = attempts.filter(attempt_time__gt=_account_counts_since(request, username))
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            closest = max(closest, failures - parameter_limit(parameter) + base)
        return closest

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        """A wrong password: counted against the owner's browser too when it came from there (before axes decides
        whether it locks), as axes counts it against the pair, the account and the address."""
        if request is not None and not getattr(request, "axes_locked_out", False):
            device = owners_device(request, get_client_username(request, credentials))
            if device:
                count_up(_DEVICE_FAILURES, device, seconds=_cooloff_seconds(request))
        super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in: forget that username's failures at that address only. Its failures from other
        addresses still count towards their pairs' limits (the account's lock is lifted by counting only failures
        after the sign-in), and the address's failures on other accounts towards the address's (one valid account
        must not wipe out an address's tries on others)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        address = getattr(request, "axes_ip_address", None)
        count: int = AccessAttempt.objects.filter(username=username, ip_address=address).delete()[0]
        return count


def _lock_wait(request: HttpRequest, credentials: dict[str, Any] | None) -> timedelta:
    """How long the lock that keeps this sign-in out lasts: the hour of the pair's and the address's locks (and of
    the owner's browser's own), or the account's short cool-off when only the account is locked."""
    cooloff = get_cool_off(request) or timedelta(hours=1)
    username = get_client_username(request, credentials)
    if owners_device(request, username):
        return cooloff
    handler = SignInLockoutHandler()
    parameters = get_lockout_parameters(request, credentials)
    for parameter, attempts in zip(parameters, handler.get_user_attempts(request, credentials), strict=True):
        failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if parameter != "username" and failures >= parameter_limit(parameter):
            return cooloff
    return account_cooloff()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets (429): which limits lock, for how long, and how to lift a lock."""
    context = {
        "pair_limit": settings.AXES_FAILURE_LIMIT,
        "account_limit": settings.AXES_USERNAME_FAILURE_LIMIT,
        "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "cooloff_timedelta": _lock_wait(request, credentials),
    }
    return render(
        request, "accounts/locked_out.html", context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    )
