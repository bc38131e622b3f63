"""A task is enqueued when the transaction that asked for it commits, never before (a worker on another host would
look for rows not yet committed) and never after a rollback; outside a transaction, at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.mail import send_email_task
from tests.support.tasks import DATABASE_TASKS

MESSAGE = {"subject": "s", "body": "b", "from_email": "a@example.lv", "to": ["b@example.lv"]}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_databases]


@pytest.fixture(autouse=True)
def queued_in_the_database(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS


def queued() -> int:
    return DBTaskResult.objects.filter(task_path="eduboard.core.mail.send_email_task").count()


def test_inside_a_transaction_the_task_waits_for_the_commit() -> None:
    with transaction.atomic():
        enqueue_after_commit(send_email_task, message=MESSAGE)
        with transaction.atomic():  # a savepoint: still the outer transaction's
            enqueue_after_commit(send_email_task, message=MESSAGE)
        assert queued() == 0
    assert queued() == 2


def test_a_transaction_rolled_back_enqueues_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(send_email_task, message=MESSAGE)
        raise RuntimeError("the view failed")
    assert queued() == 0


def test_outside_a_transaction_the_task_is_enqueued_at_once() -> None:
    enqueue_after_commit(send_email_task, message=MESSAGE)
    assert queued() == 1
