"""The report's content turned into text of the active language: what every renderer draws.

Every renderer (page, PDF, DOCX, XLSX) reads this one presentation, so a figure is written the same
way everywhere; the XLSX takes the raw numbers kept beside the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eduboard.reports.content import (
    format_change,
    format_day,
    format_school_year,
    format_value,
    raw_number,
    render_text,
    unit_text,
)
from eduboard.reports.readiness import DATE_AREAS

#: The rows of one table a PDF or a DOCX shows. A document is read page by page, and a country's report would list
#: thousands of institutions there (the national benchmark: 3,715 rows, 199 PDF pages); the XLSX file and the
#: report's page keep every row. No table of a city's report is that long (Daugavpils' longest has 23 rows).
DOCUMENT_ROWS = 50


@dataclass
class Cell:
    """One table cell: its text and, for numbers, the number."""

    text: str
    raw: int | Decimal | None = None
    unit: str = ""

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
    unit: str = ""  # the values' unit as written (%, EUR, p.p.), the title of the value axis

    def spec(self) -> dict[str, Any]:
        """The JSON the page's chart script reads (static/js/charts.js)."""
        return {
            "type": "bar",
            "labels": self.labels,
            "unit": self.unit,
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
    omitted: int = 0  # rows left out of a document (`Presentation.for_reading`); the total still counts them

    @property
    def omitted_note(self) -> str:
        """The note under a table cut short in a document."""
        return _("The first %(shown)s of %(all)s rows; the XLSX file and the report's page list them all.") % {
            "shown": len(self.rows),
            "all": len(self.rows) + self.omitted,
        }


@dataclass
class Figure:
    key: str
    label: str
    text: str
    raw: int | Decimal | None
    unit: str
    before: str = ""
    change: str = ""
    before_raw: int | Decimal | None = None


@dataclass
class Block:
    type: str
    text: str = ""
    level: int = 2
    label: str = ""
    slot: str = ""
    items: list[Figure] = field(default_factory=list)
    table: Table | None = None
    lines: list[str] = field(default_factory=list)  # a paragraph's list, after its lead-in ("… šādas vakances:")


@dataclass
class Section:
    key: str
    number: int
    title: str
    blocks: list[Block]
    part: str = ""  # the title of the part this section opens ("I. Vispārēja informācija ..."), shown before it


@dataclass
class Presentation:
    """A whole report in one language."""

    title: str
    subtitle: str
    as_of: str
    school_year: str
    sections: list[Section]
    header: list[str] = field(default_factory=list)  # seed 002's lines above the title ("Pielikums ...")

    def tables(self) -> list[Table]:
        return [block.table for section in self.sections for block in section.blocks if block.table is not None]

    def for_reading(self) -> Presentation:
        """A copy of this report with each table longer than DOCUMENT_ROWS cut to its first rows, for a document
        that is read page by page (PDF, DOCX); this one keeps every row. A chart still draws from every row (its
        chart data is built apart, its largest bars: `reports.charts.MAX_BARS`)."""

        def shortened(block: Block) -> Block:
            table = block.table
            if table is None or len(table.rows) <= DOCUMENT_ROWS:
                return block
            cut = replace(table, rows=table.rows[:DOCUMENT_ROWS], omitted=len(table.rows) - DOCUMENT_ROWS)
            return replace(block, table=cut)

        sections = [
            replace(section, blocks=[shortened(block) for block in section.blocks]) for section in self.sections
        ]
        return replace(self, sections=sections)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _cell(value: Any, unit: str) -> Cell:
    numeric = raw_number(value) if not isinstance(value, dict) else None
    return Cell(format_value(value, unit) if numeric is not None else format_value(value), numeric, unit)


def _table(block: dict[str, Any]) -> Table:
    units = block["units"]
    columns = [render_text(column) for column in block["columns"]]
    rows = [[_cell(value, units[index]) for index, value in enumerate(row)] for row in block["rows"]]
    total = [_cell(value, units[index]) for index, value in enumerate(block["total"])] if "total" in block else None
    chart = None
    # A series with no value at all (a national mean the data does not have) gets no bar and no legend entry.
    drawn = [
        index for index in block.get("chart", {}).get("series", []) if any(row[index].raw is not None for row in rows)
    ]
    if drawn and rows:
        chart_units = {units[index] for index in drawn}
        chart = Chart(
            id="chart-" + block["key"].replace(".", "-").replace("_", "-"),
            title=render_text(block["title"]),
            labels=_distinct_labels(rows),
            series=[
                (columns[index], [float(row[index].raw) if row[index].raw is not None else 0.0 for row in rows])
                for index in drawn
            ],
            unit=unit_text(chart_units.pop()).strip() if len(chart_units) == 1 else "",
        )
    return Table(block["key"], render_text(block["title"]), columns, rows, total, chart)


def _distinct_labels(rows: list[list[Cell]]) -> list[str]:
    """The bars' labels: the first column, with the second where the first repeats (a subject in grades 1, 4
    and 7 is "Latviešu valoda, 1", "Latviešu valoda, 4", ...)."""
    labels = [row[0].text for row in rows]
    if len(set(labels)) == len(labels):
        return labels
    return [
        f"{row[0].text}, {row[1].text}" if len(row) > 1 and row[1].text and row[1].text != "—" else row[0].text
        for row in rows
    ]


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
        before_raw=raw_number(before),
    )


