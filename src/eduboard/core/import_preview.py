"""What an import would do, before anything is saved (issue 43, point 4: `--dry-run` of every import command).

The importer runs whole, exactly as it would save the file, inside a transaction that is then rolled back: the
same checks, the same rows created, changed and left, and the data-quality findings the file would add (the areas'
checks, asked before and after the rows are written in the same transaction; `preview_checks`). Nothing of it stays:
not the rows, not their audit entries, not a renewed figure (tokens renew only after a commit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from eduboard.core.imports import Importer, ImportResult, Progress, log_text
from eduboard.core.scope import Viewer

#: The data-quality findings of a viewer's data, as rows with "rule" and "object" (dataquality registers its own).
PreviewCheck = Callable[..., list[dict[str, Any]]]  # check(viewer=...)
preview_checks: list[PreviewCheck] = []

ACTIONS = ("created", "updated", "unchanged")


def register_preview_check(check: PreviewCheck) -> None:
    """Ask `check` for the findings before and after a previewed import (an area's `ready`)."""
    if check not in preview_checks:
        preview_checks.append(check)


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file as the preview lists it: its row number, what it names, and each field's old and new
    value (for a change)."""

    row: int
    object: str
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportPreview:
    """What importing the file would do: the counts, the first rows of each action, the findings it would add."""

    result: ImportResult
    first: dict[str, list[PreviewRow]]
    findings: list[dict[str, Any]]


class _RolledBack(Exception):
    """Not an error: the preview's way out of its transaction, carrying what it found."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__("import preview")
        self.preview = preview


def _findings(viewer: Viewer) -> list[dict[str, Any]]:
    return [row for check in preview_checks for row in check(viewer=viewer)]


def import_preview(
    importer: Importer, path: Path | str, *, encoding: str | None = None, progress: Progress | None = None
) -> ImportPreview:
    """Run `importer` on the file and roll everything back: what it would create, change and leave (counts and the
    first rows of each), and the data-quality findings it would add. A file with errors raises ImportFailed, as the
    import itself would."""
    importer.preview_rows = {action: [] for action in ACTIONS}
    try:
        with transaction.atomic():
            before = {(row["rule"], row["object"]) for row in _findings(importer.viewer)}
            result = importer.run(path, encoding=encoding, progress=progress)
            added = [row for row in _findings(importer.viewer) if (row["rule"], row["object"]) not in before]
            first = {
                action: [
                    PreviewRow(
                        row, label, {name: (log_text(old), log_text(new)) for name, (old, new) in changes.items()}
                    )
                    for row, label, changes in importer.preview_rows[action]
                ]
                for action in ACTIONS
            }
            raise _RolledBack(ImportPreview(result, first, added))
    except _RolledBack as done:
        return done.preview
    finally:
        importer.preview_rows = None


#: How many of a preview's findings an import job keeps to show (the count is kept whole).
FINDINGS_KEPT = 100


def preview_record(preview: ImportPreview) -> dict[str, Any]:
    """A preview as an import job keeps it (JSON): the first rows of each action and the findings it would add."""
    return {
        "first": {
            action: [
                {
                    "row": row.row,
                    "object": row.object,
                    "changes": [[name, old, new] for name, (old, new) in row.changes.items()],
                }
                for row in rows
            ]
            for action, rows in preview.first.items()
        },
        "findings": [
            {key: finding.get(key) for key in ("rule", "severity", "institution", "object", "message")}
            for finding in preview.findings[:FINDINGS_KEPT]
        ],
        "findings_total": len(preview.findings),
    }
