"""Validators of registry codes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_registration_number(value: str) -> None:
    """An institution's registration number (reģistrācijas Nr.) has exactly 10 digits."""
    if not (len(value) == 10 and value.isdigit()):
        raise ValidationError(
            _("A registration number has exactly 10 digits; got “%(value)s”."),
            code="invalid_registration_number",
            params={"value": value},
        )
