"""The competitions' disciplines (also written by the migrations): a flushed test database gets them back, with the
centre's modules and age bands, from `ensure_reference()`."""

from __future__ import annotations

from eduboard.centre.reference import ensure_reference as ensure_centre_reference
from eduboard.competitions.choices import DISCIPLINES
from eduboard.competitions.models import Discipline


def ensure_disciplines() -> None:
    for row in DISCIPLINES:
        values = dict(row)
        Discipline.objects.update_or_create(code=values.pop("code"), defaults=values)


def ensure_reference() -> None:
    """The centre's modules and age bands, and the disciplines."""
    ensure_centre_reference()
    ensure_disciplines()
