"""Reads of the registry that compute figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from eduboard.registry.models import Institution


def institutions_by_type(*, visible_to: Any) -> dict[str, int]:
    """Number of institutions per type code, among those the user may see (one query)."""
    rows = Institution.objects.visible_to(visible_to).values("type").annotate(n=Count("pk")).order_by("type")
    return {row["type"]: row["n"] for row in rows}
