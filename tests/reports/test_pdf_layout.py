"""The PDF's tables and charts as WeasyPrint lays them out (issue 40, point 5: the PDF builds in at most 3 times
its HTML's time, with every figure, table and chart it had).

The columns of the PDF's tables are measured before WeasyPrint lays them out (`renderers.print_column_widths`):
every word of a cell still stands whole inside it; a table whose words cannot fit the page is left to WeasyPrint's
own measuring. Every chart is drawn, its labels as text. Times are measured by bench/bench_report.py, not here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.reports.charts import chart_image
from eduboard.reports.present import Block, Cell, Chart, Presentation, Section, Table, present
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import print_column_widths, print_document, print_presentation, render_report

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]
AS_OF = date(2024, 8, 20)


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)


def descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from descendants(child)


def overflowing_words(document: Any) -> list[str]:
    """The pieces of text that run past the right edge of their table cell, on every page (WeasyPrint's boxes:
    a page's are its `_page_box`'s descendants)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        for cell in descendants(page._page_box):
            if not isinstance(cell, boxes.TableCellBox):
                continue
            edge = cell.content_box_x() + cell.width
            found += [
                text.text
                for text in descendants(cell)
                if isinstance(text, boxes.TextBox) and text.position_x + text.width > edge + 0.01
            ]
    return found


@pytest.mark.parametrize("language", ["lv", "en", "ru"])
def test_every_word_of_the_pdfs_tables_stands_whole_inside_its_cell(content: dict[str, Any], language: str) -> None:
    """Seed 002's project codes (DEMO-2024-1-LV01-KA220-VET) break only where WeasyPrint breaks them."""
    with translation.override(language):
        presentation = present(content, {})
        printed, _charts = print_presentation(presentation.for_reading())
        document = print_document(presentation)
    tables = printed.tables()
    measured = [table for table in tables if table.widths]
    assert len(measured) >= len(tables) - 1, [table.key for table in tables if not table.widths]
    for table in measured:
        assert len(table.widths) == len(table.columns)
        assert abs(sum(float(width) for width in table.widths) - 100) < 0.01
    assert overflowing_words(document) == []


def test_every_chart_is_drawn_in_the_pdf_as_an_svg_image(content: dict[str, Any]) -> None:
    from weasyprint.formatting_structure import boxes
    from weasyprint.images import SVGImage

    with translation.override("lv"):
        presentation = present(content, {})
        document = print_document(presentation)
    images = [
        box.replacement
        for page in document.pages
        for box in descendants(page._page_box)
        if isinstance(box, boxes.ReplacedBox)
    ]
    charts = [table for table in presentation.tables() if table.chart is not None]
    assert len(charts) >= 3
    assert len(images) == len(charts) and all(isinstance(image, SVGImage) for image in images)


def test_a_chart_keeps_its_labels_as_text() -> None:
    """Searchable and read aloud in the HTML file and the PDF, instead of one path per letter."""
    chart = Chart(
        "chart-a", "Grupas", ["Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestāde"], [("Grupas", [12])]
    )
    svg = chart_image(chart, fmt="svg").decode()
    assert ">Daugavpils Ķīmijas apkaimes</text>" in svg and ">pirmsskolas izglītības iestāde</text>" in svg
    assert 'id="DejaVuSans-' not in svg  # no letter drawn as a path of the font's glyph


def wide_table() -> Presentation:
    """A table of 30 columns whose words cannot all fit on an A4 page."""
    columns = [f"Nepārtraukta{index}Kolonnasvirsraksts" for index in range(30)]
    table = Table("wide", "Plata tabula", columns, [[Cell(f"Vērtība{index}") for index in range(30)]])
    return Presentation(
        title="Tabula",
        subtitle="Skaitļi uz 20.08.2024.",
        as_of="20.08.2024.",
        school_year="2024./2025.",
        sections=[Section("a", 1, "I. Vispārīgi", [Block("table", table=table)])],
    )


def test_a_table_too_wide_for_the_page_is_left_to_weasyprints_own_measuring() -> None:
    pdfminer = pytest.importorskip("pdfminer.high_level")
    presentation = wide_table()
    assert print_column_widths(presentation.tables()[0]) == []
    from eduboard.reports.renderers import render_pdf

    with translation.override("lv"):
        data = render_pdf(presentation)
    text = pdfminer.extract_text(io.BytesIO(data)).replace("\n", "")
    assert "Vērtība29" in text


def test_the_pdf_of_the_demonstration_report_reads_back_its_tables_figures(content: dict[str, Any]) -> None:
    """Every figure of every table the PDF shows is in its text (pdfminer), whatever the columns' widths."""
    pdfminer = pytest.importorskip("pdfminer.high_level")
    data = render_report(content, {}, fmt="pdf", language="lv")
    text = "".join(pdfminer.extract_text(io.BytesIO(data)).split())
    with translation.override("lv"):
        presentation = present(content, {}).for_reading()
    for table in presentation.tables():
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for cell in row:
                if cell.numeric:
                    assert "".join(cell.text.split()) in text, (table.key, cell.text)
