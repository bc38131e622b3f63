"""The readiness report's files are accessible and correct documents (issue 22, point 5).

PDF: tagged (PDF/UA-1), in the report's language, with its title (document information and XMP) and bookmarks.
DOCX: the language on its styles, real core properties, a text alternative on every chart, columns as wide as
their longest word. XLSX: numbers, percents, amounts and dates as typed cells with number formats, no "—" in a
numeric column. HTML: no heading level skipped. LibreOffice opens the DOCX and the XLSX (when it is installed).
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.reports.present import Block, Cell, Chart, Presentation, Section, Table, present
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import document_html, language_tag, render_docx, render_report

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]
AS_OF = date(2024, 8, 20)
LANGUAGE = "lv"
NO_VALUE = "—"


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)


@pytest.fixture(scope="module")
def presentation(content: dict[str, Any]) -> Presentation:
    """The report as the renderers see it, in Latvian (what the files are compared with)."""
    with translation.override(LANGUAGE):
        return present(content, {})


@pytest.fixture(scope="module")
def board() -> str:
    with translation.override(LANGUAGE):
        return translation.gettext("Education board")


@pytest.fixture(scope="module")
def pdf_data(content: dict[str, Any]) -> bytes:
    return render_report(content, {}, fmt="pdf", language=LANGUAGE)


@pytest.fixture(scope="module")
def docx_data(content: dict[str, Any]) -> bytes:
    return render_report(content, {}, fmt="docx", language=LANGUAGE)


@pytest.fixture(scope="module")
def xlsx_data(content: dict[str, Any]) -> bytes:
    return render_report(content, {}, fmt="xlsx", language=LANGUAGE)


def recent(moment: datetime) -> bool:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return abs(datetime.now(UTC) - moment) < timedelta(hours=1)


# --- PDF


def test_pdf_is_tagged_pdf_ua_in_the_reports_language_with_its_title(
    pdf_data: bytes, presentation: Presentation, board: str
) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == LANGUAGE
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True  # viewers show the title, not the file name
        assert str(pdf.docinfo["/Title"]) == presentation.title
        assert str(pdf.docinfo["/Author"]) == board
        assert "/CreationDate" in pdf.docinfo
        metadata = pdf.open_metadata()
        assert metadata["dc:title"] == presentation.title
        assert board in str(metadata["dc:creator"])
        assert metadata["dc:description"] == presentation.subtitle
        assert metadata["pdfuaid:part"] == "1"
        # The structure holds headings, tables and the charts as figures with their text alternative.
        kinds: set[str] = set()
        figures: list[str] = []
        stack = [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.add(str(node.S))
                    if str(node.S) == "/Figure":
                        figures.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                if kids is not None:
                    stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD"} <= kinds
        charts = [table for table in presentation.tables() if table.chart is not None]
        assert len(figures) == len(charts) and all(figures), figures


def test_pdf_headings_are_its_bookmarks(pdf_data: bytes, presentation: Presentation) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(io.BytesIO(pdf_data)) as pdf, pdf.open_outline() as outline:
        titles: list[str] = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack[:0] = list(item.children)
    assert titles[0] == presentation.title
    for section in presentation.sections:
        assert section.title in titles, section.title
    assert presentation.tables()[0].title in titles


def test_pdfinfo_reads_the_pdf_as_tagged_when_poppler_is_installed(pdf_data: bytes, tmp_path: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("poppler-utils (pdfinfo) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_data)
    info = subprocess.run([pdfinfo, str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE), info


# --- DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_docx_has_core_properties_of_the_report(docx_data: bytes, presentation: Presentation, board: str) -> None:
    from docx import Document

    properties = Document(io.BytesIO(docx_data)).core_properties
    assert properties.title == presentation.title
    assert properties.subject == presentation.subtitle
    assert properties.author == board
    assert properties.author != "python-docx"
    assert properties.language == "lv-LV"
    assert properties.created is not None and recent(properties.created)
    assert properties.modified == properties.created


def test_docx_styles_carry_the_documents_language(docx_data: bytes) -> None:
    from docx import Document

    document = Document(io.BytesIO(docx_data))
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults is not None and defaults.get(f"{W}val") == "lv-LV"
    for name in ["Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"]:
        lang = document.styles[name].element.find(f"{W}rPr/{W}lang")
        assert lang is not None and lang.get(f"{W}val") == "lv-LV", name
    values = {lang.get(f"{W}val") for lang in document.styles.element.iter(f"{W}lang")}
    assert values == {"lv-LV"}, values


def test_every_picture_in_the_docx_has_a_text_alternative(docx_data: bytes, presentation: Presentation) -> None:
    from docx import Document

    document = Document(io.BytesIO(docx_data))
    charts = [table for table in presentation.tables() if table.chart is not None]
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(charts) >= 3
    for shape, table in zip(shapes, charts, strict=True):
        description = shape._inline.docPr.get("descr", "")
        assert description.strip(), table.title
        assert table.title in description


def test_docx_headings_skip_no_level(docx_data: bytes) -> None:
    from docx import Document

    levels = [
        0 if paragraph.style.name == "Title" else int(paragraph.style.name.split()[-1])
        for paragraph in Document(io.BytesIO(docx_data)).paragraphs
        if paragraph.style.name == "Title" or paragraph.style.name.startswith("Heading ")
    ]
    assert levels[0] == 0
    for before, level in itertools.pairwise(levels):
        assert level <= max(before, 0) + 1, levels


def measure(word: str, size: float, bold: bool) -> float:
    """The width of `word` in points in DejaVu Sans (the documents' font), measured here apart from the renderer."""
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    font = ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), 1000)
    return float(font.getlength(word)) * size / 1000


