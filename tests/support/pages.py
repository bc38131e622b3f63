"""The scoped-pages bases, for an institution's own reader and another institution's reader of the same role:

- `ScopedPages`: the pages of the own institution's rows open for its reader and answer 404 to the other — exactly
  as for a missing row, so that a page never tells whether a row it refuses exists;
- `ScopedLists`: a list shows the own rows to their reader and none of them to the other;
- `RefusesChanges`: what the other posts to the own rows is answered 404 and changes nothing.

A subclass has a fixture `world` (or overrides the fixture `scoped_world`), implements `institutions(world)` →
(own, foreign) and its base's `pages`, `lists` or `posts` and `state`; `role` is the readers' role (an
institution's head by default)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution


class OwnAndForeign:
    """Two institutions, the own and a foreign one, and readers of `role` at each."""

    role: ClassVar[str] = Role.INSTITUTION_HEAD

    @pytest.fixture
    def scoped_world(self, request: pytest.FixtureRequest) -> Any:
        """The world whose pages are tested: by default the module's fixture `world`."""
        return request.getfixturevalue("world")

    def institutions(self, world: Any) -> tuple[Institution, Institution]:
        raise NotImplementedError

    def readers(
        self, world: Any, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> tuple[Client, Client]:
        """Signed-in readers of `role` at the own and at the foreign institution."""
        own, foreign = self.institutions(world)
        return signed_in(make_user(self.role, [own])), signed_in(make_user(self.role, [foreign]))


class ScopedPages(OwnAndForeign):
    def pages(self, world: Any) -> list[str]:
        raise NotImplementedError

    def test_the_own_reader_opens_the_pages_and_another_institutions_reader_gets_404(
        self, scoped_world: Any, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> None:
        pages = self.pages(scoped_world)
        ours, theirs = self.readers(scoped_world, make_user, signed_in)
        assert {url: ours.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)
        assert {url: theirs.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)


class ScopedLists(OwnAndForeign):
    """List pages show the own institution's rows to its reader and none of them to another institution's:
    `lists(world)` gives each list's URL and the ids of the own rows it lists (`object_list` of its context)."""

    def lists(self, world: Any) -> dict[str, set[object]]:
        raise NotImplementedError

    def test_a_list_shows_the_own_rows_to_their_reader_and_none_to_another_institutions(
        self, scoped_world: Any, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> None:
        lists = self.lists(scoped_world)
        ours, theirs = self.readers(scoped_world, make_user, signed_in)
        shown = {url: {row.pk for row in ours.get(url).context["object_list"]} for url in lists}
        assert shown == lists
        for url, own_rows in lists.items():
            assert not {row.pk for row in theirs.get(url).context["object_list"]} & own_rows, url


class RefusesChanges(ScopedPages):
    """…and what another institution's reader posts to the own institution's rows is answered 404, changing
    nothing: `posts(world)` gives the forms (URL and data), `state(world)` what they would change."""

    def posts(self, world: Any) -> list[tuple[str, dict[str, object]]]:
        raise NotImplementedError

    def state(self, world: Any) -> object:
        raise NotImplementedError

    def test_another_institutions_reader_changes_nothing(
        self, scoped_world: Any, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> None:
        _ours, theirs = self.readers(scoped_world, make_user, signed_in)
        before = self.state(scoped_world)
        posts = self.posts(scoped_world)
        assert {url: theirs.post(url, data).status_code for url, data in posts} == dict.fromkeys(
            (url for url, _data in posts), 404
        )
        assert self.state(scoped_world) == before
