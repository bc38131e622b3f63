"""Statistics, reports and exports read from a streaming replica of the database, when one is configured
(`DATABASE_REPLICA_URL`, docs/operations.md), so that the primary serves the schools' writes.

What reads from the replica, inside `reading(alias)` (the router sends every read there, every write to the
primary):
- cached figures (`core.figures_cache.cached_figures`: the dashboard, the statistics pages and APIs, a draft
  report's figures), their generation tokens included, so that figures and tokens are of one moment;
- list exports (`core.views.FilteredListView.export`);
- report files built by the worker (`reports.jobs`), once the replica has replayed the job's own commit
  (`caught_up_alias`).

Who reads from the primary instead: a person within READ_YOUR_WRITES_SECONDS of their own write (`core.freshness`),
a request inside a transaction, and anything outside a request but for the report files above. Without a replica
every read is the primary's and nothing here costs a query.

On PostgreSQL the second wall (`core.board_wall`) holds a walled request on the replica's connection too while it
reads there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from eduboard.core import board_wall, freshness

REPLICA = "replica"

_reading: ContextVar[str | None] = ContextVar("eduboard_reading", default=None)


def configured() -> bool:
    return REPLICA in connections.settings


def replica_alias() -> str:
    """Where statistics, reports and exports of this moment read: the enclosing `reading` block's database, else
    the replica when one is configured and this reader may read there, else the primary."""
    enclosing = _reading.get()
    if enclosing is not None:
        return enclosing
    if (
        not configured()
        or board_wall.in_transaction_of_its_own(connections[DEFAULT_DB_ALIAS])
        or not freshness.may_serve_previous()
    ):
        return DEFAULT_DB_ALIAS
    return REPLICA


def caught_up_alias(since: datetime) -> str:
    """The replica when it has replayed every transaction committed up to `since` (PostgreSQL's
    pg_last_xact_replay_timestamp: the commit time of the last transaction it replayed), else the primary: a job
    the worker runs for a person reads what they had saved when they asked."""
    if not configured() or connections[REPLICA].vendor != "postgresql":
        return DEFAULT_DB_ALIAS
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_xact_replay_timestamp()")
            replayed = cursor.fetchone()[0]
    except DatabaseError:
        return DEFAULT_DB_ALIAS  # the replica is down: the primary answers
    return REPLICA if replayed is not None and replayed >= since else DEFAULT_DB_ALIAS


@contextmanager
def reading(alias: str) -> Iterator[str]:
    """Send the reads of the block to `alias` (the replica or the primary); the replica's connection keeps the
    board wall of each query as the primary's does (core.board_wall)."""
    token = _reading.set(alias)
    try:
        yield alias
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Reads inside `reading` go to its database; every write, and every migration, to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return _reading.get()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
