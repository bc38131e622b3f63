"""Issue 39: an address that takes a form, opened as a page (a link followed, a page reloaded, an address typed),
says what it is for and leads back, instead of Django's blank 405 (core.method_pages). The status and its Allow
header stay; the API keeps answering in JSON.

Every address of the URL configuration is opened (its parameters filled with a row of the view's model where the
view names one, else a placeholder: a view that takes POST only refuses a GET before it looks for the row)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

# Not pages of ours: the API answers in JSON (checked below), the back office is Django's admin.
NOT_PAGES = ("api/", "backoffice/")
PLACEHOLDERS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
NAMED = {"lang": "lv", "fmt": "csv"}
PARAMETER = re.compile(r"<(?:(?P<converter>[^:>]+):)?(?P<name>[^>]+)>")


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) of every address, its includes' prefixes joined."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def view_model(pattern: URLPattern) -> type[models.Model] | None:
    view = getattr(pattern.callback, "view_class", None)
    model = getattr(view, "model", None)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def filled(route: str, pattern: URLPattern) -> str:
    """The route as an address: an integer key of the view's model's first row where it names a model."""
    model = view_model(pattern)
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first() if model else None

    def value(match: re.Match[str]) -> str:
        converter, name = match.group("converter") or "str", match.group("name")
        if converter == "int" and name == "pk" and first is not None:
            return str(first)
        return NAMED.get(name, PLACEHOLDERS.get(converter, "x"))

    return "/" + PARAMETER.sub(value, route)


PAGE_ROUTES = [
    (route, pattern)
    for route, pattern in walk(get_resolver().url_patterns)
    if isinstance(pattern.pattern, RoutePattern) and not route.startswith(NOT_PAGES)
]


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    Institution.objects.create(name="Daugavpils 1. skola", short_name="1. sk.", registration_number="4500000001")
    return signed_in(make_user(Role.BOARD_ADMIN))


def test_the_walk_finds_the_addresses_that_take_a_form() -> None:
    routes = {route for route, _pattern in PAGE_ROUTES}
    assert len(routes) > 150
    assert {"accounts/logout/", "quality/self-assessments/<int:pk>/priorities/"} <= routes


def test_no_address_answers_a_get_with_an_empty_405(board: Client) -> None:
    """The board's administrator may open every page: each address is opened once."""
    blank, pages = [], []
    for route, pattern in PAGE_ROUTES:
        address = filled(route, pattern)
        response = board.get(address)
        if response.status_code != 405:
            continue
        if not response.content:
            blank.append(f"{address} ({route})")
        else:
            pages.append((address, response))
    assert not blank, "blank 405 answers:\n" + "\n".join(blank)
    assert len(pages) >= 10  # the addresses that take a form were reached, and each answered with the page
    for address, response in pages:
        text = response.content.decode()
        assert "POST" in response["Allow"], address
        assert response["Content-Type"].startswith("text/html"), address
        assert '<p class="status-code" aria-hidden="true">405</p>' in text, address
        assert re.search(r'<a href="/[^"]*" role="button">', text), address  # the way back
        assert 'class="breadcrumbs"' in text, address


@pytest.mark.usefixtures("english")
def test_the_page_leads_back_to_the_referring_page_else_to_the_menu_page_of_the_address(board: Client) -> None:
    came_from = "http://testserver/accounts/audit/?page=2"
    back = board.get("/accounts/logout/", headers={"referer": came_from})
    assert back.status_code == 405 and back["Allow"] == "POST, OPTIONS"
    text = back.content.decode()
    assert "This address takes a form" in text
    assert f'<a href="{came_from}" role="button">Back to the previous page</a>' in text

    foreign = board.get("/quality/self-assessments/7/priorities/", headers={"referer": "https://elsewhere.example/"})
    assert "elsewhere.example" not in foreign.content.decode()
    assert '<a href="/quality/self-assessments/" role="button">Back to Self-assessments</a>' in foreign.content.decode()


def test_a_head_request_keeps_the_status_and_the_allow_header(board: Client) -> None:
    response = board.head("/accounts/logout/")
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert response["Content-Type"].startswith("text/html")


def test_the_api_keeps_answering_a_get_of_a_post_only_route_in_json(board: Client) -> None:
    actions = [
        (route, pattern)
        for route, pattern in walk(get_resolver().url_patterns)
        if route.startswith("api/")
        and set(getattr(pattern.callback, "actions", {})) == {"post"}
        and "<pk>" in route.replace("(?P<pk>[^/.]+)", "<pk>")
        and "format" not in route
    ]
    assert actions, "no POST-only action in the API to ask"
    route = actions[0][0].replace("(?P<pk>[^/.]+)", "1").replace("^", "").replace("$", "")
    response = board.get("/" + route)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
