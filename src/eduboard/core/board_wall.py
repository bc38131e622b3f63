"""A second wall in the database: on PostgreSQL, row-level security holds every query to the boards this module
names for it, on the tables that hold children's data, whatever a query forgets; it fails closed.

The first wall is the application's: every read and write goes through `visible_to` / `editable_by`
(eduboard.core.scope). The second is PostgreSQL's: the policies `board_wall` (registry migrations 0016, 0020 and
0024_walls_fail_closed) let a row through only when the setting `eduboard.wall` names its board: `*` for every board,
or board ids ("3,12"). Absent, empty or anything else: no walled row at all. SQLite has no row security: there the
application's scope is the only wall, and everything here does nothing.

Who names the boards, for each query (the value of `current_value()`):

- a web request: the signed-in person's boards (`BoardWallMiddleware`, from the session's user; `raise_for` from the
  API's token authentication once DRF has found the token's user); an anonymous request names none, and a public
  page that must read walled rows says which (`for_boards`, `across_boards` with its reason);
- a task in the worker: the person who asked for it (`acting_as(job's author)`), or whole-deployment work under an
  audited, named scope (`whole_deployment(reason=…)`); the worker's own process names none;
- a management command: every board (`*`: the operator's tools over the deployment), or the board of its
  `--board CODE` (manage.py calls `set_process_scope(command_scope(argv))`); the serving commands (runserver,
  worker, rqworker, db_worker, testserver) name none, as the WSGI/ASGI servers do;
- anything else: the process's scope (`set_process_scope`), which is none unless set.

How it reaches PostgreSQL: an execute wrapper on every PostgreSQL connection (installed when the connection is made)
compares the value wanted with the one the connection holds and sends `set_config('eduboard.wall', …)` first when
they differ, on the driver's own cursor (it is not one of the page's counted queries). A rollback (of a transaction
or a savepoint) may undo a setting made inside it, so after one the value is sent again. Behind PgBouncer in
transaction mode (`DATABASE_POOL_MODE=transaction`) a session's setting would go to whoever gets the server session
next: there the value is set for the transaction only (`set_config(…, true)`), once per transaction, and a query in
autocommit runs in a transaction of its own with it. In session mode the application refuses to start behind a
pooler (`check_pooling`): PgBouncer would hand the session's setting to another client.

For the wall to hold, the application's database user must not be a superuser and must not have BYPASSRLS:
PostgreSQL exempts both from every policy, FORCE or not. The migrations FORCE row security, so the tables' owner is
held. Backups run pg_dump with `-c eduboard.wall=*` and `--enable-row-security` (core.backup), bulk inserts into a
walled table use INSERT, not COPY (core.bulk_rows). What the wall is not: a defence against SQL injection (whoever
runs arbitrary SQL can call set_config too). It catches a query the application forgot to scope.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeGuard, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse

logger = logging.getLogger("eduboard.board_wall")

SETTING = "eduboard.wall"
#: Every board, named.
ALL = "*"
#: No board: no walled row.
NONE = ""

#: Commands that serve others (their requests and tasks name their own boards): their process names none.
SERVING_COMMANDS = frozenset({"runserver", "worker", "rqworker", "db_worker", "testserver", "run_huey"})


def wall_value(board_ids: Iterable[int] | None) -> str:
    """The setting for `board_ids`: `*` for every board (None), "" for none, else the ids, comma-separated."""
    if board_ids is None:
        return ALL
    ids = sorted({int(board_id) for board_id in board_ids})
    return ",".join(str(board_id) for board_id in ids)


def walled_boards(user: Any) -> set[int] | None:
    """The boards a person's work is held to: None for every board (superusers, the ministry, a user whose scope is
    every institution of the deployment), an empty set for nobody (anonymous, a user of no board)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "is_superuser", False) or getattr(user, "is_national", False):
        return None
    institution_scope = getattr(user, "institution_scope", None)
    if callable(institution_scope) and institution_scope() is None:
        return None
    board_ids = getattr(user, "board_ids", None)
    return set(board_ids()) if callable(board_ids) else set()


# --- the value wanted now


