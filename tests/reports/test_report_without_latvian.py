"""An English or a Russian readiness report has no Latvian text but the proper names (issue 40, point 3): what the
report describes (positions, subjects, funding sources, criteria, survey questions, the board's notes) is kept in
three languages and one built edition is written in each; the names of institutions, municipalities, people and
other bodies stay as registered, and the board and the council are named in the report's language (settings)."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from docx import Document
from openpyxl import load_workbook

from eduboard.core.scope import WHOLE_CITY
from eduboard.interest.models import FestivalParticipation
from eduboard.people.models import StaffMember
from eduboard.projects.models import Partner, Project
from eduboard.registry.boards import NAME_SETTINGS
from eduboard.registry.models import Institution, Municipality
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import render_report

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

AS_OF = date(2024, 8, 20)
#: The areas' own dates, as the board builds seed 002's report (`build_report readiness --general-as-of …`).
DATES = {"general": date(2024, 8, 19), "staff": date(2024, 8, 19), "money": date(2024, 8, 14)}
#: Letters Latvian has and English and Russian do not.
LATVIAN_ONLY = re.compile("[āčēģīķļņšūž]", re.IGNORECASE)


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    """One edition's content, built once (and rendered below in each language)."""
    with django_db_blocker.unblock():
        return build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)


@pytest.fixture(scope="module")
def proper_names(demo: None, django_db_blocker: Any) -> list[str]:
    """Every name the data registers, which stays as registered in every language: the institutions' names (and
    their Latvian cases) and short names, the municipalities, the staff, the projects' partners and coordinators,
    the other bodies at a festival, and the board and the council in Latvian. Longest first, so that a name is
    taken out before a shorter name inside it."""
    with django_db_blocker.unblock():
        names: set[str] = set()
        for row in Institution.objects.values_list(
            "name", "short_name", "name_genitive", "name_dative", "name_locative"
        ):
            names |= set(row)
        names |= set(Municipality.objects.values_list("name", flat=True))
        names |= {f"{first} {last}" for first, last in StaffMember.objects.values_list("first_name", "last_name")}
        names |= set(Partner.objects.values_list("organisation", flat=True))
        names |= set(Project.objects.values_list("coordinator", flat=True))
        names |= set(FestivalParticipation.objects.values_list("body", flat=True))
    names |= {str(getattr(settings, setting)) for setting in NAME_SETTINGS.values()}
    return sorted((name for name in names if name), key=len, reverse=True)


class _Texts(HTMLParser):
    """The text nodes of an HTML page (not its style or scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skipping += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data.strip())


def html_texts(data: bytes) -> list[str]:
    parser = _Texts()
    parser.feed(data.decode())
    return parser.texts


def docx_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def xlsx_texts(data: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(data))
    texts = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        texts += [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    return texts


TEXTS = {"html": html_texts, "docx": docx_texts, "xlsx": xlsx_texts}


def latvian_texts(texts: list[str], proper_names: list[str]) -> list[str]:
    """The texts that still have a Latvian letter once the proper names are taken out of them."""
    found = set()
    for text in texts:
        rest = text.replace("\u00a0", " ")
        for name in proper_names:
            rest = rest.replace(name, " ")
        if LATVIAN_ONLY.search(rest):
            found.add(text)
    return sorted(found)


@pytest.mark.parametrize("fmt", list(TEXTS))
@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_english_or_russian_report_has_no_latvian_text_but_the_proper_names(
    content: dict[str, Any], proper_names: list[str], language: str, fmt: str
) -> None:
    texts = TEXTS[fmt](render_report(content, {}, fmt=fmt, language=language))
    left = latvian_texts(texts, proper_names)
    for text in left:
        print(f"{language} {fmt}: {text}")
    assert left == [], f"{len(left)} texts in Latvian in the {language} {fmt}, e.g. {left[:3]}"


def test_the_board_and_the_council_are_named_in_the_reports_language(content: dict[str, Any]) -> None:
    english = html_texts(render_report(content, {}, fmt="html", language="en"))
    russian = html_texts(render_report(content, {}, fmt="html", language="ru"))
    assert f"to the decision of {settings.COUNCIL_NAME_EN}" in english
    assert any(settings.BOARD_NAME_EN in text for text in english)
    assert any(settings.COUNCIL_NAME_GENITIVE_RU in text for text in russian)
    assert any(settings.BOARD_NAME_RU in text or settings.BOARD_NAME_GENITIVE_RU in text for text in russian)
