"""The report as a file: a self-contained HTML page, a PDF (WeasyPrint), a DOCX (python-docx), an XLSX (openpyxl).

All four read one `Presentation`, so every figure reads the same in each. Tables of the DOCX are built
row by row on the XML (never through `Table.cells` or `Table.cell()`, which are quadratic).
"""

from __future__ import annotations

import gc
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from eduboard.core.exports import XLSX_DATE_FORMAT
from eduboard.reports.charts import chart_data_uri, chart_image
from eduboard.reports.present import Block, Cell, Figure, Presentation, Table, present

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Progress = Callable[[str], None]
# The document language of a DOCX or XLSX: a language with its country, as Word and LibreOffice expect.
LANGUAGE_TAGS = {"lv": "lv-LV", "en": "en-GB", "ru": "ru-RU"}
MAX_LEVEL = 5  # a table's title under a level-4 heading: h6 in HTML, "Heading 5" in Word


def author() -> str:
    """Who writes the board's reports: the author of every file."""
    return _("Education board")


def language_tag(language: str | None = None) -> str:
    """The active (or given) language as a tag with its country: lv-LV, en-GB, ru-RU."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    if code in LANGUAGE_TAGS:
        return LANGUAGE_TAGS[code]
    base, _sep, country = code.partition("-")
    return f"{base}-{country.upper()}" if country else LANGUAGE_TAGS.get(base, base)


def built_at() -> datetime:
    """The time a file is made (UTC, whole seconds): its created and modified dates."""
    return datetime.now(UTC).replace(microsecond=0)


def nest_headings(presentation: Presentation) -> Presentation:
    """Give every heading and table block the outline level it takes, so that no level is skipped.

    A section's title is level 1 (h2 in HTML, where the report's title is h1); a heading block keeps its level
    unless that would skip one; a table's title sits one level under the heading before it (or the section's).
    """
    for section in presentation.sections:
        parent = 1
        for block in section.blocks:
            if block.type == "heading":
                block.level = max(2, min(block.level, parent + 1, MAX_LEVEL))
                parent = block.level
            elif block.type == "table":
                block.level = min(parent + 1, MAX_LEVEL)
    return presentation


def chart_description(table: Table) -> str:
    """A chart's text alternative: its title, and where its figures are."""
    return " ".join([_("Chart: %(title)s") % {"title": table.title}, _("The table that follows holds its figures.")])


def document_html(presentation: Presentation, *, for_print: bool) -> str:
    """The report as one self-contained HTML document, charts as SVG images.

    The document's language, title, author, subject and dates are in its head: WeasyPrint puts them in the PDF.
    """
    nest_headings(presentation)
    for table in presentation.tables():
        if table.chart is not None and not table.chart.image:
            table.chart.image = chart_data_uri(table.chart)
    return render_to_string(
        "reports/report_document.html",
        {
            "report": presentation,
            "for_print": for_print,
            "document": True,
            "LANGUAGE_CODE": translation.get_language(),
            "author": author(),
            "built": built_at().isoformat().replace("+00:00", "Z"),
        },
    )


def render_html(presentation: Presentation) -> bytes:
    return document_html(presentation, for_print=False).encode("utf-8")


# --- PDF

# The PDF's text column (report_document.html: A4, 1.8 cm side margins) and its tables' type (9 pt; a cell padded
# 5 px each side, its border 1 px), in points: what the columns of the PDF's tables are measured against. The
# padding has a point of room, as Pango's widths of a word may differ from PIL's by a hair.
PRINT_WIDTH = (21.0 - 2 * 1.8) / 2.54 * 72
PRINT_TABLE_SIZE = 9.0
PRINT_CELL_PADDING = (5 + 5 + 1) * 0.75 + 1.0
CHART_URL = "eduboard-chart:"  # the print page's charts: served to WeasyPrint by `_chart_fetcher`, never a file
# WeasyPrint (Pango, Unicode's line breaking) breaks after a hyphen only before a letter: DEMO-2024-1-LV01 breaks
# after "1-", never inside "DEMO-2024-1-"; fewer places than Word, which breaks after every hyphen (`words`).
PRINT_HYPHEN_BREAK = re.compile(r"(?<=\w[-\u2010\u2013])(?=[^\W\d_])")