def unbreakable(text: str) -> list[str]:
    """The words of `text` (a no-break space joins), split after a hyphen inside a word, where lines may break."""
    return [part for word in re.split(r"[ \t\r\n]+", text) for part in re.split(r"(?<=\w[-–])(?=\w)", word) if part]


def test_docx_table_columns_are_as_wide_as_their_longest_word(docx_data: bytes) -> None:
    """No word breaks inside a cell (approximately: a word's width in DejaVu Sans and most of the cell margins)."""
    from docx import Document
    from docx.shared import Pt
    from docx.text.run import Run

    document = Document(io.BytesIO(docx_data))
    page = document.sections[0]
    available = (page.page_width - page.left_margin - page.right_margin) / Pt(1)
    assert document.tables
    for table in document.tables:
        tbl = table._tbl
        layout = tbl.tblPr.find(f"{W}tblLayout")
        assert layout is not None and layout.get(f"{W}type") == "fixed"
        widths = [column.w / Pt(1) for column in tbl.tblGrid.gridCol_lst]
        assert sum(widths) <= available + 1
        for row_index, tr in enumerate(tbl.tr_lst):
            for index, tc in enumerate(tr.tc_lst):
                assert tc.width is not None and abs(tc.width / Pt(1) - widths[index]) < 1
                for paragraph in tc.p_lst:
                    for r in paragraph.r_lst:
                        run = Run(r, table)
                        size = run.font.size.pt if run.font.size is not None else 10.0
                        bold = row_index == 0 or run.bold is True
                        for word in unbreakable(run.text):
                            need = measure(word, size, bold) + 8  # 11.5 pt of Word's cell margins, less a little
                            assert widths[index] >= need, (word, widths[index], need)


# --- XLSX


