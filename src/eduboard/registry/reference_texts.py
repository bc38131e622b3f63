"""The usual preschool-queue priority grounds in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps

from eduboard.core.translated import fill_translations

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


def fill(get_model: Callable[[str, str], Any] = apps.get_model) -> None:
    """Fill the blank translations of the registry area's shipped reference rows (a data migration passes its
    historical models' `apps.get_model`)."""
    for name in MODELS:
        fill_translations(get_model("registry", name), TRANSLATIONS)
