"""The audit trail as people read it: field names and coded values in the user's language, nothing internal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_noop

EMPTY = {"", "None", "none", "null"}

# auditlog's names of its actions, here so that the project's catalogues translate them (auditlog has no Latvian
# or Russian catalogue of its own).
ACTION_NAMES = (gettext_noop("create"), gettext_noop("update"), gettext_noop("delete"), gettext_noop("access"))

# Kept by the system, never changed by a person: the edit counter of `core.versions` and the row's id.
INTERNAL_FIELDS = frozenset({"version", "id"})


def readable_changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field label, before, after) of a log entry: the fields' names as the forms show them and coded values by
    their labels (auditlog's display dict), an empty value as "—". Another table's rows pointing at this one
    (reverse relations, which auditlog lists on a creation) and internal fields are left out."""
    raw = entry.changes_dict
    try:
        display = entry.changes_display_dict
    except (AttributeError, LookupError, ValueError):
        display = raw
    model = entry.content_type.model_class() if getattr(entry, "content_type", None) else None
    rows = []
    for name, values in raw.items():
        label, shown = str(name), display.get(name, values)
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                if (field.auto_created and not field.concrete) or name in INTERNAL_FIELDS:
                    continue
                label = str(getattr(field, "verbose_name", name))
                shown = display.get(label, values)
        if isinstance(values, dict) and values.get("type") == "m2m":  # rows added to or removed from a list
            sign = {"add": "+ ", "delete": "− "}.get(str(values.get("operation")), "")
            shown = ["", sign + ", ".join(str(item) for item in values.get("objects") or [])]
        before, after = [*shown, "", ""][:2] if isinstance(shown, list | tuple) else ("", shown)
        rows.append((label[:1].upper() + label[1:], _shown(before), _shown(after)))
    return rows


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return "—" if text.strip() in EMPTY else text


def changes_text(entry: Any) -> str:
    """The changes of an entry on one line, for the exported file."""
    return "; ".join(f"{field}: {before} → {after}" for field, before, after in readable_changes(entry))
