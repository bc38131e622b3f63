"""The audit trail of personal data, written in one place: full-record reads, bulk reads of children's data and
exports (writes are recorded by django-auditlog for every registered model, with the actor of the request or the
API token; bulk writes in services record themselves with `audit_bulk_write`). What is audited, model by model,
is decided in core.audit_policy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from eduboard.core.addresses import client_address
from eduboard.core.scope import Viewer


def audit_read(*, actor: Viewer, instance: models.Model) -> None:
    """Record that `actor` opened the full record of `instance` (a page or an API answer)."""
    accessed.send(sender=type(instance), instance=instance, actor=actor)


def _access_entry(request: Any, model: type[models.Model], what: str, data: dict[str, Any]) -> LogEntry:
    """One ACCESS entry of rows of `model` read by the request's user: who, from where, the filter and the path."""
    http_request = getattr(request, "_request", request)  # a REST framework request wraps Django's
    user = request.user
    query = http_request.GET.copy()
    if "export" in data:  # an export's entry names its format apart; the filter is what chose the rows
        query.pop("export", None)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=f"{what} {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=user if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) else None,
        remote_addr=client_address(http_request) or None,
        additional_data={**data, "filter": query.urlencode(), "path": http_request.path},
    )


def audit_export(
    *, request: HttpRequest, model: type[models.Model], fmt: str, rows: int, full_codes: bool = False
) -> LogEntry:
    """Record an export: who, what (the model), the filter it was made with, the format and the row count."""
    return _access_entry(request, model, "export of", {"export": fmt, "rows": rows, "full_personal_codes": full_codes})


_BULK_READS_SEEN = "_eduboard_bulk_reads"


def audit_bulk_read(*, request: Any, model: type[models.Model], rows: int, route: str = "") -> LogEntry | None:
    """Record that the request's user received `rows` rows of `model` at once (a list page, an API list, a document,
    a picker or a search), when the model holds children's personal data (core.audit_policy).

    One entry per request and model, whatever the number of calls; a read of no rows is not recorded. `request` is a
    Django request or a REST framework one; `route` names the page or route when the path alone does not.
    """
    from eduboard.core.audit_policy import holds_childrens_data

    if rows <= 0 or not holds_childrens_data(model):
        return None
    http_request = getattr(request, "_request", request)
    seen: set[str] = getattr(http_request, _BULK_READS_SEEN, set())
    label = model._meta.label
    if label in seen:
        return None
    seen.add(label)
    setattr(http_request, _BULK_READS_SEEN, seen)
    return _access_entry(request, model, "list of", {"read": "bulk", "rows": rows, "route": route})


# How many row ids a bulk-write entry lists (a class's loans, a criterion's levels); beyond that only the count.
BULK_WRITE_IDS_KEPT = 500


def audit_bulk_write(
    *,
    actor: Viewer | None,
    model: type[models.Model],
    action: int,
    rows: int,
    what: str,
    instance: models.Model | None = None,
    ids: Iterable[Any] = (),
    changes: dict[str, list[Any]] | None = None,
) -> LogEntry | None:
    """Record a write that bypasses django-auditlog's signals (`QuerySet.update`, `bulk_create`, `bulk_update`):
    one entry with who (`actor`: a user, or the whole city's tools: no actor), what (`model`, `action`: a
    `LogEntry.Action`, `what`: a short description), how many rows and, up to `BULK_WRITE_IDS_KEPT`, which ones.

    With `instance` the entry belongs to that record's history (the rows are its parts: an observation's answers,
    an evaluation's levels); `changes` ({field: [before, after]}) is shown on the audit page with the row count.
    A write of no rows is not recorded. The request's address is added by auditlog's middleware.
    """
    if rows <= 0:
        return None
    owner = type(instance) if instance is not None else model
    kept = [str(pk) for pk in ids][:BULK_WRITE_IDS_KEPT]
    object_pk = "" if instance is None else str(instance.pk)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(owner),
        object_pk=object_pk,
        object_id=instance.pk if instance is not None and isinstance(instance.pk, int) else None,
        object_repr=what[:200] if instance is None else f"{instance}: {what}"[:200],
        action=action,
        changes={
            "rows": ["", str(rows)],
            **{name: [str(old), str(new)] for name, (old, new) in (changes or {}).items()},
        },
        changes_text="",
        actor=actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None,
        additional_data={
            "write": "bulk",
            "model": model._meta.label,
            "rows": rows,
            "what": what,
            "ids": kept,
        },
    )


def audit_command_read(*, model: type[models.Model], rows: int, command: str, **data: Any) -> LogEntry | None:
    """Record that a command (the board's own tools: no actor) wrote `rows` rows of `model` out of the system, e.g.
    an export to files; a read of no rows is not recorded."""
    if rows <= 0:
        return None
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=f"export of {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=None,
        additional_data={"read": "bulk", "rows": rows, "command": command, **data},
    )


def audit_whole_deployment(*, reason: str) -> LogEntry:
    """Record that work of the worker or a command read every board's walled rows (core.board_wall's
    `whole_deployment`), and why."""
    from django.apps import apps

    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(apps.get_model("registry", "Board")),
        object_pk="",
        object_repr="the whole deployment",
        action=LogEntry.Action.ACCESS,
        changes_text="",
        actor=None,
        additional_data={"read": "whole deployment", "reason": reason},
    )