def numeric_columns(table: Table) -> list[int]:
    """The columns holding numbers only (or missing ones, "—"); a count in a text column's total is not one."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    return [
        index
        for index in range(len(table.columns))
        if any(row[index].raw is not None for row in rows)
        and all(row[index].raw is not None or row[index].text in ("", NO_VALUE) for row in rows)
    ]


def test_xlsx_numbers_are_typed_cells_with_number_formats(xlsx_data: bytes, presentation: Presentation) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_data))
    tables = presentation.tables()
    assert len(workbook.worksheets) == 1 + len(tables)
    checked = 0
    for sheet, table in zip(workbook.worksheets[1:], tables, strict=True):
        assert sheet["A1"].value == table.title
        columns = numeric_columns(table)
        for row in sheet.iter_rows(min_row=3):
            for index in columns:
                cell = row[index]
                assert cell.value != NO_VALUE, (table.key, cell.coordinate)
                if cell.value is None:
                    continue
                assert isinstance(cell.value, int | float), (table.key, cell.coordinate, cell.value)
                assert cell.number_format != "General", (table.key, cell.coordinate)
                checked += 1
    assert checked > 100


def _sheet_of(workbook: Any, presentation: Presentation, key: str) -> tuple[Any, Table]:
    tables = presentation.tables()
    index = next(index for index, table in enumerate(tables) if table.key == key)
    return workbook.worksheets[1 + index], tables[index]


def test_xlsx_formats_percents_amounts_fte_and_dates(xlsx_data: bytes, presentation: Presentation) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_data))
    allocations, table = _sheet_of(workbook, presentation, "general.allocations")
    first = allocations[3]
    assert [cell.unit for cell in table.rows[0]][3:6] == ["EUR", "EUR", "%"]
    assert first[3].value == float(table.rows[0][3].raw) and first[3].number_format == "#,##0.00"  # type: ignore[arg-type]
    assert first[5].value == pytest.approx(66.67) and first[5].number_format == '0.00" %"'  # 66.67 %
    vacancies, table = _sheet_of(workbook, presentation, "preschool.vacancies")
    assert vacancies.cell(row=3, column=3).number_format == "0.000"  # FTE
    missing = 0
    for sheet, table in zip(workbook.worksheets[1:], presentation.tables(), strict=True):
        for row_index, row in enumerate(table.rows):
            for index in numeric_columns(table):
                if row[index].raw is None:  # "—" on the page: an empty cell here
                    assert row[index].text == NO_VALUE
                    assert sheet.cell(row=3 + row_index, column=1 + index).value is None
                    missing += 1
    assert missing, "the exam tables have figures missing (the pilot exams' national results)"
    events, table = _sheet_of(workbook, presentation, "events.list")
    day = events["A3"]
    assert table.rows[0][0].text.startswith("17.06.2024")
    assert isinstance(day.value, datetime) and day.value.date() == date(2024, 6, 17)
    assert day.is_date and day.number_format == "DD.MM.YYYY"


def test_xlsx_figures_sheet_has_values_and_the_year_before_as_numbers(
    xlsx_data: bytes, presentation: Presentation, board: str
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_data))
    sheet = workbook["Figures"] if "Figures" in workbook.sheetnames else workbook.worksheets[0]
    rows = {row[5].value: row for row in sheet.iter_rows(min_row=5) if row[5].value}
    figures = {item.key: item for section in presentation.sections for block in section.blocks for item in block.items}
    with_before = [key for key, item in figures.items() if key and item.before_raw is not None]
    assert with_before
    for key in with_before:
        value, before = rows[key][2], rows[key][4]
        assert isinstance(before.value, int | float) and before.number_format != "General", key
        assert isinstance(value.value, int | float) and value.number_format != "General", key
    changes = [key for key in rows if str(key).endswith("_change") and figures[key].raw is not None]
    assert changes and rows[changes[0]][2].number_format.startswith("+")
    for row in rows.values():
        assert row[2].value != NO_VALUE and row[4].value != NO_VALUE
    properties = workbook.properties
    assert properties.title == presentation.title
    assert properties.creator == board
    assert properties.language == "lv-LV"


# --- seed 002's section II in every format (its figures: tests/reports/test_readiness_figures.py)


def test_section_ii_resources_has_seed_002_devices_in_every_format(
    pdf_data: bytes, docx_data: bytes, xlsx_data: bytes
) -> None:
    """Seed 002, section II: 39 interactive screens (EU project) and 2124 Chromebooks (recovery plan), in the PDF,
    the DOCX and the XLSX of the report in Latvian."""
    pdfminer = pytest.importorskip("pdfminer.high_level")
    text = pdfminer.extract_text(io.BytesIO(pdf_data))
    assert "Interaktīvie ekrāni" in text
    for figure in ["39", "2124"]:
        assert figure in text, figure
    from docx import Document

    document = Document(io.BytesIO(docx_data))
    words = "\n".join(p.text for p in document.paragraphs)
    words += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for figure in ["39", "2124"]:
        assert figure in words, figure
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_data))
    sheet = {row[5]: row[2] for row in workbook.worksheets[0].iter_rows(min_row=5, values_only=True)}
    assert sheet["resources.interactive_screens"] == 39 and sheet["resources.chromebooks"] == 2124


# --- HTML


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(html: str) -> list[int]:
    parser = Headings()
    parser.feed(html)
    return parser.levels


def assert_no_level_skipped(levels: list[int]) -> None:
    assert levels and levels[0] == 1, levels
    for before, level in itertools.pairwise(levels):
        assert level <= before + 1, levels


def test_html_file_skips_no_heading_level_and_names_its_language(content: dict[str, Any]) -> None:
    html = render_report(content, {}, fmt="html", language="ru").decode()
    assert '<html lang="ru">' in html
    assert_no_level_skipped(heading_levels(html))


def synthetic() -> Presentation:
    """A report whose tables follow its section titles directly and whose headings jump from level 2 to 4
    (as the self-assessment's do): the levels are mended, never skipped."""

    def table(key: str, chart: bool = False) -> Block:
        rows = [[Cell("Daugavpils Valstspilsētas vidusskola"), Cell("5,63 %", None, "%")]]
        return Block(
            "table",
            table=Table(
                key,
                f"Tabula {key}",
                ["Iestāde", "Daļa"],
                rows,
                chart=Chart(f"chart-{key}", f"Tabula {key}", ["a"], [("Daļa", [5.63])]) if chart else None,
            ),
        )

    return Presentation(
        title="Pašvērtējums",
        subtitle="Dati uz 20.08.2024",
        as_of="20.08.2024",
        school_year="2024/2025",
        sections=[
            Section("a", 1, "I. Vispārīgi", [table("a1", chart=True), Block("heading", text="Joma", level=2)]),
            Section(
                "b",
                2,
                "II. Kvalitāte",
                [
                    Block("heading", text="Kritērijs", level=3),
                    Block("heading", text="Stiprās puses", level=4),
                    table("b1"),
                    Block("heading", text="Joma", level=2),
                    table("b2"),
                ],
            ),
        ],
    )


def test_headings_of_any_report_skip_no_level_in_html_and_docx() -> None:
    with translation.override(LANGUAGE):
        assert_no_level_skipped(heading_levels(document_html(synthetic(), for_print=False)))
        from docx import Document

        document = Document(io.BytesIO(render_docx(synthetic())))
    levels = [int(p.style.name.split()[-1]) + 1 for p in document.paragraphs if p.style.name.startswith("Heading ")]
    assert_no_level_skipped([1, *levels])
    assert document.inline_shapes[0]._inline.docPr.get("descr")


@pytest.mark.parametrize(("language", "tag"), [("lv", "lv-LV"), ("en", "en-GB"), ("ru", "ru-RU"), ("de-at", "de-AT")])
def test_language_tags(language: str, tag: str) -> None:
    assert language_tag(language) == tag


# --- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_libreoffice_opens_the_file_and_writes_it_as_pdf(
    fmt: str, docx_data: bytes, xlsx_data: bytes, tmp_path: Path
) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/system-deps.sh installs it when CI=true")
    source = tmp_path / f"report.{fmt}"
    source.write_bytes(docx_data if fmt == "docx" else xlsx_data)
    subprocess.run(  # noqa: S603 - our own file, a fixed program
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    converted = tmp_path / "out" / "report.pdf"
    assert converted.exists() and converted.stat().st_size > 0
    assert converted.read_bytes().startswith(b"%PDF")
