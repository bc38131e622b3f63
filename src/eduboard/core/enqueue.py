"""Tasks are enqueued once the transaction that asked for them commits (at once outside a transaction).

A worker may run a task the moment it is enqueued, on another host, with a connection of its own: enqueued inside
a transaction, it would look for rows not yet committed (an import job, a report's file job) and find none, or
compute figures from data about to change. Behind PgBouncer every walled request is one transaction
(core.board_wall), so this is the rule for every task, not a corner case.

Two exceptions, both of the tests: the tests' own transaction (pytest-django runs each test in one, marked as Django's
TestCase marks its own) is not one, since it never commits; and the immediate backend (the tests') runs the task at
once on the same connection, inside the transaction, where it sees the rows it needs and is rolled back with them.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


def _in_a_transaction() -> bool:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    # Django marks the atomic blocks a test case opens (`_from_testcase`, as its own `durable` check reads them).
    return not all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def enqueue_after_commit(task: Any, **kwargs: Any) -> None:
    """Enqueue `task` with `kwargs` when the current transaction commits; never when it rolls back."""
    enqueue = functools.partial(task.enqueue, **kwargs)
    if _in_a_transaction() and not isinstance(task.get_backend(), ImmediateBackend):
        transaction.on_commit(enqueue)
    else:
        enqueue()
