"""The standard position kinds' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations. A data migration fills the blank translations of these rows; the board edits
them, and translates its own kinds, on the admin pages or through the API."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

TRANSLATIONS: dict[str, tuple[str, str]] = {
    "Pirmsskolas izglītības skolotājs": ("Preschool teacher", "Учитель дошкольного образования"),
    "Mācību priekšmeta skolotājs": ("Subject teacher", "Учитель-предметник"),
    "Logopēds": ("Speech therapist", "Логопед"),
    "Izglītības psihologs": ("Educational psychologist", "Педагог-психолог"),
    "Speciālais pedagogs": ("Special educator", "Специальный педагог"),
    "Skolotāja palīgs": ("Teacher's assistant", "Помощник учителя"),
    "Bibliotekārs": ("Librarian", "Библиотекарь"),
    "Vadītājs (direktors)": ("Head (director)", "Руководитель (директор)"),
    "Vadītāja vietnieks": ("Deputy head", "Заместитель руководителя"),
    "Izglītojošo nodarbību organizators": (
        "Organiser of educational activities",
        "Организатор образовательных занятий",
    ),
    "Cits amats": ("Other position", "Другая должность"),
}

#: The models whose rows these texts translate.
MODELS = ("PositionKind",)


#: Fill the blank translations of these rows (the data migration and `ensure_standard_positions` call it).
fill = reference_filler("people", MODELS, TRANSLATIONS)
