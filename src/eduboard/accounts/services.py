"""Writes of the accounts area: second-factor devices, API tokens and the limits of password-reset e-mails."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.rules import api_token_hash
from eduboard.core.public import over_limit

API_TOKEN_MAX_LIFETIME_DAYS = 365
API_TOKEN_PREFIX_LENGTH = 8
API_TOKENS_AUDIT_NAME = "API tokens in use"


def totp_device_get_or_start(*, account: User) -> TOTPDevice:
    """The account's TOTP device: the confirmed one, else a new unconfirmed one to set up."""
    confirmed = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if confirmed is not None:
        return confirmed
    device = TOTPDevice.objects.filter(user=account, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name=_("Authenticator app"), confirmed=False)
    return device


def _throttled_message(data: dict[str, Any] | None) -> str:
    """Why a device refuses to check codes now, and until when (in the current, i.e. the user's, time zone)."""
    locked_until: datetime | None = (data or {}).get("locked_until")
    if locked_until is None:
        return str((data or {}).get("error_message") or _("Codes cannot be checked now. Wait a moment and try again."))
    local = timezone.localtime(locked_until)
    if local.date() == timezone.localdate():
        until = formats.time_format(local, "H:i:s")
    else:
        until = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    return _("Too many wrong codes in a row. Wait until %(time)s, then enter the code your app shows.") % {
        "time": until
    }


def _totp_device_check(*, device: TOTPDevice, token: str, wrong_code_message: str) -> None:
    """Check a code; refuses a wrong one, and any while the device is throttled after wrong ones."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(_throttled_message(data), code="throttled")
    if not device.verify_token(token):
        raise ValidationError(wrong_code_message, code="invalid")


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new TOTP device with a code it shows; refuses a wrong code."""
    _totp_device_check(
        device=device,
        token=token,
        wrong_code_message=_("That code is not valid. Check your device's clock and try the new code."),
    )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


def totp_device_verify(*, device: TOTPDevice, token: str) -> None:
    """Pass the second factor with a code from the user's confirmed device; refuses a wrong or throttled one."""
    _totp_device_check(
        device=device,
        token=token,
        wrong_code_message=_("That code is not valid. Wait for the next code and try again."),
    )


@transaction.atomic
def api_token_create(*, account: User, name: str, lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """Make an API token for `account`; returns it with its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that will use it.")})
    days = settings.API_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    if not 1 <= days <= API_TOKEN_MAX_LIFETIME_DAYS:
        raise ValidationError(
            {"lifetime_days": _("A token lives from 1 to %(max)d days.") % {"max": API_TOKEN_MAX_LIFETIME_DAYS}}
        )
    if not account.is_active:
        raise ValidationError(_("An inactive user cannot have API tokens."))
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=account,
        name=name,
        prefix=secret[:API_TOKEN_PREFIX_LENGTH],
        key_hash=api_token_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_revoke_all(*, account: User, reason: str = "") -> int:
    """Revoke every token of `account` still not revoked (a new password, a deactivation, new rights: `reason`
    names what changed); returns how many, and writes one audit entry on the user when there were any."""
    revoked = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(User),
            object_pk=str(account.pk),
            object_id=account.pk,
            object_repr=str(account)[:200],
            action=LogEntry.Action.UPDATE,
            # Usable tokens before and after, under a name that is no field (the trail shows it as it is).
            changes={API_TOKENS_AUDIT_NAME: [str(revoked), "0"]},
            additional_data={"api_tokens_revoked": revoked, "reason": reason},
        )
    return revoked


def password_reset_request_allowed(*, address: str) -> bool:
    """Count one password-reset request from `address`; whether it is within PASSWORD_RESETS_PER_ADDRESS_HOUR."""
    return not over_limit(
        "password-reset-address", address, limit=settings.PASSWORD_RESETS_PER_ADDRESS_HOUR, seconds=3600
    )


def password_reset_mail_allowed(*, account: User) -> bool:
    """Count one password-reset e-mail to `account`; whether it is within PASSWORD_RESETS_PER_ACCOUNT_HOUR."""
    return not over_limit(
        "password-reset-account", str(account.pk), limit=settings.PASSWORD_RESETS_PER_ACCOUNT_HOUR, seconds=3600
    )
