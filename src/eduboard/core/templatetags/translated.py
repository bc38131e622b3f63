"""`{{ record|translated:"title" }}`: a record's text kept in three languages, in the page's language (the Latvian
where it has no translation), by the rule of core.translated."""

from __future__ import annotations

from typing import Any

from django import template

from eduboard.core.translated import text_in

register = template.Library()


@register.filter
def translated(record: Any, field: str) -> str:
    """The record's `field` (`title` for title_lv/title_en/title_ru) in the active language; "" for no record."""
    if record is None or record == "":
        return ""
    return text_in(record, field)
