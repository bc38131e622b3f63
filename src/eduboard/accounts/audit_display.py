"""The audit trail as people read it: field names and coded values in the user's language, nothing internal."""

from __future__ import annotations

from typing import Any

EMPTY = {"", "None", "none", "null"}


def readable_changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field label, before, after) of a log entry: the fields' names as the forms show them and coded values by
    their labels (auditlog's display dict), an empty value as "—"."""
    try:
        changes = entry.changes_display_dict
    except (AttributeError, LookupError, ValueError):
        changes = entry.changes_dict
    rows = []
    for field, values in changes.items():
        before, after = [*values, "", ""][:2] if isinstance(values, list | tuple) else ("", values)
        rows.append((str(field)[:1].upper() + str(field)[1:], _shown(before), _shown(after)))
    return rows


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return "—" if text.strip() in EMPTY else text


def changes_text(entry: Any) -> str:
    """The changes of an entry on one line, for the exported file."""
    return "; ".join(f"{field}: {before} → {after}" for field, before, after in readable_changes(entry))