def print_words(text: str) -> list[str]:
    """The pieces of `text` that never break across lines in the PDF: words, and a hyphenated word's parts that
    start with a letter."""
    return [piece for word in WORD_GAP.split(text) for piece in PRINT_HYPHEN_BREAK.split(word) if piece]


@dataclass
class PrintedTable(Table):
    """A table as the PDF lays it out: its columns' widths (percent of the text column) measured beforehand, or
    none (WeasyPrint then measures the cells itself)."""

    widths: list[str] = field(default_factory=list)


def print_column_widths(table: Table) -> list[str]:
    """The widths of `table`'s columns in the PDF, as percents of its text column ("12.345"), or [] when its words
    cannot all stand whole at the tables' type size.

    WeasyPrint's automatic table layout shapes the text of every cell twice more (its narrowest and widest
    widths) before it lays the table out; with the widths given (the same rule as the DOCX's: no column narrower
    than its longest word, the header and the total bold, a number on one line) it lays each cell out once.
    """
    rows = [(row, False) for row in table.rows] + ([(table.total, True)] if table.total else [])
    texts = [
        [
            (column, True, False),
            *((row[index].text, bold, row[index].numeric) for row, bold in rows if index < len(row)),
        ]
        for index, column in enumerate(table.columns)
    ]
    widths = fitting_widths(texts, PRINT_WIDTH, PRINT_TABLE_SIZE, padding=PRINT_CELL_PADDING, split=print_words)
    if not widths:
        return []
    return [f"{100 * width / sum(widths):.3f}" for width in widths]


def print_presentation(presentation: Presentation) -> tuple[Presentation, dict[str, bytes]]:
    """The report as the PDF draws it (a copy: `presentation` is left as it was): every table with its column
    widths, every chart an SVG image by URL (`CHART_URL`); returns it and the SVGs by URL.

    The SVGs are handed to WeasyPrint as they are, not as data URIs in the page, whose HTML parser would read
    every character of them."""
    charts: dict[str, bytes] = {}

    def printed(block: Block) -> Block:
        table = block.table
        if table is None:
            return block
        chart = table.chart
        if chart is not None:
            url = f"{CHART_URL}{len(charts)}"
            charts[url] = chart_image(chart, fmt="svg")
            chart = replace(chart, image=url)
        values = {name.name: getattr(table, name.name) for name in fields(Table)}
        values["chart"] = chart
        return replace(block, table=PrintedTable(**values, widths=print_column_widths(table)))

    sections = [
        replace(section, blocks=[printed(block) for block in section.blocks]) for section in presentation.sections
    ]
    return replace(presentation, sections=sections), charts


def _chart_fetcher(charts: dict[str, bytes]) -> Any:
    """WeasyPrint's URL fetcher, answering the print page's chart URLs with their SVG; any other URL as before."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in charts:
                return URLFetcherResponse(url, charts[url], {"Content-Type": "image/svg+xml"})
            return super().fetch(url, headers)

    return ChartFetcher()


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Python's cycle collector leaves the objects made before alone while WeasyPrint lays the report out.

    WeasyPrint makes millions of short-lived objects, so the collector runs hundreds of times during one PDF, and
    each of its full passes walked every object of the process (Django, the figures, matplotlib: some 360,000),
    about a seventh of the PDF's time. Frozen (`gc.freeze`), they are skipped until `gc.unfreeze` hands them back,
    however the rendering ends; the objects WeasyPrint makes are collected as before.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def print_document(presentation: Presentation) -> Any:
    """The report laid out in pages by WeasyPrint (its `Document`), from `presentation` as a PDF shows it: tables
    cut to their first rows (`Presentation.for_reading`), their columns measured, the charts as SVG."""
    from weasyprint import HTML

    printed, charts = print_presentation(presentation.for_reading())
    page = document_html(printed, for_print=True)
    with _older_objects_frozen():
        html = HTML(string=page, base_url=str(settings.BASE_DIR), url_fetcher=_chart_fetcher(charts))
        return html.render(pdf_variant="pdf/ua-1")


def render_pdf(presentation: Presentation) -> bytes:
    """A tagged PDF (PDF/UA-1): headings (and bookmarks), page numbers in the footer, tables that repeat their
    header; its language is the report's, its title, author and dates are in its metadata (and XMP)."""
    document = print_document(presentation)
    with _older_objects_frozen():
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


