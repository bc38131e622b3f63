"""Sign-in lock-outs with a limit of their own for each kind of client (django-axes' database handler).

axes counts the failures of each lock-out parameter of settings.AXES_LOCKOUT_PARAMETERS (a username at one
address, a username from any address, an address for any username) and compares the largest with one limit. Here
each parameter has its own limit (`parameter_limit`); `get_failures` answers how far the closest one is from its
limit, expressed against AXES_FAILURE_LIMIT, so axes locks as soon as any one of them reaches its own.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def parameter_limit(parameter: str | list[str]) -> int:
    """The failures within the cool-off that lock the clients sharing `parameter` (one lock-out parameter)."""
    if parameter == "username":
        return int(settings.AXES_USERNAME_FAILURE_LIMIT)
    if parameter == "ip_address":
        return int(settings.AXES_ADDRESS_FAILURE_LIMIT)
    return int(settings.AXES_FAILURE_LIMIT)


class SignInLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with per-parameter limits; a successful sign-in forgets only its own failures."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        base = int(settings.AXES_FAILURE_LIMIT)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        closest = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            closest = max(closest, failures - parameter_limit(parameter) + base)
        return closest

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in: forget that username's failures at that address only. Its failures from other
        addresses still count towards the account's limit, and the address's failures on other accounts towards the
        address's (one valid account must not wipe out an address's tries on others)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        address = getattr(request, "axes_ip_address", None)
        count: int = AccessAttempt.objects.filter(username=username, ip_address=address).delete()[0]
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets (429): which limits lock, for how long, and how to lift a lock."""
    context = {
        "pair_limit": settings.AXES_FAILURE_LIMIT,
        "account_limit": settings.AXES_USERNAME_FAILURE_LIMIT,
        "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(
        request, "accounts/locked_out.html", context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    )
