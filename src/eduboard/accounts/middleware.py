"""Sign-in by default on every page, sessions that end when idle or too old, and board administrators must pass a
second factor (TOTP) before they reach any page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.views import APIView

from eduboard.accounts.sessions import session_ending_reason
from eduboard.core.addresses import client_address


class SessionLimitsMiddleware:
    """End a signed-in session that was idle or lasted too long (eduboard.accounts.sessions), with a message; the
    request then goes on as anonymous, so a page sends to the sign-in page and the API answers 401/403.

    API calls with a token carry no session and are not concerned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            reason = session_ending_reason(request.session, user)
            if reason:
                logout(request)
                messages.warning(request, reason)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Send a signed-in user who needs a second factor to set it up or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def exempt(self, path: str) -> bool:
        exempt_paths = (
            reverse("accounts:otp_setup"),
            reverse("accounts:otp_verify"),
            reverse("accounts:logout"),
            reverse("set_language"),
            reverse("api-health"),
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        )
        return path.startswith(exempt_paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not cast(Any, user).is_verified()
            and not self.exempt(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Your role needs a second factor: sign in through the web page first.")},
                    status=403,
                )
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Sign-in is the default of every page: a view that anyone may open says so with `login_not_required`.

    The API's views (Django REST framework) authenticate inside the view, with a token or the session, and answer
    401/403 in JSON by their permission classes (accounts.permissions.RolePermission refuses anonymous callers
    unless the view is public), so the middleware leaves them to that and does not redirect them to a page.
    """

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if getattr(view_func, "cls", None) is not None and issubclass(view_func.cls, APIView):  # type: ignore[attr-defined]
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class AuditTrailMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the actor and address of the entries written during a request), with the
    client's address as sign-in takes it (core.addresses): auditlog would take X-Forwarded-For from anyone."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request) or None
