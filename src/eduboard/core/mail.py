"""E-mail through the task queue: a page never waits for (or fails on) the mail server.

`TaskEmailBackend` (settings.EMAIL_BACKEND) turns each message into plain JSON and enqueues `send_email_task`;
the worker sends it through `settings.EMAIL_DELIVERY_BACKEND` (SMTP in production). A message that cannot be
sent fails its task, which the worker logs and the task backend keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task

from eduboard.core.enqueue import enqueue_after_commit


def message_as_data(message: EmailMessage) -> dict[str, Any]:
    """What a message is, as JSON a task can carry (text parts only: eduboard sends no attachments by mail)."""
    alternatives = [list(part) for part in getattr(message, "alternatives", [])]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in alternatives],
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@task()
def send_email_task(message: dict[str, Any]) -> int:
    """Send one message through the delivery backend; returns how many were sent."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    return int(connection.send_messages([message_from_data(message)]) or 0)


class TaskEmailBackend(BaseEmailBackend):
    """Enqueues every message as a task instead of sending it in the request."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            enqueue_after_commit(send_email_task, message=message_as_data(message))
        return len(email_messages)
