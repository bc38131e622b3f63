"""The scoped-API base: an API route's list and detail read as the scope matrix says (tests/support/matrix.py), a
missing row and a row the reader may not read both answer 404, the public is refused, and a list's queries are
the same for N and 3N rows. `PermissionedAPI` adds: a signed-in role without the route's permission is refused.

A subclass declares `url` (the routes' prefix, "/api/courses/"), `routes`, `sees`, `query_role` (who lists the
rows in the query-count test) and implements `rows(institution, tag, count)`: `count` rows of each route at
`institution`, as {route: [rows]}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution
from tests.factories import UserFactory
from tests.support.matrix import BOTH, FOREIGN, OWN, OWN_ONLY, ScopeMatrix
from tests.support.queries import request_queries

MISSING = 987654321  # an id no row has


def listed(client: Client, url: str) -> list[dict[str, Any]]:
    """The rows of an API list's page."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


class ScopedAPI(ScopeMatrix):
    url: ClassVar[str]
    query_role: ClassVar[str]
    N: ClassVar[int] = 2

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Model]]:
        raise NotImplementedError

    def route_url(self, route: str) -> str:
        return f"{self.url}{route}/"

    def test_a_role_reads_the_rows_its_scope_gives_and_any_other_row_is_not_found(
        self,
        route: str,
        role: str,
        institutions: tuple[Institution, Institution],
        signed_in: Callable[[User], Client],
    ) -> None:
        own, foreign = institutions
        rows = {OWN: self.rows(own, "aa")[route][0], FOREIGN: self.rows(foreign, "bb")[route][0]}
        client = signed_in(self.reader(role, institutions))
        url = self.route_url(route)
        assert {row["id"] for row in listed(client, url)} == {rows[side].pk for side in self.sees[role]}
        for side, row in rows.items():
            detail = client.get(f"{url}{row.pk}/")
            if self.reads(role, side):
                assert detail.status_code == 200 and detail.json()["id"] == row.pk, side
            else:
                assert detail.status_code == 404, side  # as for a missing row
        assert client.get(f"{url}{MISSING}/").status_code == 404

    def test_the_public_is_refused(self, route: str, institutions: tuple[Institution, Institution]) -> None:
        row = self.rows(institutions[0], "aa")[route][0]
        url = self.route_url(route)
        assert Client().get(url).status_code in (401, 403)
        assert Client().get(f"{url}{row.pk}/").status_code in (401, 403)

    def test_a_lists_queries_are_the_same_for_n_and_3n_rows(
        self, route: str, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        self.rows(institutions[0], "aa", count=self.N)
        client = signed_in(self.reader(self.query_role, institutions))
        url = self.route_url(route)
        request_queries(client, url, fresh=False)  # the session and the role's permissions, cached after the first
        few = request_queries(client, url, fresh=False)[0]
        self.rows(institutions[0], "ab", count=2 * self.N)
        assert len(listed(client, url)) == 3 * self.N
        assert request_queries(client, url, fresh=False)[0] == few


class PermissionedAPI(ScopedAPI):
    """A scoped API whose routes ask for a permission: signed-in roles without it (`refused_roles`) are answered
    403 on every route."""

    refused_roles: ClassVar[tuple[str, ...]]

    def test_a_role_without_the_permission_is_refused(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        for role in self.refused_roles:
            client = signed_in(UserFactory(role=role, institutions=[institutions[0]]))
            assert [client.get(self.route_url(route)).status_code for route in self.routes] == [403] * len(
                self.routes
            ), role


class CentreAPI(PermissionedAPI):
    """The innovation centre's routes (its activities, competitions, courses): a centre's staff read their centre's
    rows, the board's analyst every centre's, an institution's staff are refused."""

    institution_type = "innovation_centre"
    sees: ClassVar[dict[str, frozenset[str]]] = {Role.CENTRE_STAFF: OWN_ONLY, Role.BOARD_ANALYST: BOTH}
    query_role = Role.CENTRE_STAFF
    refused_roles = (Role.INSTITUTION_STAFF,)