# --- DOCX

# Word's cell margins (0.08 inch each side in "Table Grid") and a little room, in points.
CELL_PADDING = 11.5 + 2.0
TABLE_FONT_SIZES = (10.0, 9.0, 8.0, 7.0)
WORD_GAP = re.compile(r"[ \t\r\n]+")  # no-break spaces (12 960 000,00 EUR) keep a number whole
HYPHEN_BREAK = re.compile(r"(?<=\w[-\u2010\u2013])(?=\w)")  # Word and LibreOffice may break a line after a hyphen


def words(text: str) -> list[str]:
    """The pieces of `text` that never break across lines: words, and the parts of a hyphenated word
    (DEMO-2024-1-LV01-KA220-VET breaks after each hyphen, as a line of text does; -538 stays whole)."""
    return [piece for word in WORD_GAP.split(text) for piece in HYPHEN_BREAK.split(word) if piece]


@cache
def _font(bold: bool) -> Any:
    """DejaVu Sans (the documents' font, shipped with matplotlib) for measuring text, or None."""
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    try:
        return ImageFont.truetype(str(path), 1000)
    except OSError:
        return None


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in points at `size` points in DejaVu Sans (a wide font: others take less room)."""
    font = _font(bold)
    if font is None:
        return len(text) * size * (0.68 if bold else 0.62)
    return float(font.getlength(text)) * size / 1000


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], available: float, size: float
) -> list[float] | None:
    """Widths (points) of a table's columns that fit in `available` points, or None when they cannot.

    No column is narrower than its longest word (so no word breaks inside a cell); the rest of the width is
    shared in proportion to how much more each column's longest text would need to stand on one line.
    """
    texts = [
        [(header, True, False), *((row[index], False, False) for row in rows if index < len(row))]
        for index, header in enumerate(columns)
    ]
    return fitting_widths(texts, available, size, padding=CELL_PADDING)


def fitting_widths(
    columns: Sequence[Sequence[tuple[str, bool, bool]]],
    available: float,
    size: float,
    *,
    padding: float,
    split: Callable[[str], list[str]] = words,
) -> list[float] | None:
    """`column_widths` of columns given as their texts (text, bold, whole: a text that never breaks, a number
    on the PDF's page), each cell padded by `padding` points, a text broken into the pieces `split` gives."""
    least: list[float] = []
    wanted: list[float] = []
    for texts in columns:
        pieces = [(piece, bold) for text, bold, whole in texts for piece in ([text.strip()] if whole else split(text))]
        longest_word = max((text_width(word, size, bold=bold) for word, bold in pieces), default=0.0)
        longest_text = max((text_width(text.strip(), size, bold=bold) for text, bold, _whole in texts), default=0.0)
        least.append(longest_word + padding)
        wanted.append(max(longest_text, longest_word) + padding)
    if sum(least) > available:
        return None
    if math.isinf(available):
        # No limit (a table's natural widths, asked for when nothing fits): each column as wide as it wants.
        return wanted
    if sum(wanted) <= available:
        return [width * available / sum(wanted) for width in wanted]
    spare = available - sum(least)
    more = [want - low for want, low in zip(wanted, least, strict=True)]
    return [low + spare * extra / sum(more) for low, extra in zip(least, more, strict=True)]


def _docx_table(document: Any, table: Table, available: float) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Pt
    from docx.table import _Cell

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    tbl = grid._tbl
    header = tbl.tr_lst[0]
    header.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat the header on every page
    body = [[cell.text for cell in row] for row in [*table.rows, *([table.total] if table.total else [])]]
    # The largest type at which no word breaks inside a cell; at the smallest, the columns share the page.
    size, widths = TABLE_FONT_SIZES[-1], None
    for size in TABLE_FONT_SIZES:
        widths = column_widths(table.columns, body, available, size)
        if widths is not None:
            break
    if widths is None:
        least = [max(w, 1.0) for w in column_widths(table.columns, body, float("inf"), size) or []]
        widths = [width * available / sum(least) for width in least]
    font_size = Pt(size) if size != TABLE_FONT_SIZES[0] else None

    def fill(tr: Any, texts: list[tuple[str, bool]], bold: bool = False) -> None:
        for tc, (text, numeric) in zip(tr.tc_lst, texts, strict=False):
            cell = _Cell(tc, grid)
            cell.text = text
            paragraph = cell.paragraphs[0]
            if numeric:
                paragraph.alignment = 2  # right
            for run in paragraph.runs:
                if bold:
                    run.bold = True
                if font_size is not None:
                    run.font.size = font_size

    def add_row(texts: list[tuple[str, bool]], bold: bool = False) -> None:
        tr = tbl.add_tr()
        for _column in texts:
            tr.add_tc()
        fill(tr, texts, bold)

    fill(header, [(column, False) for column in table.columns], bold=True)
    for row in table.rows:
        add_row([(cell.text, cell.numeric) for cell in row])
    if table.total:
        add_row([(cell.text, cell.numeric) for cell in table.total], bold=True)
    _docx_set_widths(grid, [Pt(width) for width in widths])


def _docx_set_widths(grid: Any, widths: list[Any]) -> None:
    """Fixed column widths: the table's grid, every cell and the table's own width (Word and LibreOffice)."""
    from docx.oxml.ns import qn

    tbl = grid._tbl
    grid.autofit = False  # w:tblLayout fixed: the widths are kept, not recomputed from the text
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = width
    for tr in tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=False):
            tc.width = width
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(width.twips for width in widths)))


