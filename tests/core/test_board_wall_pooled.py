"""The second wall behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction): the wall is set for the
transaction only, a query in autocommit runs in a transaction of its own with it, and no server session keeps a
setting after it (the next client of that session finds nothing). The cluster's test (tests/deploy/test_cluster.py)
runs the application through a real PgBouncer.

These tests commit (`transaction=True`): inside the test's own transaction a transaction-local setting would last
until the test ends and prove nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import board_wall
from eduboard.core.board_wall import ALL, BoardWallMiddleware
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_databases]


@pytest.fixture(autouse=True)
def pooled(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite keeps the application's scope")
    settings.DATABASE_POOL_MODE = "transaction"
    connection.close()  # a new server session: the one before may hold a session-mode setting of the test's setup


def current_wall() -> str:
    """The setting a query of the application sees (through Django: the wall is sent before it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('eduboard.wall', true), '')")
        found: str = cursor.fetchone()[0]
        return found


def left_in_the_session() -> str:
    """What the server session holds between transactions (on the driver's cursor: nothing is sent first)."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('eduboard.wall', true), '')")
        found: str = cursor.fetchone()[0]
        return found


def test_a_query_in_autocommit_carries_the_wall_in_a_transaction_of_its_own() -> None:
    with board_wall.for_boards({7}):
        assert current_wall() == "7"
    assert left_in_the_session() == ""
    assert current_wall() == ALL  # the tests' process names every board
    assert left_in_the_session() == ""


def test_a_transaction_carries_the_wall_once_and_leaves_nothing_behind() -> None:
    with board_wall.for_boards({3, 12}), transaction.atomic():
        assert current_wall() == "3,12"
        assert current_wall() == "3,12"
        with transaction.atomic():  # a savepoint rolled back undoes nothing set before it
            transaction.set_rollback(True)
        assert current_wall() == "3,12"
    assert left_in_the_session() == ""


def test_a_signed_in_request_leaves_the_server_session_with_nothing(
    make_user: Callable[..., User], school_a: Institution
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current_wall())
        return HttpResponse("ok")

    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = head
    BoardWallMiddleware(view)(request)
    assert seen == [str(school_a.board_id)]
    assert left_in_the_session() == ""
