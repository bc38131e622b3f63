"""`manage.py demo_otp`: the current second-factor code of the demo board administrator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_otp.oath import TOTP

from eduboard.accounts.demo import DEMO_ADMIN_TOTP_KEY_HEX
from eduboard.core.commands import EduboardCommand


class Command(EduboardCommand):
    help = "Print the current TOTP code of the demonstration board administrator (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("There is no demonstration administrator in production.")
        self.stdout.write(f"{TOTP(bytes.fromhex(DEMO_ADMIN_TOTP_KEY_HEX)).token():06d}")
