"""The standard funding sources' names in English and Russian (Latvian → (English, Russian)); see
core.translated.fill_translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps

from eduboard.core.translated import fill_translations

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


def fill(get_model: Callable[[str, str], Any] = apps.get_model) -> None:
    """Fill the blank translations of the finance area's shipped reference rows (a data migration passes its
    historical models' `apps.get_model`)."""
    for name in MODELS:
        fill_translations(get_model("finance", name), TRANSLATIONS)
