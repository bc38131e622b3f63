"""Template tags of list pages: sortable column headers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str) -> SafeString:
    """A <th> whose link sorts by `field`, toggling the direction, with aria-sort for screen readers."""
    current = context.get("current_sort", "")
    base = context.get("query_without_sort", "")
    if current == field:
        next_sort, aria, arrow = f"-{field}", "ascending", " ▲"
    elif current == f"-{field}":
        next_sort, aria, arrow = field, "descending", " ▼"
    else:
        next_sort, aria, arrow = field, "none", ""
    query = f"{base}&sort={next_sort}" if base else f"sort={next_sort}"
    return format_html('<th scope="col" aria-sort="{}"><a href="?{}">{}{}</a></th>', aria, query, label, arrow)


@register.filter
def minutes(value: Any) -> int:
    """Whole minutes of a timedelta (rounded up), for messages such as "try again in 60 minutes"."""
    seconds = int(value.total_seconds()) if value is not None else 0
    return -(-seconds // 60)


@register.filter
def fte(value: Any) -> str:
    """An FTE rate with the decimals it needs (0,75; 1; 3,221), in the page language's number format."""
    if value in (None, ""):
        return ""
    from decimal import Decimal

    from django.utils.formats import number_format

    number = Decimal(str(value)).quantize(Decimal("0.001"))
    text = f"{number:f}".rstrip("0").rstrip(".")
    places = len(text.split(".")[1]) if "." in text else 0
    return number_format(Decimal(text), decimal_pos=places)
