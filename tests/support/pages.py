"""The scoped-pages base: the pages of one institution's rows open for that institution's reader and answer 404 to
another institution's reader of the same role — exactly as for a missing row, so that a page never tells whether a
row it refuses exists.

A subclass has a fixture `world` and implements `institutions(world)` → (own, foreign) and `pages(world)` → the
URLs of the own institution's rows; `role` is the readers' role (an institution's head by default)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution


class ScopedPages:
    role: ClassVar[str] = Role.INSTITUTION_HEAD

    def institutions(self, world: Any) -> tuple[Institution, Institution]:
        raise NotImplementedError

    def pages(self, world: Any) -> list[str]:
        raise NotImplementedError

    def test_the_own_reader_opens_the_pages_and_another_institutions_reader_gets_404(
        self, world: Any, make_user: Callable[..., User], signed_in: Callable[[User], Client]
    ) -> None:
        own, foreign = self.institutions(world)
        pages = self.pages(world)
        ours, theirs = signed_in(make_user(self.role, [own])), signed_in(make_user(self.role, [foreign]))
        assert {url: ours.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)
        assert {url: theirs.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)
