"""Demonstration data of the finance area."""

from __future__ import annotations

from eduboard.registry.models import Institution


def load(institutions: dict[str, Institution]) -> None:
    """Create or refresh the demonstration data (idempotent)."""
