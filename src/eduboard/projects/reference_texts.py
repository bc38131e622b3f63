"""The standard funding programmes' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations. A data migration fills the blank translations of these rows; the board edits
them, and translates its own programmes, on the admin pages or through the API."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

TRANSLATIONS: dict[str, tuple[str, str]] = {
    "Erasmus+ KA1 (mācību mobilitāte)": ("Erasmus+ KA1 (learning mobility)", "Erasmus+ KA1 (учебная мобильность)"),
    "Erasmus+ KA2 (sadarbības partnerības)": (
        "Erasmus+ KA2 (cooperation partnerships)",
        "Erasmus+ KA2 (партнёрства для сотрудничества)",
    ),
    "Erasmus+ KA220 (sadarbības partnerības)": (
        "Erasmus+ KA220 (cooperation partnerships)",
        "Erasmus+ KA220 (партнёрства для сотрудничества)",
    ),
    "Mūžizglītības programma Leonardo da Vinci": (
        "Lifelong Learning Programme Leonardo da Vinci",
        "Программа обучения в течение всей жизни Leonardo da Vinci",
    ),
    "Nordplus": ("Nordplus", "Nordplus"),
    "Pilsoņi, vienlīdzība, tiesības un vērtības (CERV)": (
        "Citizens, Equality, Rights and Values (CERV)",
        "Граждане, равенство, права и ценности (CERV)",
    ),
    "eTwinning": ("eTwinning", "eTwinning"),
    "Eiropas Sociālais fonds": ("European Social Fund", "Европейский социальный фонд"),
    "Eiropas Reģionālās attīstības fonds": (
        "European Regional Development Fund",
        "Европейский фонд регионального развития",
    ),
    "Atveseļošanas un noturības mehānisms": (
        "Recovery and Resilience Facility",
        "Механизм восстановления и устойчивости",
    ),
    "Valsts programma": ("State programme", "Государственная программа"),
    "Pašvaldības programma": ("Municipal programme", "Муниципальная программа"),
    "Cita programma": ("Other programme", "Другая программа"),
}

#: The models whose rows these texts translate.
MODELS = ("ProjectProgramme",)


#: Fill the blank translations of these rows (the data migration and `ensure_standard_programmes` call it).
fill = reference_filler("projects", MODELS, TRANSLATIONS)
