"""Writes of the accounts area: second-factor devices and API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from eduboard.accounts.models import User


def totp_device_get_or_start(*, user: User) -> TOTPDevice:
    """The user's TOTP device: the confirmed one, else a new unconfirmed one to set up."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new TOTP device with a code it shows; refuses a wrong code."""
    if not device.verify_token(token):
        raise ValidationError(_("That code is not valid. Check your device's clock and try the new code."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """Replace the user's API token with a new one (the old one stops working at once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