def present_block(block: dict[str, Any], narrative: dict[str, str]) -> Block:
    """One content block in the active language (narrative text taken from the edition)."""
    kind = block["type"]
    if kind == "heading":
        return Block("heading", text=render_text(block["text"]), level=block.get("level", 2))
    if kind == "paragraph":
        return Block(
            kind, text=render_text(block["text"]), lines=[render_text(line) for line in block.get("lines", [])]
        )
    if kind == "note":
        # A note is also one figure without a value, so that lists of figures (the XLSX's first sheet) carry
        # it too, e.g. the note in place of the figures a reader's role does not include.
        text = render_text(block["text"])
        return Block(kind, text=text, items=[Figure(key="", label=text, text="", raw=None, unit="")])
    if kind == "figures":
        return Block("figures", items=[_figure(item) for item in block["items"]])
    if kind == "table":
        if not block["rows"]:
            # An empty part of the document is said in a sentence (the table's own, `empty`) or left out, in
            # every format alike: never a table with nothing in it.
            return Block("paragraph", text=render_text(block["empty"]) if block.get("empty") else "")
        return Block("table", table=_table(block))
    if kind == "narrative":
        return Block(
            "narrative", label=render_text(block["label"]), slot=block["slot"], text=narrative.get(block["slot"], "")
        )
    return Block("paragraph", text="")


def present(content: dict[str, Any], narrative: dict[str, str] | None = None, *, title: str = "") -> Presentation:
    """The whole report in the active language."""
    narrative = narrative or {}
    day = format_day(content["as_of"])
    sections = []
    parts_shown: set[str] = set()
    for number, section in enumerate(content["sections"], start=1):
        # Seed 002's numbering (I-IX, without V) where the content carries it; an older edition's is counted.
        numeral = section.get("numeral", ROMAN[number - 1] if number <= len(ROMAN) else str(number))
        part = ""
        if section.get("part"):
            part_title = f"{numeral}. {render_text(section['part'])}"
            part = "" if part_title in parts_shown else part_title
            parts_shown.add(part_title)
            heading = render_text(section["title"])
        else:
            heading = f"{numeral}. {render_text(section['title'])}"
        sections.append(
            Section(
                key=section["key"],
                number=number,
                title=heading,
                blocks=[present_block(block, narrative) for block in section["blocks"]],
                part=part,
            )
        )
    year = format_school_year(content.get("school_year") or "—")
    header = []
    if content.get("header"):
        found = content["header"]
        header = [
            _("Annex"),
            _("to the decision of %(council)s") % {"council": render_text(found["council"])},
            _("of __.__.%(year)s No. ___") % {"year": found["year"]},
        ]
    default_title = _("Readiness of education institutions for the %(year)s school year") % {"year": year}
    if content.get("header"):
        # Latvian writes the board in the genitive before the word (… pārvaldes ziņojums): its translation takes
        # %(board_genitive)s instead of %(board)s.
        # xgettext:no-python-format
        template = _("Report of %(board)s on the readiness of education institutions for the %(year)s school year")
        default_title = template % {
            "board": render_text(content["header"]["board"]),
            "board_genitive": render_text(content["header"].get("board_genitive", content["header"]["board"])),
            "year": year,
        }
    return Presentation(
        title=title or default_title,
        subtitle=_subtitle(content),
        as_of=day,
        school_year=year,
        sections=sections,
        header=header,
    )


def _subtitle(content: dict[str, Any]) -> str:
    """ "Figures as of <date>", then each area read on a day of its own (seed 002: pupils 19.08, money 14.08)."""
    parts = [_("Figures as of %(date)s") % {"date": format_day(content["as_of"])}]
    for area, text in content.get("dates", {}).items():
        if area in DATE_AREAS and text != content["as_of"]:
            parts.append(_("%(area)s: %(date)s") % {"area": DATE_AREAS[area], "date": format_day(text)})
    return "; ".join(parts)


def narrative_slots(content: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(slot, section title, label) of every narrative place of the content, in order."""
    slots = []
    for section in content["sections"]:
        for block in section["blocks"]:
            if block["type"] == "narrative":
                slots.append((block["slot"], render_text(section["title"]), render_text(block["label"])))
    return slots
