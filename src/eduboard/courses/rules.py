"""The rules of courses for teachers that need no database: hours as Latvian writes them, text from a person or a
file cleaned, names compared as people read them, and whether attendance earns a certificate.

Pure functions of values, so the pages, the importer and the figures judge alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from eduboard.core.text import validate_no_control_characters


def hours_lv(hours: int) -> str:
    """“N stunda” / “N stundas”: Latvian takes the singular after 1, 21, 31, … (not 11, 111, …)."""
    word = "stunda" if hours % 10 == 1 and hours % 100 != 11 else "stundas"
    return f"{hours} {word}"


def clean_text(value: str, *, field: str) -> str:
    """Text from a person or a file: spacing normalised, control characters refused (naming the field)."""
    try:
        validate_no_control_characters(value or "")
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return " ".join((value or "").split())


def folded(text: str) -> str:
    """A name or a school as compared: case and spacing aside."""
    return " ".join(text.casefold().split())


def qualifies(attended_hours: int, total_hours: int, required_percent: int) -> bool:
    """Whether attendance reaches the required share, exactly (in whole numbers: no rounding at the boundary)."""
    return total_hours > 0 and attended_hours * 100 >= required_percent * total_hours
