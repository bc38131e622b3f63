"""Template filters for amounts: euros with 2 decimals and percentages, in the page language's format."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def eur(value: Any) -> str:
    """An amount with 2 decimals and grouping: 3 474,93 in Latvian, 3,474.93 in English."""
    if value in (None, ""):
        return "—"
    return number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)


@register.filter
def per_day(value: Any) -> str:
    """A per-day amount with 2 decimals, or 3 where the third is used (1,545)."""
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value))
    places = 3 if (amount * 1000) % 10 else 2
    return number_format(amount, places, use_l10n=True)


@register.filter
def pct(value: Any) -> str:
    """A percentage with 2 decimals (5,63 %), or a dash when there is none."""
    if value in (None, ""):
        return "—"
    return number_format(Decimal(str(value)), 2, use_l10n=True) + " %"
