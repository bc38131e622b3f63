"""E-mail through the task queue (core.mail, settings.EMAIL_BACKEND): a page hands its message to a task and never
waits for the mail server; the worker gives the delivery backend the message as it was written, and the message of
a request that failed is never sent.

pytest-django puts Django's in-memory backend in EMAIL_BACKEND for every test; here the project's own backend is put
back, and tasks go to the database task backend a deployment without Redis runs, so the path is production's: page
→ task row, committed → `manage.py worker` → delivery backend. The delivery backend is the in-memory one
(tests/conftest.py), so what reached it is read in `mail.outbox`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from eduboard.accounts.models import User
from eduboard.core.mail import message_as_data, message_from_data
from tests.support.tasks import DATABASE_TASKS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

SEND_TASK = "eduboard.core.mail.send_email_task"


@pytest.fixture(autouse=True)
def mail_through_tasks(settings: Any) -> None:
    settings.EMAIL_BACKEND = "eduboard.core.mail.TaskEmailBackend"
    settings.TASKS = DATABASE_TASKS


def written() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Rindas pieteikums: vieta piedāvāta",
        body="Labdien!\nJūsu bērnam piedāvāta vieta.",
        from_email="parvalde@example.lv",
        to=["vecaks@example.lv"],
        cc=["iestade@example.lv"],
        bcc=["arhivs@example.lv"],
        reply_to=["rinda@example.lv"],
        headers={"X-Eduboard-Kind": "queue-offer"},
    )
    message.attach_alternative("<p>Labdien!</p><p>Jūsu bērnam piedāvāta vieta.</p>", "text/html")
    return message


def as_sent(message: EmailMultiAlternatives) -> tuple[object, ...]:
    return (
        message.subject,
        message.body,
        message.from_email,
        message.to,
        message.cc,
        message.bcc,
        message.reply_to,
        message.extra_headers,
        [tuple(part) for part in message.alternatives],
    )


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=SEND_TASK).count()


def test_a_message_is_queued_when_its_transaction_commits_and_the_worker_delivers_it_as_written() -> None:
    message = written()
    with transaction.atomic():
        assert message.send() == 1
        assert queued() == 0  # not before the request's writes are committed
    assert (queued(), mail.outbox) == (1, [])  # the request sent nothing itself
    call_command("worker", batch=True)
    assert len(mail.outbox) == 1
    assert as_sent(mail.outbox[0]) == as_sent(message)


def test_the_message_a_task_carries_is_plain_json_and_reads_back_the_same() -> None:
    data = json.loads(json.dumps(message_as_data(written())))
    assert as_sent(message_from_data(data)) == as_sent(written())


def test_a_request_that_fails_sends_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        written().send()
        raise RuntimeError("the request failed after writing its message")
    call_command("worker", batch=True)
    assert (queued(), mail.outbox) == (0, [])


def test_the_password_reset_page_sends_its_link_through_the_queue(make_user: Callable[..., User]) -> None:
    make_user(username="skolotaja", email="skolotaja@example.lv")
    response = Client().post("/accounts/password/reset/", {"email": "skolotaja@example.lv"})
    assert response.status_code == 302
    assert (queued(), mail.outbox) == (1, [])
    call_command("worker", batch=True)
    assert [sent.to for sent in mail.outbox] == [["skolotaja@example.lv"]]
    assert re.search(r"http://testserver/accounts/password/reset/\S+/", mail.outbox[0].body)