class _BoardNamed:
    """A command's `--board CODE`: the board's id, looked up once on the database (none when there is no such
    board: the command itself then says so)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.value: str | None = None

    def resolve(self, wrapper: BaseDatabaseWrapper) -> str:
        if self.value is None:
            with wrapper.connection.cursor() as cursor:
                try:
                    cursor.execute("SELECT id FROM registry_board WHERE lower(code) = lower(%s)", [self.code.strip()])
                    row = cursor.fetchone()
                except Exception:
                    row = None
            self.value = wall_value([row[0]]) if row else NONE
        return self.value


_process_scope: str | _BoardNamed = NONE
#: The value a block of code names (None: the process's scope).
_scope: ContextVar[str | None] = ContextVar("eduboard_wall", default=None)


def set_process_scope(scope: str | _BoardNamed) -> None:
    """What this process's queries name when no request or block names anything (manage.py, the tests)."""
    global _process_scope
    _process_scope = scope


def command_scope(argv: Sequence[str]) -> str | _BoardNamed:
    """The scope of `manage.py ARGV`: none for the serving commands, the board of `--board CODE`, else every
    board."""
    command = argv[1] if len(argv) > 1 else ""
    if command in SERVING_COMMANDS:
        return NONE
    for index, part in enumerate(argv):
        if part == "--board" and index + 1 < len(argv):
            return _BoardNamed(argv[index + 1])
        if part.startswith("--board="):
            return _BoardNamed(part.removeprefix("--board="))
    return ALL


def current_value(wrapper: BaseDatabaseWrapper | None = None) -> str:
    value = _scope.get()
    if value is not None:
        return value
    scope = _process_scope
    if isinstance(scope, _BoardNamed):
        return scope.resolve(wrapper or connections[DEFAULT_DB_ALIAS])
    return scope


@contextmanager
def _named(value: str) -> Iterator[None]:
    token = _scope.set(value)
    try:
        yield
    finally:
        _scope.reset(token)


def acting_as(user: Any) -> Any:
    """The block's queries held to what `user` may read (a task run for the person who asked)."""
    return _named(wall_value(walled_boards(user)))


def for_boards(board_ids: Iterable[int]) -> Any:
    """The block's queries held to `board_ids` (a public page of one board's centre or survey)."""
    return _named(wall_value(board_ids))


def nobody() -> Any:
    return _named(NONE)


@contextmanager
def across_boards(*, reason: str) -> Iterator[None]:
    """Every board for the block, for a read the application scopes itself and that must see beyond one board (a
    public code looked up wherever it belongs); `reason` goes to the log."""
    logger.debug("board wall open across boards: %s", reason)
    with _named(ALL):
        yield