def _docx_language(document: Any, tag: str) -> None:
    """The document's language on its default run properties and on every style (w:lang), for spelling and
    for screen readers."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def set_lang(rpr: Any) -> None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang.set(qn("w:val"), tag)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_lang(rpr)
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            set_lang(style.element.get_or_add_rPr())


def _docx_page_numbers(document: Any, label: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = 1  # centre
    paragraph.add_run(f"{label} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def render_docx(presentation: Presentation) -> bytes:
    """A DOCX with Word's own heading styles (the board edits it further), real tables and the charts.

    A4 pages; the language on every style; title, author, subject and dates in the core properties; every chart
    with its text alternative; the tables' columns as wide as their longest word at least.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    presentation = presentation.for_reading()
    nest_headings(presentation)
    tag, when = language_tag(), built_at()
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin = page.right_margin = Cm(1.8)
    page.top_margin, page.bottom_margin = Cm(2), Cm(2.2)
    available = (page.page_width - page.left_margin - page.right_margin) / Pt(1)
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    _docx_language(document, tag)
    properties = document.core_properties
    properties.title = presentation.title
    properties.subject = presentation.subtitle
    properties.author = properties.last_modified_by = author()
    properties.language = tag
    properties.created = properties.modified = when
    properties.revision = 1
    properties.comments = properties.keywords = ""
    _docx_page_numbers(document, _("Page"))
    for line in presentation.header:  # seed 002's lines above the title ("Pielikums ..."), as on the page
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(presentation.title, level=0)
    document.add_paragraph(presentation.subtitle)
    for section in presentation.sections:
        if section.part:  # the part this section opens, a heading of the sections' level (h2 on the page)
            document.add_heading(section.part, level=1)
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            _docx_block(document, block, available)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_block(document: Any, block: Any, available: float) -> None:
    """One block of a section in the DOCX: a heading, a paragraph and its bullets, a note, the narrative's lines,
    a list of figures, or a table with its chart (and its text alternative) above it."""
    from docx.shared import Cm

    if block.type == "heading":
        document.add_heading(block.text, level=block.level)
    elif block.type == "paragraph" and block.text:
        document.add_paragraph(block.text)
        for line in block.lines:
            document.add_paragraph(line, style="List Bullet")
    elif block.type == "note":
        document.add_paragraph(block.text, style="Intense Quote")
    elif block.type == "narrative":
        for line in block.text.splitlines() or [""]:
            if line.strip():
                document.add_paragraph(line)
    elif block.type == "figures":
        for item in block.items:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{item.label}: ")
            paragraph.add_run(item.text).bold = True
            if item.before:
                paragraph.add_run(f" ({_('a year before')} {item.before}, {item.change or '0'})")
    elif block.type == "table" and block.table is not None:
        table = block.table
        document.add_heading(table.title, level=block.level)
        if table.chart is not None:
            picture = document.add_picture(io.BytesIO(chart_image(table.chart, fmt="png", dpi=130)), width=Cm(15))
            picture._inline.docPr.set("descr", chart_description(table))
            picture._inline.docPr.set("title", table.title)
        _docx_table(document, table, available)
        document.add_paragraph(table.omitted_note if table.omitted else "")


