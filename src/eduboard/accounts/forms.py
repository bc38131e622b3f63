"""Forms of the accounts area."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from eduboard.accounts import services
from eduboard.accounts.services import API_TOKEN_MAX_LIFETIME_DAYS
from eduboard.core.addresses import client_address


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class ApiTokenForm(forms.Form):
    """A new API token: what it is for and how many days it lives."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the program that will use it.")
    )
    lifetime_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=API_TOKEN_MAX_LIFETIME_DAYS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lifetime_days"].initial = settings.API_TOKEN_LIFETIME_DAYS


class ReauthenticateForm(forms.Form):
    """The password again, and a code from the authenticator app when the user has one."""

    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        required=False,
        max_length=8,
        help_text=_("Needed when your account has a second factor."),
    )


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, sending at most so many e-mails an hour per address and per account.

    The page answers the same whether an e-mail went, was held back by a limit, or no account has the address, so it
    reveals neither accounts nor limits.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:  # Django's view passes the request by name
        request: HttpRequest | None = kwargs.get("request")
        if request is not None and not services.password_reset_request_allowed(address=client_address(request)):
            return
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        if user is not None and not services.password_reset_mail_allowed(account=user):
            return
        super().send_mail(
            subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
        )
