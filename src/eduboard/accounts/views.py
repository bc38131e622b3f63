"""Pages of the accounts area: second factor, API token, the audit trail."""

from __future__ import annotations

from typing import Any, cast

import segno
from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from eduboard.accounts import services
from eduboard.accounts.filters import LogEntryFilter
from eduboard.accounts.forms import TokenForm
from eduboard.accounts.models import User
from eduboard.core.exports import Column
from eduboard.core.views import FilteredListView


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: show the key as a QR code and confirm one code from it."""
    user = request.user
    device = services.totp_device_get_or_start(user=cast(User, user))
    if device.confirmed:
        return redirect("accounts:otp_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            otp_login(request, device)
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


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """Enter the code from the authenticator app after signing in."""
    device = TOTPDevice.objects.filter(user=cast(User, request.user), confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not valid. Wait for the next code and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def api_token_view(request: HttpRequest) -> HttpResponse:
    """Show the user's API token and let them replace it."""
    if request.method == "POST":
        services.api_token_regenerate(user=cast(User, request.user))
        messages.success(request, _("A new API token was made; the old one no longer works."))
        return redirect("accounts:api_token")
    token = Token.objects.filter(user=cast(User, request.user)).first()
    return render(request, "accounts/api_token.html", {"token": token})


class AuditLogListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredListView):
    """The audit trail: who changed what and when, with the values before and after."""

    permission_required = "auditlog.view_logentry"
    filterset_class = LogEntryFilter
    template_name = "accounts/audit_log.html"
    partial_template_name = "accounts/partials/audit_log_table.html"
    sort_fields = {"timestamp": "timestamp", "actor": "actor__username", "record": "object_repr"}
    default_sort = "-timestamp"
    export_filename = "audit-trail"
    export_columns = [
        Column(gettext_lazy("Time"), lambda e: e.timestamp.isoformat(timespec="seconds")),
        Column(gettext_lazy("User"), lambda e: e.actor.username if e.actor else ""),
        Column(gettext_lazy("Action"), lambda e: e.get_action_display()),
        Column(gettext_lazy("Record type"), lambda e: e.content_type.name),
        Column(gettext_lazy("Record"), lambda e: e.object_repr),
        Column(gettext_lazy("Changes"), lambda e: e.changes_str),
        Column(gettext_lazy("Address"), lambda e: e.remote_addr or ""),
    ]

    def get_base_queryset(self) -> QuerySet[Any]:
        return LogEntry.objects.select_related("actor", "content_type")
