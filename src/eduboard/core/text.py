"""Text rules shared by every area: no control characters in what people and files send us."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL; C1 controls. NUL among them: PostgreSQL
# refuses it in text, and the others are invisible in pages and break files built from the data.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_MESSAGE = _("Contains a control character (%(character)s) at position %(position)d.")


def first_control_character(value: str) -> tuple[str, int] | None:
    """The first control character in `value` as ("U+0000", position counted from 1), or None."""
    match = CONTROL_CHARACTER.search(value)
    if match is None:
        return None
    return f"U+{ord(match.group()):04X}", match.start() + 1


def validate_no_control_characters(value: Any) -> None:
    """Refuse text with a control character, saying which one and where; other values pass."""
    if not isinstance(value, str):
        return
    found = first_control_character(value)
    if found is not None:
        character, position = found
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE,
            code="control_character",
            params={"character": character, "position": position},
        )
