"""The second wall behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction): a walled request runs in
one transaction with the wall set for that transaction only, so no server session keeps it after the request (the
next client of that session finds nothing) and no query of the request runs without it; its statistics still read
the replica. The cluster's test (tests/deploy/test_cluster.py) runs the same through a real PgBouncer.

These tests commit (`transaction=True`): inside the test's own transaction a transaction-local setting would last
until the test ends and prove nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.board_wall import BoardWallMiddleware, in_transaction_of_its_own
from eduboard.registry.models import Institution, Programme

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def pooled(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite keeps the application's scope")
    settings.DATABASE_POOL_MODE = "transaction"


def current_wall() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('eduboard.boards', true), '')")
        found: str = cursor.fetchone()[0]
        return found


def through_middleware(user: Any, respond: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    def view(request: HttpRequest) -> HttpResponseBase:
        return respond()

    request = RequestFactory().get("/")
    request.user = user
    return BoardWallMiddleware(view)(request)


def test_a_walled_request_runs_in_one_transaction_with_its_wall_and_leaves_nothing_in_the_session(
    make_user: Callable[..., User], school_a: Institution
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    seen: list[tuple[str, bool, bool]] = []

    def respond() -> HttpResponse:
        primary = connections[DEFAULT_DB_ALIAS]  # as the replica's router asks (core.replica.replica_alias)
        own = in_transaction_of_its_own(primary)
        with transaction.atomic():
            seen.append((current_wall(), own, in_transaction_of_its_own(primary)))
        return HttpResponse("ok")

    with CaptureQueriesContext(connection) as queries:
        through_middleware(head, respond)
    # The wall is the head's board; the request's transaction is not one of the view's own (its statistics read the
    # replica), a transaction the view opens is (they read the primary).
    assert seen == [(str(school_a.board_id), False, True)]
    walls = [query["sql"] for query in queries if "set_config" in query["sql"]]
    assert len(walls) == 1 and walls[0].rstrip().endswith("true)")  # for the transaction only, never the session
    assert not connection.in_atomic_block
    assert current_wall() == ""  # the session (PgBouncer's next client) keeps nothing


def test_a_request_that_fails_with_500_saves_nothing(make_user: Callable[..., User], school_a: Institution) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])

    def write_then_fail() -> HttpResponse:
        Programme.objects.create(code="21011111", name="Pamatizglītība")
        return HttpResponse("broke", status=500)

    def write() -> HttpResponse:
        Programme.objects.create(code="21011112", name="Pamatizglītība")
        return HttpResponse("ok")

    assert through_middleware(head, write_then_fail).status_code == 500
    assert through_middleware(head, write).status_code == 200
    assert list(Programme.objects.filter(code__startswith="2101111").values_list("code", flat=True)) == ["21011112"]


def test_a_streamed_response_is_produced_in_a_walled_transaction_of_its_own(
    make_user: Callable[..., User], school_a: Institution
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])

    def lines() -> Iterator[str]:
        yield f"{current_wall()}:{connection.in_atomic_block}"

    response = through_middleware(head, lambda: StreamingHttpResponse(lines()))
    assert isinstance(response, StreamingHttpResponse)
    assert current_wall() == ""
    assert b"".join(cast(Iterator[bytes], response.streaming_content)) == f"{school_a.board_id}:True".encode()
    assert current_wall() == "" and not connection.in_atomic_block


def test_a_signed_in_page_runs_behind_the_wall_and_the_session_keeps_nothing(
    make_user: Callable[..., User], school_a: Institution, signed_in: Callable[[User], Any]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/registry/learners/").status_code == 200
    walls = [query["sql"] for query in queries if "set_config" in query["sql"]]
    assert len(walls) == 1 and walls[0].rstrip().endswith("true)")
    assert current_wall() == ""
