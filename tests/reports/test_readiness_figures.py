"""On the demonstration data the readiness report holds seed 002's figures, in every format and language."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.demo import ALL_PRESCHOOLS
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import render_report
from eduboard.reports.selectors import flatten_figures

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 8, 20)


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)


_files: dict[tuple[int, str, str], bytes] = {}


def report_file(content: dict[str, Any], fmt: str, language: str) -> bytes:
    """The report's file in a format and language, without texts: made once per module (a DOCX or XLSX is read by
    two tests here when LibreOffice is installed, as in CI)."""
    key = (id(content), fmt, language)
    if key not in _files:
        _files[key] = render_report(content, {}, fmt=fmt, language=language)
    return _files[key]


def values(content: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.value for key, entry in flatten_figures(content).items()}


def test_report_describes_school_year_2024_2025_as_of_20_august(content: dict[str, Any]) -> None:
    assert content["school_year"] == "2024/2025"
    assert content["as_of"] == "2024-08-20"
    assert [section["key"] for section in content["sections"]][:3] == ["preschool", "general", "interest"]


def test_the_reports_registry_figures_equal_registry_stats(demo: None) -> None:
    """The report passes the groups it has read to `registry_stats`: the figures are the same as without, over the
    board's own institutions (`boards_own_viewer`)."""
    from eduboard.registry.board_scope import boards_own_viewer
    from eduboard.registry.selectors import registry_stats
    from eduboard.reports.readiness import BuildContext

    assert BuildContext(as_of=AS_OF, visible_to=WHOLE_CITY).registry == registry_stats(
        as_of=AS_OF, visible_to=boards_own_viewer(WHOLE_CITY)
    )


def test_preschool_section_has_seed_002_figures(content: dict[str, Any]) -> None:
    figures = values(content)
    assert figures["preschool.institutions"] == 9
    assert figures["preschool.groups_in_preschools"] == 111
    assert figures["preschool.children"] == 3770
    assert figures["preschool.children_change"] == -538
    assert figures["preschool.groups"] == 206
    assert figures["preschool.groups_change"] == -12
    assert figures["preschool.free_in_preschools"] == 65
    assert figures["preschool.free_in_schools"] == 83
    assert figures["preschool.free_total"] == 148
    assert figures["preschool.queue"] == 0
    assert figures["preschool.pedagogues_in_preschools"] == 257
    assert figures["preschool.pedagogues_in_preschools_several"] == 13
    assert figures["preschool.pedagogues_in_schools"] == 237
    assert figures["preschool.pedagogues_in_schools_several"] == 6
    assert figures["preschool.pedagogues"] == 494


def test_general_section_has_seed_002_figures(content: dict[str, Any]) -> None:
    figures = values(content)
    assert figures["general.pupils"] == 8819
    assert figures["general.pupils_change"] == -414
    assert figures["general.first_graders"] == 859
    assert figures["general.first_graders_change"] == -27
    assert figures["general.grade10"] == 564
    assert figures["general.grade10_change"] == 61
    assert figures["general.schools"] == 11
    assert figures["general.pedagogues"] == 831
    assert figures["general.pedagogues_several"] == 54
    assert figures["general.pedagogues_vocational"] == 60


def test_interest_and_settlement_sections_have_seed_002_figures(content: dict[str, Any]) -> None:
    figures = values(content)
    assert figures["interest.pedagogues"] == 62
    assert figures["settlements.incoming"] == 800
    assert figures["settlements.outgoing"] == 684
    by_level = {key.split("/")[1]: value for key, value in figures.items() if key.startswith("settlements.learners/")}
    assert by_level["Preschool"] == 280 or figures["settlements.learners/Preschool/From other municipalities"] == 280
    assert figures["settlements.learners/Basic/From other municipalities"] == 362
    assert figures["settlements.learners/Secondary/From other municipalities"] == 158
    assert figures["settlements.learners/Preschool/Learning elsewhere"] == 116
    assert figures["settlements.learners/Basic/Learning elsewhere"] == 408
    assert figures["settlements.learners/Secondary/Learning elsewhere"] == 160


def test_finance_figures_of_seed_002(content: dict[str, Any]) -> None:
    figures = values(content)
    used = {key: value for key, value in figures.items() if key.endswith("/Used")}
    assert "5.63" in used.values() and "24.51" in used.values()  # preschools: state, municipal teaching aids
    assert "49.61" in used.values() and "34.33" in used.values()  # schools
    assert (
        figures[f"preschool.allocations/{ALL_PRESCHOOLS}|Teaching aids and materials|Valsts budžets/Allocated"]
        == "61716.00"
    )
    assert (
        figures[f"preschool.allocations/{ALL_PRESCHOOLS}|Teaching aids and materials|Valsts budžets/Spent"] == "3474.93"
    )
    assert figures["preschool.cost_per_learner/Preschool, day group/Approved"] == "300.18"
    assert figures["preschool.cost_per_learner/Preschool, 24-hour group/Approved"] == "474.09"
    assert figures["general.cost_per_learner/General education/Approved"] == "93.24"
    assert figures["interest.cost_per_learner/Interest education/Approved"] == "24.23"
    assert figures["settlements.expenses"] == "517142.88"
    assert figures["settlements.income"] == "697246.87"