# --- XLSX

SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Table"
    name, number = base, 2
    while name.lower() in taken:
        name = f"{base[:25]} {number}"
        number += 1
    taken.add(name.lower())
    return name


DAY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})\.?$")  # a date as the report writes it: 20.08.2024(.)
NO_VALUE = "—"


def number_format(value: int | Decimal, unit: str, *, signed: bool = False) -> str:
    """The XLSX number format that shows `value` as the report writes it: 3770, 5.63 %, 12,960,000.00 (EUR),
    3.221 (FTE), -15.5 pp; with its sign for a change. The spreadsheet's own locale chooses the separators."""
    from eduboard.reports.content import unit_text

    places = 0 if isinstance(value, int) else max(-int(value.as_tuple().exponent), 0)
    if unit == "EUR":
        places = max(places, 2)
    elif unit == "FTE":
        places = max(places, 3)
    digits = "0." + "0" * places if places else "0"
    if unit == "EUR":
        digits = "#,##" + digits
    suffix = unit_text(unit).replace('"', "") if unit in ("%", "pp") else ""
    form = f'{digits}"{suffix}"' if suffix else digits
    return f"+{form};-{form};{form}" if signed else form


def _xlsx_value(sheet: Any, text: str, raw: int | Decimal | None, *, numeric: bool) -> Any:
    """A cell's value: the number, a date, nothing for a missing number ("—"), else the text."""
    from eduboard.core.exports import xlsx_safe

    if raw is not None:
        return raw
    day = DAY.match(text.strip())
    if day:
        try:
            return date(int(day[3]), int(day[2]), int(day[1]))
        except ValueError:
            pass
    if numeric and text.strip() in ("", NO_VALUE):
        return None
    return xlsx_safe(sheet, text)


def _xlsx_formats(sheet: Any, formats: list[str | None]) -> None:
    """Number formats on the last row's cells (None: the cell's own)."""
    for cell, form in zip(sheet[sheet.max_row], formats, strict=False):
        if form is not None:
            cell.number_format = form
        elif isinstance(cell.value, date):
            cell.number_format = XLSX_DATE_FORMAT


def _figure_row(sheet: Any, section: str, item: Figure) -> tuple[list[Any], list[str | None]]:
    from eduboard.core.exports import xlsx_safe

    signed = item.key.endswith("_change")
    value = _xlsx_value(sheet, item.text, item.raw, numeric=item.key != "")
    before = _xlsx_value(sheet, item.before, item.before_raw, numeric=True)
    row = [xlsx_safe(sheet, section), xlsx_safe(sheet, item.label), value, item.unit, before, item.key]
    formats: list[str | None] = [None] * len(row)
    if item.raw is not None:
        formats[2] = number_format(item.raw, item.unit, signed=signed)
    if item.before_raw is not None:
        formats[4] = number_format(item.before_raw, item.unit)
    return row, formats


