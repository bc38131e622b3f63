"""Every word in the reader's language (issue 39, point 4): each list page and each page that shows one record,
as every role, in Latvian, English and Russian, shows no text kept in another language and no internal code.

Every record with a text in three languages (`<field>_lv`/`<field>`, `<field>_en`, `<field>_ru`: reference data
such as device kinds, funding sources, priority grounds, subjects, the centre's modules, observation and
framework criteria, survey questions, and records written in three languages) is given marked texts, `LVX12`,
`ENX12`, `RUX12`; a page in English must show no `LVX…` or `RUX…`, and so on. An internal code is a `snake_case`
word in the text a person reads (outside `<code>`, `<kbd>`, `<samp>` and `<pre>`, where file columns and codes
are shown on purpose).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse

from eduboard.accounts.roles import Role
from tests.accounts.matrix_world import ROLES, World
from tests.accounts.test_list_matrix import LIST_PAGES
from tests.accounts.test_permission_matrix import OBJECT_PAGES, clients, has_perm, sees, world

__all__ = ["clients", "world"]  # the module's fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

LANGUAGES = ("lv", "en", "ru")
MARK = {"lv": "LVX", "en": "ENX", "ru": "RUX"}
SNAKE = re.compile(r"(?<![\w/.@:#=?&%-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.@:#=?&%(-])")


def translated_texts() -> Iterator[tuple[type[models.Model], str, str]]:
    """(model, its Latvian column, the field's base name) for every text kept in three languages."""
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for name in names:
            if not name.endswith("_en"):
                continue
            base = name.removesuffix("_en")
            latvian = f"{base}_lv" if f"{base}_lv" in names else base
            if latvian in names and f"{base}_ru" in names:
                yield model, latvian, base


@pytest.fixture(scope="module")
def marked(world: World, django_db_blocker: Any) -> int:
    """Every three-language text of the world, marked by language (inside the world's transaction)."""
    count = 0
    with django_db_blocker.unblock():
        for model, latvian, base in translated_texts():
            for pk in model._default_manager.values_list("pk", flat=True):
                count += 1
                model._default_manager.filter(pk=pk).update(
                    **{latvian: f"LVX{count}", f"{base}_en": f"ENX{count}", f"{base}_ru": f"RUX{count}"}
                )
    return count


class ReadText(HTMLParser):
    """The text a person reads, apart from the code elements that show codes on purpose."""

    SKIPPED = frozenset({"script", "style", "code", "kbd", "samp", "pre", "textarea"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in {"title", "alt", "aria-label", "placeholder"} and value and not self.skipping:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def read_text(html: str) -> str:
    parser = ReadText()
    parser.feed(html)
    return " ".join(parser.parts)


def pages(world: World, role: str) -> Iterator[str]:
    """The list pages and the pages of one record (its own institution's) that `role` may open."""
    for name, page in LIST_PAGES.items():
        if page.perm is not None and not has_perm(role, page.perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a list with URL arguments is a document of one row: below
            continue
        query = page.query(world) if page.query else {}
        if query.get("format") or "export" in query:
            continue
        yield url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    for name, page in OBJECT_PAGES.items():
        if page.method != "GET" or name.startswith("api-") or (page.only is not None and role not in page.only):
            continue
        if (page.perm is not None and not has_perm(role, page.perm)) or not sees(page.kind, "own", role):
            continue
        yield reverse(name, kwargs={page.pk: world.own(page.kind).pk, **page.extra})


def in_language(client: Client, url: str, language: str) -> str:
    """The page's HTML in `language` ("" for anything but an HTML page that answered 200)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    html = response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
    return response.content.decode() if html else ""


def test_every_three_language_text_of_the_world_is_marked(marked: int) -> None:
    assert marked > 20  # the world holds reference rows of each kind the pages show


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_each_text_in_the_readers_language_and_no_internal_code(
    role: str, marked: int, world: World, clients: dict[str, Client]
) -> None:
    client = clients[role]
    other_language, codes, opened = [], [], 0
    try:
        for url in pages(world, role):
            for language in LANGUAGES:
                html = in_language(client, url, language)
                if not html:
                    continue
                opened += 1
                text = read_text(html)
                foreign = sorted(
                    {m for other in LANGUAGES if other != language for m in re.findall(MARK[other] + r"\d+", text)}
                )
                if foreign:
                    other_language.append(f"{url} [{language}]: {foreign[:5]}")
                if language == "en":
                    found = sorted(set(SNAKE.findall(text)))
                    if found:
                        codes.append(f"{url}: {found[:8]}")
    finally:
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    # the role's pages were read in the three languages (the ministry's are few: figures only)
    assert opened > (2 if role == Role.MINISTRY else 30)
    assert other_language == [], "texts shown in another language than the page's"
    assert codes == [], "internal codes shown on pages"
