"""The standard funding sources that files name by code: every board has them (migrations 0002 and 0009, a new
board when it is made, and here on demand)."""

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


def ensure_standard_sources(model: Any = None, *, board: Any = None) -> None:
    """Create the standard funding sources a board is missing (`board`, or every board; keeps the boards' own edits
    and additions)."""
    translate = model is None  # a migration before 0007 passes a historical model without the translations (or board)
    if model is None:
        from eduboard.finance.models import FundingSource
        from eduboard.registry.board_data import default_board
        from eduboard.registry.boards import Board

        boards = [board] if board is not None else list(Board.objects.all()) or [default_board()]
        for each in boards:
            for code, name in STANDARD_SOURCES:
                FundingSource.objects.get_or_create(board=each, code=code, defaults={"name": name})
    else:
        for code, name in STANDARD_SOURCES:
            model.objects.get_or_create(code=code, defaults={"name": name})
    if translate:
        from eduboard.finance import reference_texts

        reference_texts.fill()
