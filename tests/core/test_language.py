"""Latvian first; English and Russian on request; every string translated."""

from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_are_latvian_by_default_whatever_the_browser_asks() -> None:
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "lv"
    assert "Pieteikties" in response.content.decode()
    assert '<html lang="lv">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "sign_in"), [("en", "Sign in"), ("ru", "Войти"), ("lv", "Pieteikties")])
def test_language_switcher_changes_the_language_of_the_next_pages(code: str, sign_in: str) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": code, "next": "/accounts/login/"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{code}">' in page
    assert sign_in in page


def _untranslated(po_file: Path) -> list[str]:
    """msgids of a .po file whose translation is empty or fuzzy."""
    missing, entry, fuzzy, in_msgstr = [], [], False, False
    msgid: list[str] = []
    msgstr: list[str] = []

    def close() -> None:
        text_id = "".join(msgid)
        if text_id and (not "".join(msgstr) or fuzzy):
            missing.append(text_id)

    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            close()
            msgid, msgstr, fuzzy, in_msgstr, entry = [], [], False, False, []
            continue
        entry.append(line)
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, in_msgstr = [line[7:-1]], False
        elif line.startswith("msgstr"):
            msgstr, in_msgstr = [line.split('"', 1)[1][:-1]], True
        elif line.startswith('"'):
            (msgstr if in_msgstr else msgid).append(line[1:-1])
    return missing


@pytest.mark.parametrize("language", ["lv", "ru"])
def test_every_user_facing_string_has_a_translation(language: str) -> None:
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert po_file.exists()
    assert _untranslated(po_file) == []


@pytest.mark.parametrize(
    ("code", "day", "moment"),
    [
        ("lv", "20.08.2024.", "20.08.2024. 09:05"),
        ("ru", "20.08.2024", "20.08.2024 09:05"),
        ("en", "20.08.2024", "20.08.2024 09:05"),
    ],
)
def test_pages_write_dates_the_way_the_language_does(code: str, day: str, moment: str) -> None:
    """Seed 002 writes 20.08.2024. (with the closing dot); the templates use SHORT_DATE_FORMAT everywhere."""
    from datetime import date, datetime

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ day|date }}')
    with translation.override(code):
        text = template.render(Context({"day": date(2024, 8, 20), "moment": datetime(2024, 8, 20, 9, 5)}))
    assert text == f"{day}|{moment}|{day}"


def test_no_template_writes_a_date_in_a_fixed_day_month_year_form() -> None:
    """A fixed "d.m.Y" would be right in one language only, and an ISO "Y-m-d" in none of them: templates name the
    language's format instead. (An ISO date in an attribute, such as <time datetime='…'>, is for machines.)"""
    import re

    fixed = re.compile(r'\|date:"[^"]*(d\.m\.Y|Y-m-d|Y-m")')
    offenders = [
        str(path.relative_to(ROOT))
        for folder in (ROOT / "src", ROOT / "templates")
        for path in folder.rglob("*.html")
        if fixed.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
