"""Template tags of list pages: sortable column headers, and the class of a generic table's cell by its value's kind."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString

register = template.Library()

# A word in which a browser may wrap a line although it holds no space: after a hyphen, a dash or a slash.
_JOINED_WORD = re.compile(r"[^\s]+[-‐–/][^\s]+")


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str, css_class: str = "") -> SafeString:
    """A <th> whose link sorts by `field`, toggling the direction, with aria-sort for screen readers; `css_class`
    marks a column's kind (`num`: numbers, right-aligned)."""
    current = context.get("current_sort", "")
    base = context.get("query_without_sort", "")
    if current == field:
        next_sort, aria, arrow = f"-{field}", "ascending", " ▲"
    elif current == f"-{field}":
        next_sort, aria, arrow = field, "descending", " ▼"
    else:
        next_sort, aria, arrow = field, "none", ""
    query = f"{base}&sort={next_sort}" if base else f"sort={next_sort}"
    classes = format_html(' class="{}"', css_class) if css_class else ""
    return format_html(
        '<th scope="col"{} aria-sort="{}"><a href="?{}">{}{}</a></th>', classes, aria, query, label, arrow
    )


@register.simple_tag
def cell_class(value: Any, index: int | None = None) -> SafeString:
    """` class="num"` for a number (right-aligned), ` class="date"` for a date or a moment, ` class="nowrap"` for a
    text holding a word joined by a hyphen or a slash (none is wrapped), else nothing: the cell of a table drawn
    from values (the export's columns), where a value's kind is its column's.
    With `index`, `value` is a row's cells and the class is that of cell `index` (a header takes its column's)."""
    if index is not None:
        value = value[index] if value is not None and 0 <= index < len(value) else None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return format_html(' class="{}"', "num")
    if isinstance(value, date):
        return format_html(' class="{}"', "date")
    if isinstance(value, str) and _JOINED_WORD.search(value):
        return format_html(' class="{}"', "nowrap")  # a code or a name holding a hyphen: not wrapped inside it
    return SafeString("")


@register.filter(needs_autoescape=True)
def whole_words(value: Any, autoescape: bool = True) -> Any:
    """The text with each word that joins others by a hyphen, a dash or a slash kept on one line (a span that
    does not wrap): a table's cell then wraps between words, never inside one (Ozola-Kalniņa, vidusskola-licejs)."""
    if isinstance(value, Promise):
        value = str(value)  # a label translated when the page is written
    if not isinstance(value, str):
        return value  # a number or a date: the page's format writes it
    keep = isinstance(value, SafeData) or not autoescape
    text = value

    def piece(part: str) -> SafeString:
        return SafeString(part) if keep else conditional_escape(part)

    pieces: list[SafeString] = []
    end = 0
    for word in _JOINED_WORD.finditer(text):
        pieces += [piece(text[end : word.start()]), format_html('<span class="nowrap">{}</span>', piece(word.group()))]
        end = word.end()
    pieces.append(piece(text[end:]))
    return format_html_join("", "{}", ((part,) for part in pieces))


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
