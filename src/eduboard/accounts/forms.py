"""Forms of the accounts area."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.services import API_TOKEN_MAX_LIFETIME_DAYS


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
