"""Pages of the accounts area: second factor, API tokens, password reset, the audit trail. Sign-in is required by
SignInRequiredMiddleware (accounts.middleware), as on every page."""

from __future__ import annotations

import time
from typing import Any, cast

import segno
from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from eduboard.accounts import services
from eduboard.accounts.audit_display import changes_text
from eduboard.accounts.filters import LogEntryFilter
from eduboard.accounts.forms import ApiTokenForm, ReauthenticateForm, TokenForm
from eduboard.accounts.lockout import DEVICE_COOKIE, device_cookie, device_days
from eduboard.accounts.models import ApiToken, User
from eduboard.core.exports import Column
from eduboard.core.views import REAUTH_SESSION_KEY, FilteredListView


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _pass_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as past the second factor under a new session id, so an id seen before is worthless."""
    otp_login(request, device)
    request.session.cycle_key()


@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: show the key as a QR code and confirm one code from it."""
    user = request.user
    device = services.totp_device_get_or_start(account=cast(User, user))
    if device.confirmed:
        return redirect("accounts:otp_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            _pass_second_factor(request, device)
            messages.success(request, _("Your second factor is set up. Keep the authenticator app at hand."))
            return redirect(_safe_next(request))
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32_key(device), "next": _safe_next(request)},
    )


def _base32_key(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """Enter the code from the authenticator app after signing in."""
    device = TOTPDevice.objects.filter(user=cast(User, request.user), confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_verify(device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            _pass_second_factor(request, device)
            return redirect(_safe_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


def _token_creation_refusal(request: HttpRequest) -> str:
    """Why this session may not make a token, or "" when it may."""
    user = cast(User, request.user)
    if user.needs_second_factor and not cast(Any, user).is_verified():
        return _("Your role needs a second factor: pass it in this session before you make an API token.")
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def api_token_view(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: make one (its secret is shown on this answer only), list them, revoke them."""
    user = cast(User, request.user)
    refusal = _token_creation_refusal(request)
    form = ApiTokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            _token, secret = services.api_token_create(
                account=user, name=form.cleaned_data["name"], lifetime_days=form.cleaned_data["lifetime_days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    context = {"form": form, "secret": secret, "refusal": refusal, "tokens": user.api_tokens.all(), "now": now()}
    status = 403 if refusal and request.method == "POST" else 200
    return render(request, "accounts/api_token.html", context, status=status)


@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own API tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user=cast(User, request.user))
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name})
    return redirect("accounts:api_token")


class SignInView(auth_views.LoginView):
    """Sign in; the browser is then known as the account owner's (`accounts.lockout`): other people's wrong
    passwords for the account never keep it out."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        response.set_cookie(
            DEVICE_COOKIE,
            device_cookie(form.get_user()),
            max_age=device_days() * 86400,
            path=reverse("accounts:login").removesuffix("login/"),  # sent to the sign-in pages only
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the e-mailed link; it also lifts a sign-in lock-out of that username."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class AuditLogListView(PermissionRequiredMixin, FilteredListView):
    """The audit trail: who changed what and when, with the values before and after."""

    permission_required = "auditlog.view_logentry"
    filterset_class = LogEntryFilter
    template_name = "accounts/audit_log.html"
    partial_template_name = "accounts/partials/audit_log_table.html"
    sort_fields = {"timestamp": "timestamp", "actor": "actor__username", "record": "object_repr"}
    default_sort = "-timestamp"
    export_filename = "audit-trail"
    export_columns = [
        Column(gettext_lazy("Time"), lambda e: e.timestamp),
        Column(gettext_lazy("User"), lambda e: e.actor.username if e.actor else ""),
        Column(gettext_lazy("Action"), lambda e: e.get_action_display()),
        Column(gettext_lazy("Record type"), lambda e: e.content_type.name),
        Column(gettext_lazy("Record"), lambda e: e.object_repr),
        Column(gettext_lazy("Changes"), changes_text),
        Column(gettext_lazy("Address"), lambda e: e.remote_addr or ""),
    ]

    def get_base_queryset(self) -> QuerySet[Any]:
        rows: QuerySet[Any] = LogEntry.objects.select_related("actor", "content_type")
        return rows


@require_http_methods(["GET", "POST"])
def reauthenticate_view(request: HttpRequest) -> HttpResponse:
    """Confirm who you are before a bulk export of personal data: the password, and the second factor when the
    user has one (with the same throttling as at sign-in). Valid REAUTH_VALID_SECONDS (core.views)."""
    target = _safe_next(request)
    device = TOTPDevice.objects.filter(user=cast(User, request.user), confirmed=True).first()
    form = ReauthenticateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is None or user.pk != request.user.pk:
            form.add_error("password", _("The password is not right."))
        else:
            try:
                if device is not None:
                    services.totp_device_verify(device=device, token=form.cleaned_data["token"])
            except ValidationError as error:
                form.add_error("token", error)
            else:
                request.session[REAUTH_SESSION_KEY] = time.time()
                return redirect(target)
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": target, "needs_token": device})
