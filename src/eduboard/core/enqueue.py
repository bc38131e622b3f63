"""Tasks are enqueued once the transaction that asked for them commits (at once outside a transaction).

A worker may run a task the moment it is enqueued, on another host, with a connection of its own: enqueued inside
a transaction, it would look for rows not yet committed (an import job, a report's file job) and find none, or
compute figures from data about to change. Behind PgBouncer every walled request is one transaction
(core.board_wall), so this is the rule for every task, not a corner case.

One exception: the immediate backend (the tests') runs the task at once on the same connection, inside the
transaction, where it sees the rows it needs and is rolled back with them. A test of another backend commits
(`django_db(transaction=True)`), as production does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


def enqueue_after_commit(task: Any, *, unless: Callable[[], bool] | None = None, **kwargs: Any) -> None:
    """Enqueue `task` with `kwargs` when the current transaction commits; never when it rolls back. `unless`,
    asked at that moment, may decide it is not needed after all (a run of the same work already queued)."""

    def enqueue() -> None:
        if unless is None or not unless():
            task.enqueue(**kwargs)

    if transaction.get_connection().in_atomic_block and not isinstance(task.get_backend(), ImmediateBackend):
        transaction.on_commit(enqueue)
    else:
        enqueue()
