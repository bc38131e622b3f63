"""Template helpers of the surveys pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]`, or the key itself where there is none."""
    return mapping.get(key, key)


@register.filter
def points_from(value: Decimal | None, before: Decimal | None) -> str:
    """The change from `before` to `value` in percentage points, signed (+1,25), or — where either is missing."""
    if value is None or before is None:
        return "—"
    change = Decimal(value) - Decimal(before)
    sign = "+" if change > 0 else ""
    return f"{sign}{change:.2f}".replace(".", ",")
