"""The standard funding sources that files name by code (created by migration 0002, and here on demand)."""

from __future__ import annotations

from typing import Any

# code, name (Latvian, as stored)
STANDARD_SOURCES: list[tuple[str, str]] = [
    ("state", "Valsts budžets"),
    ("municipal", "Pašvaldības budžets"),
    ("eu_funds", "ES struktūrfondi"),
    ("erasmus", "Erasmus+"),
    ("other", "Cits avots"),
]


def ensure_standard_sources(model: Any = None) -> None:
    """Create the standard funding sources that are missing (keeps the board's own edits and additions)."""
    translate = model is None  # a migration before 0007 passes a historical model without the translations
    if model is None:
        from eduboard.finance.models import FundingSource as model
    for code, name in STANDARD_SOURCES:
        model.objects.get_or_create(code=code, defaults={"name": name})
    if translate:
        from eduboard.finance import reference_texts

        reference_texts.fill()
