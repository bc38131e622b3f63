"""The standard funding sources' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

TRANSLATIONS: dict[str, tuple[str, str]] = {
    "Valsts budžets": ("State budget", "Государственный бюджет"),
    "Pašvaldības budžets": ("Municipal budget", "Муниципальный бюджет"),
    "ES struktūrfondi": ("EU structural funds", "Структурные фонды ЕС"),
    "Erasmus+": ("Erasmus+", "Erasmus+"),
    "Cits avots": ("Other source", "Другой источник"),
    "Atveseļošanas un noturības mehānisms": (
        "Recovery and Resilience Facility",
        "Механизм восстановления и устойчивости",
    ),
}

#: The models whose rows these texts translate.
MODELS = ("FundingSource",)


#: Fill the blank translations of these rows (the data migration and the `ensure_…` functions call it).
fill = reference_filler("finance", MODELS, TRANSLATIONS)