def numeric_columns(table: Table) -> list[bool]:
    """Whether each column of `table` holds numbers: some, and nothing else but missing ones ("—")."""
    rows: list[list[Cell]] = [*table.rows, *([table.total] if table.total else [])]
    cells = [[row[index] for row in rows if index < len(row)] for index in range(len(table.columns))]
    return [
        any(cell.raw is not None for cell in column)
        and all(cell.raw is not None or cell.text.strip() in ("", NO_VALUE) for cell in column)
        for column in cells
    ]


def _table_rows(sheet: Any, table: Table) -> list[tuple[list[Any], list[str | None]]]:
    rows: list[list[Cell]] = [*table.rows, *([table.total] if table.total else [])]
    numeric = numeric_columns(table)
    out = []
    for row in rows:
        values = [
            _xlsx_value(sheet, cell.text, cell.raw, numeric=index < len(numeric) and numeric[index])
            for index, cell in enumerate(row)
        ]
        formats = [number_format(cell.raw, cell.unit) if cell.raw is not None else None for cell in row]
        out.append((values, formats))
    return out


def render_xlsx(presentation: Presentation) -> bytes:
    """An XLSX: the key figures on the first sheet, then every table on its own sheet, numbers as numbers.

    Numbers, percents, amounts and dates are typed cells with number formats (5.63 stays 5.63, shown "5.63 %");
    a missing number is an empty cell. Text that looks like a formula (a name starting with "=", say) is written
    as text (core.exports). The workbook's properties hold the title, author, subject, language and dates.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from eduboard.core.exports import xlsx_safe_row

    workbook = Workbook()
    when = built_at().replace(tzinfo=None)
    properties = workbook.properties
    properties.title = presentation.title
    properties.subject = presentation.subtitle
    properties.creator = properties.lastModifiedBy = author()
    properties.language = language_tag()
    properties.created = properties.modified = when
    sheet = workbook.active
    taken: set[str] = set()
    sheet.title = _sheet_name(_("Figures"), taken)
    bold = Font(bold=True)
    sheet.append(xlsx_safe_row(sheet, [presentation.title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_safe_row(sheet, [presentation.subtitle]))
    sheet.append([])
    sheet.append(xlsx_safe_row(sheet, [_("Section"), _("Figure"), _("Value"), _("Unit"), _("A year before"), _("Key")]))
    for cell in sheet[4]:
        cell.font = bold
    for section in presentation.sections:
        for block in section.blocks:
            for item in block.items:
                row, formats = _figure_row(sheet, section.title, item)
                sheet.append(row)
                _xlsx_formats(sheet, formats)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 55
    sheet.column_dimensions["C"].width = sheet.column_dimensions["E"].width = 16
    sheet.freeze_panes = "A5"
    for table in presentation.tables():
        ws = workbook.create_sheet(_sheet_name(table.title, taken))
        ws.append(xlsx_safe_row(ws, [table.title]))
        ws["A1"].font = Font(bold=True)
        ws.append(xlsx_safe_row(ws, table.columns))
        for cell in ws[2]:
            cell.font = bold
        for values, formats in _table_rows(ws, table):
            ws.append(values)
            _xlsx_formats(ws, formats)
        if table.total:
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.column_dimensions["A"].width = 45
        for index, column in enumerate(table.columns[1:], start=2):
            ws.column_dimensions[get_column_letter(index)].width = min(max(len(column) + 2, 12), 40)
        ws.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Presentation], bytes]] = {
    "html": render_html,
    "pdf": render_pdf,
    "docx": render_docx,
    "xlsx": render_xlsx,
}


def render_report(
    content: dict[str, Any],
    narrative: dict[str, str] | None,
    *,
    fmt: str,
    language: str | None = None,
    title: str = "",
) -> bytes:
    """The report's content as a file of `fmt` in `language` (the site's default, Latvian, when None)."""
    if fmt not in RENDERERS:
        raise ValueError(f"Unknown format {fmt!r}; one of {', '.join(RENDERERS)}.")
    with translation.override(language or settings.LANGUAGE_CODE):
        return RENDERERS[fmt](present(content, narrative, title=title))
