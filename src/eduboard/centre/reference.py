"""The innovation centre's reference rows (also written by migration 0002): a flushed test database gets them
back with `ensure_reference()`; the competitions' disciplines with `competitions.reference.ensure_disciplines()`."""

from __future__ import annotations

from eduboard.centre.choices import AGE_BANDS, MODULES
from eduboard.centre.models import AgeBand, Module


def ensure_reference() -> None:
    for position, (code, lv, en, ru) in enumerate(MODULES):
        Module.objects.update_or_create(
            code=code, defaults={"name_lv": lv, "name_en": en, "name_ru": ru, "position": position}
        )
    for code, youngest, oldest in AGE_BANDS:
        AgeBand.objects.update_or_create(code=code, defaults={"youngest": youngest, "oldest": oldest})
