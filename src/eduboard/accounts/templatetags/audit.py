from __future__ import annotations

from typing import Any

from django import template

from eduboard.accounts.audit_display import readable_changes

register = template.Library()


@register.filter
def audit_changes(entry: Any) -> list[tuple[str, str, str]]:
    """The entry's changes as (field label, before, after) in the user's language."""
    return readable_changes(entry)
