"""The innovation centre's reference rows (also written by migration 0002): a flushed test database gets them
back with `ensure_reference()`."""

from __future__ import annotations

from eduboard.innovation.choices import AGE_BANDS, DISCIPLINES, MODULES
from eduboard.innovation.models import AgeBand, Discipline, Module


def ensure_reference() -> None:
    for position, (code, lv, en, ru) in enumerate(MODULES):
        Module.objects.update_or_create(
            code=code, defaults={"name_lv": lv, "name_en": en, "name_ru": ru, "position": position}
        )
    for code, youngest, oldest in AGE_BANDS:
        AgeBand.objects.update_or_create(code=code, defaults={"youngest": youngest, "oldest": oldest})
    for code, fmt, lv, en, ru, width, length, mass, points, attempts, limit in DISCIPLINES:
        Discipline.objects.update_or_create(
            code=code,
            defaults={
                "format": fmt, "name_lv": lv, "name_en": en, "name_ru": ru, "max_width_mm": width,
                "max_length_mm": length, "max_mass_g": mass, "points_to_win": points, "attempts": attempts,
                "run_limit_s": limit,
            },
        )  # fmt: skip
