"""A second wall in the database: on PostgreSQL, row-level security keeps each signed-in person's requests to their
boards' rows of the tables that hold children's data, whatever a query forgets.

The first wall is the application's: every read and write goes through `visible_to` / `editable_by`
(eduboard.core.scope). The second is PostgreSQL's: the policies `board_wall` of migration
registry/0016_row_level_security hold absences, term results, support plans, device loans, survey answering codes
and the innovation centre's bookings to the institutions of the boards listed in the setting `eduboard.boards`
(comma-separated board ids), for reads and writes; learners' enrolments for writes only (every board reads every
enrolment: who may change a national learner is decided from their places in every board; the migration says more).
Learners themselves are national and not walled. An absent or empty setting holds nothing back: management commands,
migrations, the demonstration loader, the task worker (imports run there) and anonymous pages rely on the
application's scope alone. SQLite has no row security: there the application's scope is the only wall, and
everything here does nothing.

Per request, not per transaction. `set_config(…, true)` lasts until the end of the current transaction, and Django
runs in autocommit (settings.DATABASES sets no ATOMIC_REQUESTS): outside an atomic block every query is its own
transaction, so a transaction-local setting would be gone by the next query. `BoardWallMiddleware` therefore sets the
setting for the database session (`set_config(…, false)`) when a request begins and empties it again in a `finally`
when the request ends: connections are kept between requests (CONN_MAX_AGE), and the next request, perhaps by
someone else or anonymous, must not find the last one's boards. A session whose setting cannot be emptied is closed,
not reused. A streaming response's content is produced after the view returns: the wall is set again while it is
produced (files served from disk, FileResponse, are left as they are: they read no table).

Behind PgBouncer in transaction mode (`DATABASE_POOL_MODE=transaction`, docs/operations.md "A cluster") a session
setting would outlive the request on a server session another client gets next, and the request's next query may run
on another server session without it. There the middleware runs a walled request in one transaction and sets the
wall for that transaction only (`set_config(…, true)`); a streaming response's content is produced in a second
transaction with the wall set again. A response of 500 rolls its transaction back, as Django's ATOMIC_REQUESTS would
for the view's exception. The request's own transaction is not "a transaction" to the replica's router
(`in_transaction_of_its_own`): its statistics still read the replica.

Who is walled: a signed-in user who is neither a superuser nor the ministry (`is_national`: it reads national figures
over every board), to the boards of `user.board_ids()` (duck-typed: core knows no accounts). A user whose scope is
every institution of the deployment (`institution_scope()` is None: a board role where there is one board) is not
walled: the wall would hold back nothing, and the request saves the queries (the scope is the one the views read,
cached on the user). A user whose boards are none is walled to none (the setting "0": no board has that id), never
to all. A walled request costs four queries more on PostgreSQL: the user's boards (two) and setting the wall and
emptying it.

For the wall to hold, the application's database user must not be a superuser and must not have BYPASSRLS: PostgreSQL
exempts both from every policy, FORCE or not. The tables' owner is held because the migration FORCEs row security.
Two consequences for the owner: backups run `pg_dump --enable-row-security` (core.backup; with no setting every row
is read), and bulk inserts into a walled table use INSERT, not COPY, which PostgreSQL refuses there
(core.bulk_rows). A write the wall filters out is not an error: an UPDATE or DELETE of another board's row changes
nothing, and `select_for_update` does not return it.

What the wall is not: a defence against SQL injection (whoever runs arbitrary SQL can call set_config too). It
catches a query the application forgot to scope, in the request of a person of one board.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeGuard, cast

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse

SETTING = "eduboard.boards"
#: The setting of a user with no board: matches no board (board ids start at 1).
NO_BOARD = "0"


def wall_value(board_ids: Iterable[int] | None) -> str:
    """The setting for `board_ids`: "" for every board (None), "0" for none, else the ids, comma-separated."""
    if board_ids is None:
        return ""
    ids = sorted({int(board_id) for board_id in board_ids})
    return ",".join(str(board_id) for board_id in ids) if ids else NO_BOARD


def set_board_wall(connection: BaseDatabaseWrapper, board_ids: set[int] | None, *, session: bool = False) -> None:
    """Hold the tables of children's data to `board_ids` (None: every board) on PostgreSQL; elsewhere do nothing.

    By default for the current transaction only (`set_config(…, true)`), so it must be called inside an atomic
    block; `session=True` sets it for the database session, until it is set again (the middleware's way)."""
    if connection.vendor != "postgresql":
        return
    if not session and not connection.in_atomic_block:
        raise RuntimeError(
            "set_board_wall for a transaction needs an atomic block: in autocommit the setting ends with its own query."
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, %s)", [SETTING, wall_value(board_ids), not session])


def walled_boards(user: Any) -> set[int] | None:
    """The boards a request by `user` is held to, or None when the wall stays open (anonymous, superusers, the
    ministry)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False) or getattr(user, "is_national", False):
        return None
    institution_scope = getattr(user, "institution_scope", None)
    if callable(institution_scope) and institution_scope() is None:
        return None  # every institution of the deployment (a board role where there is one board): nothing to hold
    board_ids = getattr(user, "board_ids", None)
    return set(board_ids()) if callable(board_ids) else set()


#: The boards the request being served is held to (None: not walled), for the replica's connection
#: (core.replica.reading sets the same wall there while the request reads from it).
_request_wall: ContextVar[set[int] | None] = ContextVar("eduboard_request_wall", default=None)


def request_wall() -> set[int] | None:
    return _request_wall.get()


#: The database (alias) whose outermost transaction is the request's own (pooled mode), else None.
_request_transaction: ContextVar[str | None] = ContextVar("eduboard_request_transaction", default=None)


def per_transaction() -> bool:
    """Whether the wall is set per request transaction (behind a transaction pooler) instead of per session."""
    return getattr(settings, "DATABASE_POOL_MODE", "session") == "transaction"


def in_transaction_of_its_own(wrapper: BaseDatabaseWrapper) -> bool:
    """Whether `wrapper` is inside a transaction the code opened, the request's own transaction (pooled mode) not
    counted."""
    if not wrapper.in_atomic_block:
        return False
    if _request_transaction.get() == wrapper.alias:
        return len(wrapper.atomic_blocks) > 1
    return True


def open_wall(wrapper: BaseDatabaseWrapper) -> None:
    """Empty the session's setting; a connection where that fails is closed, so nobody reuses its boards."""
    try:
        set_board_wall(wrapper, None, session=True)
    except DatabaseError:
        wrapper.close()


def _open_wall() -> None:
    open_wall(connection)


@contextmanager
def _walled(board_ids: set[int]) -> Iterator[bool]:
    """The wall up for the block: behind a transaction pooler in a transaction of the block's own (yields True),
    else for the database session, emptied after the block (yields False)."""
    if per_transaction():
        token = _request_transaction.set(connection.alias)
        try:
            with transaction.atomic():
                set_board_wall(connection, board_ids)
                yield True
        finally:
            _request_transaction.reset(token)
        return
    set_board_wall(connection, board_ids, session=True)
    try:
        yield False
    finally:
        _open_wall()


def _walled_stream(content: Iterable[object], board_ids: set[int]) -> Iterator[object]:
    with _walled(board_ids):
        yield from content


def _streams_from_tables(response: HttpResponseBase) -> TypeGuard[StreamingHttpResponse]:
    return (
        isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse) and not response.is_async
    )


class BoardWallMiddleware:
    """Hold a signed-in board or institution user's request to their boards in the database (PostgreSQL only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if connection.vendor != "postgresql":
            return self.get_response(request)
        board_ids = walled_boards(getattr(request, "user", None))
        if board_ids is None:
            return self.get_response(request)
        token = _request_wall.set(board_ids)
        try:
            with _walled(board_ids) as in_transaction:
                response = self.get_response(request)
                if in_transaction and response.status_code >= 500:
                    transaction.set_rollback(True)  # as ATOMIC_REQUESTS would for the view's exception
        finally:
            _request_wall.reset(token)
        if _streams_from_tables(response):
            content = cast(Iterable[object], response.streaming_content)  # a synchronous iterator: not is_async
            response.streaming_content = _walled_stream(content, board_ids)
        return response
