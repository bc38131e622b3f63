"""The audit trail of personal data, written in one place: full-record reads and exports (writes are recorded
by django-auditlog for every registered model, with the actor of the request or the API token)."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest


def audit_read(*, actor: Any, instance: models.Model) -> None:
    """Record that `actor` opened the full record of `instance` (a page or an API answer)."""
    accessed.send(sender=type(instance), instance=instance, actor=actor)


def audit_export(
    *, request: HttpRequest, model: type[models.Model], fmt: str, rows: int, full_codes: bool = False
) -> LogEntry:
    """Record an export: who, what (the model), the filter it was made with, the format and the row count."""
    actor = request.user if request.user.is_authenticated else None
    query = request.GET.copy()
    query.pop("export", None)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=f"export of {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=actor,
        remote_addr=request.META.get("REMOTE_ADDR"),
        additional_data={
            "export": fmt,
            "filter": query.urlencode(),
            "rows": rows,
            "full_personal_codes": full_codes,
            "path": request.path,
        },
    )
