"""Reads of the reports area: an edition's content, two editions compared, the dashboards' figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eduboard.registry.selectors import ALL, scope_of
from eduboard.reports.content import Text, format_change, format_value, number, raw_number, render_text, text_key
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import Progress, build_readiness, key_figures


def edition_content(*, edition: ReportEdition, progress: Progress | None = None) -> dict[str, Any]:
    """A published edition's frozen figures; a draft's computed now (whole city: the report is the board's)."""
    if edition.is_published and edition.content is not None:
        return edition.content
    return build_readiness(as_of=edition.as_of, visible_to=ALL, progress=progress)


def readiness_content(*, as_of: date, visible_to: Any = ALL, progress: Progress | None = None) -> dict[str, Any]:
    """The readiness report's figures as of a date, not kept anywhere (the command, the API)."""
    return build_readiness(as_of=as_of, visible_to=visible_to, progress=progress)


def dashboard_figures(*, as_of: date, user: Any) -> dict[str, Any]:
    """The report's key figures for a user's home: the whole city for the board, their institutions for others."""
    return key_figures(as_of=as_of, visible_to=scope_of(user))


@dataclass(frozen=True)
class FigureEntry:
    """One figure of a report's content, flattened: a figure or one cell of a table."""

    key: str
    section: Text
    label: list[Text]
    value: Any
    unit: str


def flatten_figures(content: dict[str, Any]) -> dict[str, FigureEntry]:
    """Every figure of the content by a stable key: `section.figure`, or `table/row words/column` for cells."""
    entries: dict[str, FigureEntry] = {}
    for section in content["sections"]:
        for block in section["blocks"]:
            if block["type"] == "figures":
                for item in block["items"]:
                    entries[item["key"]] = FigureEntry(
                        item["key"], section["title"], [item["label"]], item["value"], item.get("unit", "")
                    )
            elif block["type"] == "table":
                columns, units = block["columns"], block["units"]
                for row in [*block["rows"], *([block["total"]] if "total" in block else [])]:
                    # The row's words (its label and any other text cells) tell rows apart.
                    row_key = "|".join(
                        text_key(cell)
                        for index, cell in enumerate(row)
                        if index == 0 or (cell not in (None, "") and raw_number(cell) is None)
                    )
                    for index in range(1, len(row)):
                        if raw_number(row[index]) is None:
                            continue
                        key = f"{block['key']}/{row_key}/{text_key(columns[index])}"
                        entries[key] = FigureEntry(
                            key, section["title"], [block["title"], row[0], columns[index]], row[index], units[index]
                        )
    return entries


@dataclass(frozen=True)
class ComparedFigure:
    """One figure in two editions, with the difference (for numbers)."""

    key: str
    section: str
    label: str
    first: str
    second: str
    difference: str
    changed: bool


def editions_compare(
    *, first: dict[str, Any], second: dict[str, Any], only_changed: bool = False
) -> list[ComparedFigure]:
    """Two editions' contents figure by figure, in the order of the first (figures only in the second last)."""
    a, b = flatten_figures(first), flatten_figures(second)
    rows = []
    for key in [*a, *(key for key in b if key not in a)]:
        left, right = a.get(key), b.get(key)
        entry = left if left is not None else right
        if entry is None:
            continue
        left_value = left.value if left else None
        right_value = right.value if right else None
        x, y = raw_number(left_value), raw_number(right_value)
        difference = format_change(number(y - x), entry.unit) if x is not None and y is not None else ""
        changed = left_value != right_value
        if only_changed and not changed:
            continue
        rows.append(
            ComparedFigure(
                key=key,
                section=render_text(entry.section),
                label=" — ".join(render_text(part) for part in entry.label),
                first=format_value(left_value, entry.unit) if left else "—",
                second=format_value(right_value, entry.unit) if right else "—",
                difference=difference,
                changed=changed,
            )
        )
    return rows
