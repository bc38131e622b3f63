"""The standard asset kinds' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

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


#: Fill the blank translations of these rows (the data migration and the `ensure_…` functions call it).
fill = reference_filler("assets", MODELS, TRANSLATIONS)