def test_meal_rules_of_seed_002(content: dict[str, Any]) -> None:
    figures = values(content)
    meals = {key: value for key, value in figures.items() if key.startswith("general.meal_rules/")}
    assert "3.090" in meals.values() or "3.09" in meals.values()
    assert "1.545" in meals.values()


def test_quality_figures_of_seed_002(content: dict[str, Any]) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    figures = values(content)
    assert figures["quality.lessons_internal"] == 1561
    assert figures["quality.lessons_external"] == 186  # 182 lessons + 4 sports-school sessions
    criteria = {
        key: value for key, value in figures.items() if key.startswith("quality.criteria/") and "/Meeting" in key
    }
    whole = sorted(int(Decimal(v).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for v in criteria.values())
    for seed in (76, 72, 65, 74, 82, 94, 78, 30, 25, 22, 28, 44, 40):
        assert seed in whole, seed
    basic = {key: value for key, value in figures.items() if key.startswith("quality.exams.ce_basic.all/")}
    assert basic["quality.exams.ce_basic.all/Matemātika/City"] == "42.3"
    assert basic["quality.exams.ce_basic.all/Matemātika/Nation"] == "43.2"


def test_preschool_vacancies_of_seed_002_with_their_fte(content: dict[str, Any]) -> None:
    figures = values(content)
    assert figures["preschool.vacancies/Total/FTE rate"] == "3.721"  # 3.221 + 0.5 (seed: logopēds 0,5; skolotājs 3,221)


def test_content_is_json_and_holds_no_float(content: dict[str, Any]) -> None:
    import json

    def walk(value: Any) -> None:
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(content)
    assert json.loads(json.dumps(content)) == content


SEED_FIGURES_LV = ["3770", "206", "148", "8819", "859", "564", "494", "831", "54", "800", "684", "-538", "+61"]


def test_html_file_shows_the_figures_in_latvian_by_default(content: dict[str, Any]) -> None:
    html = render_report(content, {"challenges.text": "Vienotās skolas modelis."}, fmt="html").decode()
    assert '<html lang="lv">' in html
    for figure in SEED_FIGURES_LV:
        assert f">{figure}<" in html or f"<strong>{figure}</strong>" in html, figure
    assert "Vienotās skolas modelis." in html
    assert "data:image/svg+xml;base64," in html  # charts


def test_languages_translate_the_labels_and_keep_the_figures(content: dict[str, Any]) -> None:
    for language in ("lv", "en", "ru"):
        html = render_report(content, {}, fmt="html", language=language).decode()
        with translation.override(language):
            preschool = translation.gettext("Preschool")
        assert f'<html lang="{language}">' in html
        assert preschool in html
        assert "<strong>3770</strong>" in html and "<strong>8819</strong>" in html


def pdf_text(data: bytes) -> str:
    pdfminer = pytest.importorskip("pdfminer.high_level")
    return pdfminer.extract_text(io.BytesIO(data))


def test_pdf_reads_back_with_seed_002_figures_headings_and_page_numbers(content: dict[str, Any]) -> None:
    data = render_report(content, {"quality.priorities": "Lasītprasmes veicināšana."}, fmt="pdf", language="en")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for figure in ["3770", "206", "148", "8819", "859", "564", "494", "831", "54", "800", "684", "5.63 %",
                   "49.61 %", "1561", "75.81 %", "\n76 %", "517,142.88 EUR", "697,246.87 EUR"]:  # fmt: skip
        assert figure in text, figure
    assert "Preschool education" in text and "Inter-municipal settlements" in text
    assert "Page 1 /" in text and "Page 2 /" in text
    assert "Lasītprasmes veicināšana." in text
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    outline = [entry[1] for entry in PDFDocument(PDFParser(io.BytesIO(data))).get_outlines()]
    # headings become the PDF's bookmarks, numbered as seed 002 numbers them (part I, then IV for the settlements)
    assert "I. General information on education institutions" in outline
    assert "Preschool education" in outline
    assert "IV. Inter-municipal settlements" in outline


def docx_document(data: bytes) -> Any:
    from docx import Document

    return Document(io.BytesIO(data))


def test_docx_has_word_headings_and_tables_that_read_back_with_seed_figures(content: dict[str, Any]) -> None:
    document = docx_document(report_file(content, "docx", "en"))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Heading 1", "I. General information on education institutions") in headings
    assert any(text == "Preschool education" for _style, text in headings)
    assert ("Heading 1", "IV. Inter-municipal settlements") in headings
    assert any(style == "Heading 2" for style, _text in headings)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for figure in ["3770", "206", "148", "8819", "800", "684", "280", "362", "158", "116", "408", "160"]:
        assert figure in cells, figure
    settlements = next(t for t in document.tables if t.rows[0].cells[0].text == "Level" and len(t.columns) == 3)
    assert [cell.text for cell in settlements.rows[-1].cells] == ["Total", "800", "684"]
    assert len(document.inline_shapes) >= 3  # the charts
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Pedagogues in preschool programmes in all: 494" in text


def test_xlsx_puts_every_table_on_its_own_sheet_with_numbers_as_numbers(content: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(report_file(content, "xlsx", "en")))
    tables = [  # an empty table is said in a sentence or left out, in the XLSX too
        block
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "table" and block["rows"]
    ]
    assert len(workbook.sheetnames) == 1 + len(tables)
    figures = {row[5]: row[2] for row in workbook["Figures"].iter_rows(min_row=5, values_only=True)}
    assert figures["preschool.children"] == 3770
    assert figures["general.pupils"] == 8819
    settlements = next(ws for ws in workbook.worksheets if ws["A1"].value == "Learners between municipalities by level")
    assert settlements.title == "Learners between municipalit"  # 31 characters at most
    assert next(settlements.iter_rows(min_row=settlements.max_row, values_only=True)) == ("Total", 800, 684)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
def test_build_report_command_writes_each_format(demo: None, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"readiness.{fmt}"
    call_command(
        "build_report", "readiness", "--year", "2024/2025", "--as-of", "2024-08-20", "--format", fmt, "--out",
        str(out), stderr=io.StringIO(),
    )  # fmt: skip
    data = out.read_bytes()
    assert data[:4] in (b"%PDF", b"PK\x03\x04", b"<!DO")


def test_build_report_refuses_a_date_of_another_school_year(demo: None, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2024/2025"):
        call_command(
            "build_report", "readiness", "--year", "2023/2024", "--as-of", "2024-08-20", "--format", "html",
            "--out", str(tmp_path / "x.html"),
        )  # fmt: skip


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_docx_and_xlsx_open_in_libreoffice(content: dict[str, Any], tmp_path: Path) -> None:
    for fmt, target in (("docx", "pdf"), ("xlsx", "csv")):
        source = tmp_path / f"report.{fmt}"
        source.write_bytes(report_file(content, fmt, "en"))
        subprocess.run(  # noqa: S603 - our own file, a fixed program
            [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", target,
             "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        converted = tmp_path / f"report.{target}"
        assert converted.exists() and converted.stat().st_size > 0
    assert "3770" in pdf_text((tmp_path / "report.pdf").read_bytes())


def test_section_ii_resources_has_seed_002_devices(content: dict[str, Any]) -> None:
    """Seed 002, section II: 39 interactive screens (EU project) and 2124 Chromebooks (recovery plan), from assets.
    The PDF, the DOCX and the XLSX show them too: tests/reports/test_document_access.py reads them in the files it
    makes of this same report (rendering them is most of the time either test takes)."""
    figures = values(content)
    assert figures["resources.interactive_screens"] == 39
    assert figures["resources.chromebooks"] == 2124
    from eduboard.assets.selectors import assets_stats

    # The demonstration loans begin on 2 September 2024: none is open on the report's date, many a month later.
    on_the_day = assets_stats(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert figures["resources.lent_to_learners"] == on_the_day["on_loan_to_learners"] == 0
    assert 0 < assets_stats(as_of=date(2024, 10, 1), visible_to=WHOLE_CITY)["on_loan_to_learners"] <= 2124
    assert "resources" in [section["key"] for section in content["sections"]]


def _table(content: dict[str, Any], key: str) -> dict[str, Any]:
    return next(
        block
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "table" and block.get("key") == key
    )


def test_project_activities_show_seed_002s_erasmus_funding_ka220_cerv_and_the_devices_projects(
    content: dict[str, Any],
) -> None:
    """Seed 002: Erasmus+ funding above EUR 4 million since 2014, the KA220-VET project of EUR 250,000, the CERV
    project with 35 people from 7 countries, eTwinning in preschools; section II names the projects that paid for
    the 39 screens and the 2124 Chromebooks."""
    from decimal import Decimal

    figures = values(content)
    assert Decimal(str(figures["general.erasmus_grant_total"])) > Decimal("4000000")
    assert figures["preschool.etwinning_institutions"] == 2
    current = _table(content, "general.current_projects")
    rows = {str(row[0]): row for row in current["rows"]}
    ka220 = next(row for reference, row in rows.items() if "KA220" in reference)
    assert Decimal(str(ka220[4])) == Decimal("250000.00")
    assert (rows["101138336"][5], rows["101138336"][6]) == (35, 7)
    devices = {(str(row[0]), row[3]) for row in _table(content, "resources.devices_by_project")["rows"]}
    assert devices == {("8.3.2.2/16/I/001", 39), ("2.3.2.3.i", 2124)}
