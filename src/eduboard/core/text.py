"""Text rules shared by every area: no control characters in what people and files send us, no invisible or
direction-changing characters in single-line text, and a length limit on every long text."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
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
    if isinstance(value, str):
        _refuse(first_control_character(value), CONTROL_CHARACTER_MESSAGE, "control_character")


def _refuse(found: tuple[str, int] | None, message: Any, code: str) -> None:
    """Raise `message` naming the character found and its position, if one was found."""
    if found is not None:
        character, position = found
        raise ValidationError(message, code=code, params={"character": character, "position": position})


# Characters that change how text around them is shown, or are not shown at all: the bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C) can make a name read as
# another ("Trojan source"); zero-width spaces and joiners (U+200B–U+200D), the word joiner and the invisible
# operators (U+2060–U+2064), the byte order mark (U+FEFF), the soft hyphen (U+00AD), the Mongolian vowel separator
# (U+180E) and the interlinear annotation marks (U+FFF9–U+FFFB) make two names that look the same differ; the line and
# paragraph separators (U+2028, U+2029) break a single line. Refused in single-line text (every CharField); long
# texts (TextFields) keep them, since a joiner belongs in some emoji and a soft hyphen in long words.
# Written as escapes, a character class's inside that both Python's `re` and a JSON Schema pattern (the API's schema)
# read the same way.
INVISIBLE_CHARACTERS = r"\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
INVISIBLE_CHARACTER = re.compile(f"[{INVISIBLE_CHARACTERS}]")

INVISIBLE_CHARACTER_MESSAGE = _("Contains an invisible character (%(character)s) at position %(position)d.")


def first_invisible_character(value: str) -> tuple[str, int] | None:
    """The first invisible or direction-changing character in `value` as ("U+202E RIGHT-TO-LEFT OVERRIDE",
    position counted from 1), or None."""
    match = INVISIBLE_CHARACTER.search(value)
    if match is None:
        return None
    character = match.group()
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X} {name}".strip(), match.start() + 1


def validate_no_invisible_characters(value: Any) -> None:
    """Refuse single-line text (a name, a title, a code) holding an invisible or direction-changing character,
    naming it and its position; other values pass."""
    if isinstance(value, str):
        _refuse(first_invisible_character(value), INVISIBLE_CHARACTER_MESSAGE, "invisible_character")


# The longest a stored long text (a model's TextField) may be, in characters: about three printed pages.
TEXT_MAX_CHARACTERS = 10_000
# Long texts whose real use is longer, by "app_label.Model.field": a criterion of a self-assessment report runs to
# several pages (seed 003: about 142,000 characters over its criteria), a project's aims and results are the
# project description's main sections, an institution's priorities for the year go with the self-assessment.
LONGER_TEXTS: dict[str, int] = {
    "quality.SelfAssessmentEntry.description": 50_000,
    "quality.SelfAssessmentEntry.strengths": 50_000,
    "quality.SelfAssessmentEntry.next_steps": 50_000,
    "quality.SelfAssessment.priorities": 20_000,
    "projects.Project.aims": 20_000,
    "projects.Project.results": 20_000,
    # Not typed but generated: a published open dataset's files (the demonstration board's groups: 221,839 characters of
    # JSON, measured; a larger board's are longer).
    "opendata.Publication.csv": 20_000_000,
    "opendata.Publication.json": 20_000_000,
}


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """At most `limit_value` characters, saying how many the text has (the code `max_length`, as Django's own)."""

    message = _("At most %(limit_value)d characters; this text has %(show_value)d.")


def text_limit(label: str) -> int:
    """The limit of the long text `label` ("app_label.Model.field"): its own, or TEXT_MAX_CHARACTERS."""
    return LONGER_TEXTS.get(label, TEXT_MAX_CHARACTERS)