def public_page(reason: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A public page (no sign-in) that reads or writes walled rows and scopes them itself, by the code or the
    address it is given (a booking's token, a survey's answering code, a competition's teams): every board for the
    view, under `reason`. Its response must not stream from the tables."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with across_boards(reason=reason):
                return view(request, *args, **kwargs)

        wrapped.board_wall_reason = reason  # type: ignore[attr-defined]
        return wrapped

    return decorate


@contextmanager
def whole_deployment(*, reason: str) -> Iterator[None]:
    """Every board for whole-deployment work of the worker or a command (the nightly retention, the checks and the
    publication of every board), recorded in the audit trail with `reason`."""
    from eduboard.core.audit import audit_whole_deployment

    audit_whole_deployment(reason=reason)
    logger.info("board wall open for the whole deployment: %s", reason)
    with _named(ALL):
        yield


def for_boards_or_every(board_ids: Iterable[int] | None, *, reason: str) -> Any:
    """`for_boards(board_ids)`, or `whole_deployment(reason)` for None (every board)."""
    return whole_deployment(reason=reason) if board_ids is None else for_boards(board_ids)


def raise_for(user: Any) -> None:
    """Hold the rest of the request to `user`'s boards (the API's token user, known only once DRF authenticates);
    the middleware's block ends it with the request."""
    _scope.set(wall_value(walled_boards(user)))


# --- sending it to PostgreSQL


def per_transaction() -> bool:
    """Whether the wall is set per transaction (behind a transaction pooler) instead of per session."""
    return getattr(settings, "DATABASE_POOL_MODE", "session") == "transaction"


def _send(wrapper: BaseDatabaseWrapper, value: str, *, local: bool) -> None:
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, %s)", [SETTING, value, local])
    wrapper._eduboard_wall = value  # type: ignore[attr-defined]


def _forget(wrapper: BaseDatabaseWrapper) -> None:
    wrapper._eduboard_wall = None  # type: ignore[attr-defined]


def sync(wrapper: BaseDatabaseWrapper) -> None:
    """Make the connection hold the value wanted now (before a query Django does not run: COPY, a raw cursor)."""
    if wrapper.vendor != "postgresql":
        return
    wrapper.ensure_connection()
    value = current_value(wrapper)
    if getattr(wrapper, "_eduboard_wall", None) != value:
        _send(wrapper, value, local=per_transaction())


def _keep_wall(wrapper: BaseDatabaseWrapper) -> Callable[..., Any]:
    def wrapped(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        value = current_value(wrapper)
        if not per_transaction():
            if getattr(wrapper, "_eduboard_wall", None) != value:
                _send(wrapper, value, local=False)
            return execute(sql, params, many, context)
        if wrapper.in_atomic_block:
            if getattr(wrapper, "_eduboard_wall", None) != value:
                _send(wrapper, value, local=True)
            return execute(sql, params, many, context)
        with transaction.atomic(using=wrapper.alias):  # autocommit behind a pooler: a transaction of its own
            _send(wrapper, value, local=True)
            return execute(sql, params, many, context)

    return wrapped


def _forgetting(wrapper: BaseDatabaseWrapper, name: str, *, always: bool) -> None:
    original = getattr(wrapper, name)

    def method(*args: Any, **kwargs: Any) -> Any:
        try:
            return original(*args, **kwargs)
        finally:
            if always or per_transaction():
                _forget(wrapper)

    setattr(wrapper, name, method)


def install(wrapper: BaseDatabaseWrapper) -> None:
    """Keep the wall on `wrapper` (a new PostgreSQL connection; `connection_created`): the execute wrapper, and a
    rollback (or, behind a pooler, any end of a transaction) makes the value be sent again."""
    _forget(wrapper)
    if wrapper.vendor != "postgresql" or getattr(wrapper, "_eduboard_wall_installed", False):
        return
    wrapper.execute_wrappers.append(_keep_wall(wrapper))
    _forgetting(wrapper, "_rollback", always=True)
    _forgetting(wrapper, "_savepoint_rollback", always=True)
    _forgetting(wrapper, "_commit", always=False)
    wrapper._eduboard_wall_installed = True  # type: ignore[attr-defined]


def connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    install(connection)
    if connection.vendor == "postgresql" and not per_transaction() and behind_a_pooler(connection):
        raise ImproperlyConfigured(POOLER_MESSAGE)


def in_transaction_of_its_own(wrapper: BaseDatabaseWrapper) -> bool:
    """Whether `wrapper` is inside a transaction the code opened (the replica's router then reads the primary)."""
    return wrapper.in_atomic_block


# --- a pooler in front of PostgreSQL

POOLER_MESSAGE = (
    "eduboard: the database answers through a connection pooler (PgBouncer) while DATABASE_POOL_MODE=session; "
    "the board wall would be handed to other clients. Set DATABASE_POOL_MODE=transaction (docs/operations.md)."
)


def behind_a_pooler(wrapper: BaseDatabaseWrapper) -> bool:
    """Whether the connection goes through a pooler: the server process the driver was told of at sign-in is not
    the one that answers (PgBouncer gives its own key data)."""
    raw = wrapper.connection
    told = getattr(getattr(raw, "info", None), "backend_pid", None)
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        answering = cursor.fetchone()[0]
    return told is not None and told != answering


def check_pooling() -> None:
    """Refuse to start (one line, exit status 1) in session mode behind a pooler: WSGI, ASGI and the worker call
    it when they start."""
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.vendor != "postgresql":
            continue
        try:
            wrapper.ensure_connection()
        except ImproperlyConfigured as refusal:
            sys.exit(str(refusal))
        except Exception:  # noqa: S112 - a database not up yet is the requests' problem, not the start's
            continue
    connections.close_all()  # a server that forks its workers after this must not hand them one connection


# --- requests


def _walled_stream(content: Iterable[object], value: str) -> Iterator[object]:
    with _named(value):
        yield from content


def _streams_from_tables(response: HttpResponseBase) -> TypeGuard[StreamingHttpResponse]:
    return (
        isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse) and not response.is_async
    )


class BoardWallMiddleware:
    """Hold every request to the boards of its signed-in person (none for an anonymous one) on PostgreSQL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return self.get_response(request)
        token = _scope.set(NONE)  # resolving the session's user reads no walled table
        try:
            _scope.set(wall_value(walled_boards(getattr(request, "user", None))))
            response = self.get_response(request)
            value = current_value()
        finally:
            _scope.reset(token)
        if _streams_from_tables(response):
            content = cast(Iterable[object], response.streaming_content)  # a synchronous iterator: not is_async
            response.streaming_content = _walled_stream(content, value)
        return response
