"""Issue 39, the header as the server writes it: each role's menu holds only pages it may open, with the dashboard
behind the brand; the language is three buttons of one form, one click each, that bring the user back to the page;
breadcrumbs on pages under no menu entry; the site's icon on every layout (tests/browser/test_navigation.py measures
the header in a browser)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory

from eduboard.accounts.context_processors import navigation
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

LANGUAGE_BUTTON = re.compile(
    r'<button type="submit" name="language" value="(?P<code>\w+)" lang="(?P=code)" title="(?P<name>[^"]+)"'
    r'(?P<current> aria-current="true")?>(?P<label>\w+)<span class="visually-hidden"> (?P=name)</span></button>'
)


def menu(user: User, path: str = "/") -> dict[str, object]:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_roles_menu_holds_only_pages_it_may_open(
    role: str, school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    centre = InstitutionFactory(name="Inovāciju centrs", type=InstitutionType.INNOVATION_CENTRE)
    user = make_user(role, [centre if role == Role.CENTRE_STAFF else school_a])
    client = signed_in(user)
    urls = [item.url for group in menu(user)["nav_groups"] for item in group.items]  # type: ignore[attr-defined]
    assert urls[0] == "/"  # the dashboard, which the brand links to
    refused = [url for url in urls if client.get(url).status_code >= 400]
    assert refused == [], f"{role}: the menu offers pages the role may not open"


def test_the_brand_is_the_dashboards_link_and_the_menu_row_does_not_repeat_it(
    school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a])).get("/").content.decode()
    header = page.split('<main id="main"', 1)[0]
    assert re.search(r'<a href="/" class="brand" aria-current="page">', header)
    menu_row = header.split('id="main-menu"', 1)[1]
    assert 'href="/"' not in menu_row


@pytest.mark.parametrize(
    ("path", "trail"),
    [
        ("/", [("Dashboard", "/", True)]),
        ("/registry/learners/", [("Dashboard", "/", False), ("Registry", "/registry/institutions/", False)]),
        ("/registry/groups/5/", [("Dashboard", "/", False), ("Registry", "/registry/institutions/", False)]),
        ("/accounts/password/change/", [("Dashboard", "/", False)]),
    ],
)
def test_a_page_under_no_menu_entry_has_the_dashboard_and_its_area_as_its_trail(
    english: None, path: str, trail: list[tuple[str, str, bool]], make_user: Callable[..., User]
) -> None:
    context = menu(make_user(Role.BOARD_ADMIN), path)
    crumbs = context["breadcrumbs"] or context["area_crumbs"]
    assert [(str(c.label), c.url, c.active) for c in crumbs][: len(trail)] == trail  # type: ignore[attr-defined]


@pytest.mark.parametrize("signed", [True, False])
def test_the_language_is_three_buttons_of_one_form_marking_the_current_one(
    signed: bool, school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a])) if signed else Client()
    path = "/registry/learners/?q=Berzina&page=2" if signed else "/accounts/login/"
    page = client.get(path).content.decode()
    forms = re.findall(r'<form action="/i18n/setlang/" method="post" class="language-form">.*?</form>', page, re.S)
    assert len(forms) == 1
    buttons = [match.groupdict() for match in LANGUAGE_BUTTON.finditer(forms[0])]
    assert [(b["code"], b["label"], b["name"]) for b in buttons] == [
        ("lv", "LV", "Latviešu"),
        ("en", "EN", "English"),
        ("ru", "RU", "Русский"),
    ]
    assert [b["code"] for b in buttons if b["current"]] == ["lv"]
    next_page = re.search(r'<input name="next" type="hidden" value="([^"]*)">', forms[0])
    assert next_page is not None and html.unescape(next_page.group(1)) == path  # back to the same page


def test_one_click_on_a_language_button_switches_and_stays_on_the_page(
    school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/registry/learners/"})
    assert answer.status_code == 302 and answer["Location"] == "/registry/learners/"
    page = client.get("/registry/learners/").content.decode()
    assert '<html lang="en">' in page
    assert [m["code"] for m in LANGUAGE_BUTTON.finditer(page) if m["current"]] == ["en"]


def test_the_site_icon_is_linked_from_every_layout_and_answers_at_favicon_ico(client: Client) -> None:
    icon = client.get("/favicon.ico")  # asked by browsers without a sign-in
    assert icon.status_code == 302 and icon["Location"].endswith("favicon.svg")
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert link in client.get("/accounts/login/").content.decode()
    assert link in client.get("/answer/lv/").content.decode()  # answering a survey
    assert link in client.get("/centre/lv/").content.decode()  # the centre's public catalogue


def test_the_menus_addresses_follow_the_script_prefix_of_a_deployment_under_a_path(
    make_user: Callable[..., User],
) -> None:
    """The menu's addresses are reversed once and kept per script prefix: a site served under /eduboard/ (SCRIPT_NAME)
    links under it, and the same process serving at the root links at the root."""
    from django.urls import get_script_prefix, set_script_prefix

    user = make_user(Role.BOARD_ADMIN, is_superuser=True)
    root = [item.url for group in menu(user)["nav_groups"] for item in group.items]  # type: ignore[attr-defined]
    before = get_script_prefix()
    set_script_prefix("/eduboard/")
    try:
        under = [item.url for group in menu(user)["nav_groups"] for item in group.items]  # type: ignore[attr-defined]
    finally:
        set_script_prefix(before)
    assert len(root) > 30
    assert under == ["/eduboard" + url for url in root]
    assert [item.url for group in menu(user)["nav_groups"] for item in group.items] == root  # type: ignore[attr-defined]
