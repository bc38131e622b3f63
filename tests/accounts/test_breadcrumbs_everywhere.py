"""Issue 39: every signed-in page has breadcrumbs. On the demonstration data, each role opens each page of its menu
and one page of every kind those pages link to (a row's detail page, a form), and each page drawn in the site's
layout shows the trail "You are here" (accounts.context_processors.navigation: the menu's crumbs, else the dashboard
and the page's area; a page with crumbs of its own adds them)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory

from eduboard.accounts.context_processors import navigation
from eduboard.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

ROLES = ["admin", "analyst", "head", "staff", "centre", "observer"]
# Links that are not pages: files, feeds, the back office, the API and its documentation, signing out.
NOT_A_PAGE = re.compile(
    r"^/(backoffice|api|static|media|i18n)/|\.(csv|xlsx|pdf|docx|atom|json|ics|svg|png)$|/file/|/download/$"
    r"|/template\.|/sheet/$|/labels|/agreements"
)
# The trail, as the base template draws it (Latvian is the default language).
CRUMBS = re.compile(r'<nav aria-label="Jūs atrodaties šeit" class="breadcrumbs"><ul><li>')
SITE_LAYOUT = '<header class="container site-header">'


def menu_pages(user: User) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [item.url for group in navigation(request)["nav_groups"] for item in group.items]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_opens_from_its_menu_has_breadcrumbs(
    username: str, demo: None, signed_in: Callable[[User], Client]
) -> None:
    user = User.objects.get(username=username)
    client = signed_in(user)
    menu = menu_pages(user)
    kinds: dict[str, str] = {}  # a page's kind (its numbers taken out) -> the first page of that kind
    queue = list(menu)
    without, checked = [], []
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        text = response.content.decode()
        if SITE_LAYOUT not in text:  # a printable document, not a page of the site
            continue
        checked.append(path)
        if not CRUMBS.search(text):
            without.append(path)
        if path not in menu:
            continue  # the menu's pages and the pages they link to
        for href in re.findall(r'href="(/[^"#?]*)', text):
            kind = re.sub(r"\d+", "N", href)
            if kind not in kinds and href not in menu and not NOT_A_PAGE.search(href):
                kinds[kind] = href
                queue.append(href)
    assert len(checked) > len(menu)  # the menu's pages and pages they link to were opened
    assert not without, f"{username}: pages without breadcrumbs:\n" + "\n".join(without)
