"""A country's report lists thousands of rows: its PDF and DOCX show each table's first rows with a note, its XLSX
and its page every row; a city's tables are far shorter and are shown whole everywhere."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from docx import Document
from openpyxl import load_workbook

from eduboard.reports.present import DOCUMENT_ROWS
from eduboard.reports.readiness import table
from eduboard.reports.renderers import render_report

pytestmark = pytest.mark.one_database

ROWS = 130


def content(rows: int) -> dict[str, Any]:
    block = table(
        "preschool.groups_by_institution",
        {"t": "Preschool groups by institution"},
        [{"t": "Institution"}, {"t": "Groups"}],
        [[f"Iestāde {number:03d}", number] for number in range(1, rows + 1)],
        total=[{"t": "Total"}, sum(range(1, rows + 1))],
        chart=[1],
    )
    return {
        "kind": "readiness",
        "as_of": "2024-08-20",
        "school_year": "2024/2025",
        "sections": [{"key": "preschool", "title": {"t": "Preschool education"}, "numeral": "I", "blocks": [block]}],
    }


def pdf_text(data: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        found = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return found.stdout


def test_the_docx_shows_the_first_rows_the_total_of_all_and_says_where_the_rest_are() -> None:
    document = Document(io.BytesIO(render_report(content(ROWS), {}, fmt="docx", language="en")))
    grid = document.tables[0]
    body = [row.cells[0].text for row in grid.rows[1:-1]]
    assert len(body) == DOCUMENT_ROWS
    assert body[0] == "Iestāde 001" and body[-1] == f"Iestāde {DOCUMENT_ROWS:03d}"
    assert grid.rows[-1].cells[1].text.replace(",", "") == str(sum(range(1, ROWS + 1)))  # the total of all rows
    notes = [p.text for p in document.paragraphs if "rows" in p.text]
    assert notes == [f"The first {DOCUMENT_ROWS} of {ROWS} rows; the XLSX file and the report's page list them all."]


def test_the_xlsx_and_the_html_keep_every_row() -> None:
    book = load_workbook(io.BytesIO(render_report(content(ROWS), {}, fmt="xlsx", language="en")))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert f"Iestāde {ROWS:03d}" in values
    html = render_report(content(ROWS), {}, fmt="html", language="en").decode()
    assert f"Iestāde {ROWS:03d}" in html
    assert "The first" not in html


def test_the_pdf_shows_the_first_rows_and_the_note() -> None:
    data = render_report(content(ROWS), {}, fmt="pdf", language="en")
    assert len(pikepdf.open(io.BytesIO(data)).pages) >= 1
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: scripts/system-deps.sh installs it when CI=true")
    text = pdf_text(data)
    assert f"Iestāde {DOCUMENT_ROWS:03d}" in text
    assert f"Iestāde {DOCUMENT_ROWS + 1:03d}" not in text
    assert f"The first {DOCUMENT_ROWS} of {ROWS} rows" in text


def test_a_table_as_long_as_the_limit_is_shown_whole_without_a_note() -> None:
    document = Document(io.BytesIO(render_report(content(DOCUMENT_ROWS), {}, fmt="docx", language="en")))
    assert len(document.tables[0].rows) == DOCUMENT_ROWS + 2  # header, rows, total
    assert not [p.text for p in document.paragraphs if "rows;" in p.text]
