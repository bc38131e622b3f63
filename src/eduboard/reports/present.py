"""The report's content turned into text of the active language: what every renderer draws.

Every renderer (page, PDF, DOCX, XLSX) reads this one presentation, so a figure is written the same
way everywhere; the XLSX takes the raw numbers kept beside the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eduboard.reports.content import format_change, format_value, raw_number, render_text


@dataclass
class Cell:
    """One table cell: its text and, for numbers, the number."""

    text: str
    raw: int | Decimal | None = None

    @property
    def numeric(self) -> bool:
        return self.raw is not None


@dataclass
class Chart:
    """A bar chart drawn from a table's columns: labels from the first column, one series per column."""

    id: str
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    image: str = ""  # a data URI, set by renderers that draw images instead of scripts

    def spec(self) -> dict[str, Any]:
        """The JSON the page's chart script reads (static/js/charts.js)."""
        return {
            "type": "bar",
            "labels": self.labels,
            "datasets": [{"label": label, "data": data} for label, data in self.series],
        }


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    chart: Chart | None = None


@dataclass
class Figure:
    key: str
    label: str
    text: str
    raw: int | Decimal | None
    unit: str
    before: str = ""
    change: str = ""


@dataclass
class Block:
    type: str
    text: str = ""
    level: int = 2
    label: str = ""
    slot: str = ""
    items: list[Figure] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Section:
    key: str
    number: int
    title: str
    blocks: list[Block]


@dataclass
class Presentation:
    """A whole report in one language."""

    title: str
    subtitle: str
    as_of: str
    school_year: str
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [block.table for section in self.sections for block in section.blocks if block.table is not None]


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _cell(value: Any, unit: str) -> Cell:
    numeric = raw_number(value) if not isinstance(value, dict) else None
    return Cell(format_value(value, unit) if numeric is not None else format_value(value), numeric)


def _table(block: dict[str, Any]) -> Table:
    units = block["units"]
    columns = [render_text(column) for column in block["columns"]]
    rows = [[_cell(value, units[index]) for index, value in enumerate(row)] for row in block["rows"]]
    total = [_cell(value, units[index]) for index, value in enumerate(block["total"])] if "total" in block else None
    chart = None
    if block.get("chart") and rows:
        chart = Chart(
            id="chart-" + block["key"].replace(".", "-").replace("_", "-"),
            title=render_text(block["title"]),
            labels=[row[0].text for row in rows],
            series=[
                (columns[index], [float(row[index].raw) if row[index].raw is not None else 0.0 for row in rows])
                for index in block["chart"]["series"]
            ],
        )
    return Table(block["key"], render_text(block["title"]), columns, rows, total, chart)


def _figure(item: dict[str, Any]) -> Figure:
    value, unit = item["value"], item.get("unit", "")
    before = item.get("before")
    change = ""
    if before is not None and raw_number(value) is not None and raw_number(before) is not None:
        change = format_change(str(raw_number(value) - raw_number(before)), unit)  # type: ignore[operator]
    return Figure(
        key=item["key"],
        label=render_text(item["label"]),
        text=format_change(value, unit) if item.get("signed") else format_value(value, unit),
        raw=raw_number(value),
        unit=unit,
        before=format_value(before, unit) if before is not None else "",
        change=change,
    )


def present_block(block: dict[str, Any], narrative: dict[str, str]) -> Block:
    """One content block in the active language (narrative text taken from the edition)."""
    kind = block["type"]
    if kind == "heading":
        return Block("heading", text=render_text(block["text"]), level=block.get("level", 2))
    if kind == "paragraph":
        return Block(kind, text=render_text(block["text"]))
    if kind == "note":
        # A note is also one figure without a value, so that lists of figures (the XLSX's first sheet) carry
        # it too, e.g. the note in place of the figures a reader's role does not include.
        text = render_text(block["text"])
        return Block(kind, text=text, items=[Figure(key="", label=text, text="", raw=None, unit="")])
    if kind == "figures":
        return Block("figures", items=[_figure(item) for item in block["items"]])
    if kind == "table":
        return Block("table", table=_table(block))
    if kind == "narrative":
        return Block(
            "narrative", label=render_text(block["label"]), slot=block["slot"], text=narrative.get(block["slot"], "")
        )
    return Block("paragraph", text="")


def present(content: dict[str, Any], narrative: dict[str, str] | None = None, *, title: str = "") -> Presentation:
    """The whole report in the active language."""
    narrative = narrative or {}
    as_of = content["as_of"]
    day = f"{as_of[8:10]}.{as_of[5:7]}.{as_of[0:4]}"
    sections = [
        Section(
            key=section["key"],
            number=number,
            title=f"{ROMAN[number - 1] if number <= len(ROMAN) else number}. {render_text(section['title'])}",
            blocks=[present_block(block, narrative) for block in section["blocks"]],
        )
        for number, section in enumerate(content["sections"], start=1)
    ]
    year = content.get("school_year") or "—"
    return Presentation(
        title=title or _("Readiness of education institutions for the %(year)s school year") % {"year": year},
        subtitle=_("Figures as of %(date)s") % {"date": day},
        as_of=day,
        school_year=year,
        sections=sections,
    )


def narrative_slots(content: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(slot, section title, label) of every narrative place of the content, in order."""
    slots = []
    for section in content["sections"]:
        for block in section["blocks"]:
            if block["type"] == "narrative":
                slots.append((block["slot"], render_text(section["title"]), render_text(block["label"])))
    return slots
