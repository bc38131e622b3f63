"""The competitions' disciplines (also written by the innovation app's migration 0005): a flushed test database gets
them back, with the centre's modules and age bands, from `ensure_reference()`."""

from __future__ import annotations

from eduboard.centre.reference import ensure_reference as ensure_centre_reference
from eduboard.competitions.choices import DISCIPLINES
from eduboard.competitions.models import Discipline


def ensure_disciplines() -> None:
    for code, fmt, lv, en, ru, width, length, mass, points, attempts, limit in DISCIPLINES:
        Discipline.objects.update_or_create(
            code=code,
            defaults={
                "format": fmt, "name_lv": lv, "name_en": en, "name_ru": ru, "max_width_mm": width,
                "max_length_mm": length, "max_mass_g": mass, "points_to_win": points, "attempts": attempts,
                "run_limit_s": limit,
            },
        )  # fmt: skip


def ensure_reference() -> None:
    """The centre's modules and age bands, and the disciplines."""
    ensure_centre_reference()
    ensure_disciplines()
