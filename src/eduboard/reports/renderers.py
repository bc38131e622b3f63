"""The report as a file: a self-contained HTML page, a PDF (WeasyPrint), a DOCX (python-docx), an XLSX (openpyxl).

All four read one `Presentation`, so every figure reads the same in each. Tables of the DOCX are built
row by row on the XML (never through `Table.cells` or `Table.cell()`, which are quadratic).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from eduboard.reports.charts import chart_data_uri, chart_image
from eduboard.reports.present import Presentation, Table, present

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Progress = Callable[[str], None]


def document_html(presentation: Presentation, *, for_print: bool) -> str:
    """The report as one self-contained HTML document, charts as SVG images."""
    for table in presentation.tables():
        if table.chart is not None and not table.chart.image:
            table.chart.image = chart_data_uri(table.chart)
    return render_to_string(
        "reports/report_document.html",
        {"report": presentation, "for_print": for_print, "document": True, "LANGUAGE_CODE": translation.get_language()},
    )


def render_html(presentation: Presentation) -> bytes:
    return document_html(presentation, for_print=False).encode("utf-8")


def render_pdf(presentation: Presentation) -> bytes:
    """A PDF with headings (and bookmarks), page numbers in the footer, and tables that repeat their header."""
    from weasyprint import HTML

    return HTML(string=document_html(presentation, for_print=True), base_url=str(settings.BASE_DIR)).write_pdf()


def _docx_table(document: Any, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    tbl = grid._tbl
    header = tbl.tr_lst[0]
    header.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat the header on every page

    def fill(tr: Any, texts: list[tuple[str, bool]], bold: bool = False) -> None:
        for tc, (text, numeric) in zip(tr.tc_lst, texts, strict=False):
            cell = _Cell(tc, grid)
            cell.text = text
            paragraph = cell.paragraphs[0]
            if numeric:
                paragraph.alignment = 2  # right
            if bold:
                for run in paragraph.runs:
                    run.bold = True

    def add_row(texts: list[tuple[str, bool]], bold: bool = False) -> None:
        tr = tbl.add_tr()
        for _column in texts:
            tc = tr.add_tc()
            tc.get_or_add_tcPr()
        fill(tr, texts, bold)

    fill(header, [(column, False) for column in table.columns], bold=True)
    for row in table.rows:
        add_row([(cell.text, cell.numeric) for cell in row])
    if table.total:
        add_row([(cell.text, cell.numeric) for cell in table.total], bold=True)
    tbl.tblPr.append(OxmlElement("w:tblLayout"))
    tbl.tblPr[-1].set(qn("w:type"), "autofit")


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
    """A DOCX with Word's own heading styles (the board edits it further), real tables and the charts."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    document.core_properties.title = presentation.title
    document.core_properties.language = translation.get_language() or ""
    _docx_page_numbers(document, _("Page"))
    document.add_heading(presentation.title, level=0)
    document.add_paragraph(presentation.subtitle)
    for section in presentation.sections:
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            if block.type == "heading":
                document.add_heading(block.text, level=block.level)
            elif block.type == "paragraph" and block.text:
                document.add_paragraph(block.text)
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
                document.add_heading(table.title, level=3)
                if table.chart is not None:
                    document.add_picture(io.BytesIO(chart_image(table.chart, fmt="png", dpi=130)), width=Cm(15))
                _docx_table(document, table)
                document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Table"
    name, number = base, 2
    while name.lower() in taken:
        name = f"{base[:25]} {number}"
        number += 1
    taken.add(name.lower())
    return name


def render_xlsx(presentation: Presentation) -> bytes:
    """An XLSX: the key figures on the first sheet, then every table on its own sheet, numbers as numbers.

    Text that looks like a formula (a name starting with "=", say) is written as text (core.exports).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from eduboard.core.exports import xlsx_safe_row

    workbook = Workbook()
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
                value: Any = item.raw if item.raw is not None else item.text
                sheet.append(xlsx_safe_row(sheet, [section.title, item.label, value, item.unit, item.before, item.key]))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 55
    for table in presentation.tables():
        ws = workbook.create_sheet(_sheet_name(table.title, taken))
        ws.append(xlsx_safe_row(ws, [table.title]))
        ws["A1"].font = Font(bold=True)
        ws.append(xlsx_safe_row(ws, table.columns))
        for cell in ws[2]:
            cell.font = bold
        for row in [*table.rows, *([table.total] if table.total else [])]:
            ws.append(xlsx_safe_row(ws, [cell.raw if cell.raw is not None else cell.text for cell in row]))
        if table.total:
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.column_dimensions["A"].width = 45
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
