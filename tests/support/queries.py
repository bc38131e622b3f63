"""Query counts: what a request costs, and the "N and 3N rows" base for the pages of an area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def request_queries(client: Client, url: str, *, fresh: bool = True) -> tuple[int, str]:
    """The queries `url` makes and the text it answers with; `fresh`: its figures computed, not read from the
    cache."""
    if fresh:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), response.content.decode("utf-8-sig")


class GrowingPages:
    """Every page of `pages` makes the same number of queries with 3N rows of each kind as with N, and shows the 2N
    new rows (a text each listed row shows once; "" for a page of figures that lists none).

    A subclass declares `pages` — (who, URL, row text); the URL may name the world's attributes as `{name}` — and
    a fixture `world` that builds the world with N rows, and implements `clients` (who → a signed-in client) and
    `grow` (`count` more rows of each kind, numbered from `start`).
    """

    N: ClassVar[int] = 3
    pages: ClassVar[list[tuple[str, str, str]]]

    def clients(self, world: Any, signed_in: Callable[..., Client]) -> dict[str, Client]:
        raise NotImplementedError

    def grow(self, world: Any, start: int, count: int) -> None:
        raise NotImplementedError

    def url_values(self, world: Any) -> dict[str, object]:
        """The values the URLs name (`{device}`): by default none."""
        return {}

    def measure(self, client: Client, url: str) -> tuple[int, str]:
        """The page's queries and text (a subclass may see the page once first)."""
        return request_queries(client, url)

    def least_new_rows(self, who: str, url: str) -> int:
        """How many more times the row text is on the page with 3N rows than with N (by default one a new row)."""
        return 2 * self.N

    def test_the_pages_make_the_same_number_of_queries_for_three_times_the_rows(
        self, world: Any, signed_in: Callable[..., Client]
    ) -> None:
        clients = self.clients(world, signed_in)
        values = self.url_values(world)
        pages = {(who, url.format(**values)): row_text for who, url, row_text in self.pages}
        for who, url in pages:
            clients[who].get(url)  # warm: the session, the content types
        few = {page: self.measure(clients[page[0]], page[1]) for page in pages}
        self.grow(world, self.N, 2 * self.N)
        many = {page: self.measure(clients[page[0]], page[1]) for page in pages}
        for page, row_text in pages.items():
            if row_text:  # the page does list the new rows
                grown = many[page][1].count(row_text) - few[page][1].count(row_text)
                assert grown >= self.least_new_rows(*page), page
        assert {page: count for page, (count, _text) in many.items()} == {
            page: count for page, (count, _text) in few.items()
        }
