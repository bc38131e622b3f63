"""The usual preschool-queue priority grounds in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

TRANSLATIONS: dict[str, tuple[str, str]] = {
    "Brālis vai māsa apmeklē to pašu iestādi": (
        "A brother or sister attends the same institution",
        "Брат или сестра посещает то же учреждение",
    ),
    "Daudzbērnu ģimene": ("Large family", "Многодетная семья"),
    "Speciālās vajadzības": ("Special needs", "Особые потребности"),
}

#: The models whose rows these texts translate.
MODELS = ("PriorityGround",)


#: Fill the blank translations of these rows (the data migration and the `ensure_…` functions call it).
fill = reference_filler("registry", MODELS, TRANSLATIONS)
