"""The standard asset kinds' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps

from eduboard.core.translated import fill_translations

TRANSLATIONS: dict[str, tuple[str, str]] = {
    "Chromebook dators": ("Chromebook", "Компьютер Chromebook"),
    "Portatīvais dators": ("Laptop", "Ноутбук"),
    "Planšetdators": ("Tablet", "Планшет"),
    "Interaktīvais ekrāns": ("Interactive screen", "Интерактивный экран"),
    "Projektors": ("Projector", "Проектор"),
    "Robotikas komplekts": ("Robotics kit", "Набор робототехники"),
    "Mikroskops": ("Microscope", "Микроскоп"),
    "Cits": ("Other", "Другое"),
}

#: The models whose rows these texts translate.
MODELS = ("AssetKind",)


def fill(get_model: Callable[[str, str], Any] = apps.get_model) -> None:
    """Fill the blank translations of the assets area's shipped reference rows (a data migration passes its
    historical models' `apps.get_model`)."""
    for name in MODELS:
        fill_translations(get_model("assets", name), TRANSLATIONS)
