"""Optimistic locking, one way for every area: a row carries a `version`; an edit says which version it was
made on, and an edit of a stale copy is refused instead of silently overwriting a newer change.

An edit writes only the fields that changed (`save_versioned`), and a write that the database refuses because
another write holds the lock (SQLite's "database is locked", PostgreSQL's deadlock) is run again a few times
and then answered with a clear `busy` error (`atomic_write`), never a server error.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import OperationalError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.latvian import LatvianKeyField

P = ParamSpec("P")
R = TypeVar("R")

STALE_RECORD = gettext_lazy(
    "Someone else changed this record meanwhile (you edited version %(yours)s, it is now at version "
    "%(now)s); reload the page and enter your change again."
)
BUSY = gettext_lazy("The database is busy with another change and nothing was saved; try again in a moment.")
#: Error codes of a refused edit that conflicts with someone else's change (the API answers 409).
CONFLICT_CODES = frozenset({"stale", "gone"})
#: How often a write refused for a lock is tried in all, and the first pause (doubled each time), in seconds.
WRITE_ATTEMPTS = 6
FIRST_PAUSE = 0.05
#: A refusal that came later than this (seconds) came after the database's own wait for the lock (SQLite's busy
#: timeout): running the write again would only make the person wait that long once more, so it is answered at once.
QUICK_REFUSAL = 2.0
# PostgreSQL: serialization failure, deadlock, lock not available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def refuse_stale(*, stored: int | None, expected: int | None, message: StrOrPromise) -> None:
    """Raise the stale-edit error (code `stale`) when `expected` is given and is not the `stored` version.

    `message` may name both versions as `%(yours)s` and `%(now)s`.
    """
    if expected is not None and stored != expected:
        raise ValidationError(str(message) % {"yours": expected, "now": stored}, code="stale")


def _gone() -> ValidationError:
    return ValidationError(_("This record was deleted meanwhile."), code="gone")


def _stamped(model: type[models.Model]) -> list[str]:
    """Fields the database stamps on every save (`auto_now`): written with every edit."""
    return [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]


def save_versioned(
    instance: Any,
    *,
    expected_version: int | None = None,
    stale_message: StrOrPromise = STALE_RECORD,
    many: Mapping[str, Iterable[models.Model]] | None = None,
    clean: bool = True,
) -> list[str]:
    """Save a new row, or an edit of a stored one, inside the caller's transaction (see `atomic_write`).

    A new row is validated and inserted whole. For a stored row: lock it, refuse the edit when the row was deleted
    meanwhile (code `gone`) or when its version is not the one the edit was made on (code `stale`; by default the
    version `instance` was read at, so an edit of an old copy is never written over a newer row), validate it, and
    write only the fields whose values differ from the locked row, with the version moved on by one. `many` sets
    many-to-many fields (name → rows) in the same edit. An edit that changes nothing writes nothing.

    Returns the names of the fields written (besides the version and the timestamps).
    """
    model = type(instance)
    if instance.pk is None:
        if clean:
            instance.full_clean()
        instance.save()
        for name, rows in (many or {}).items():
            getattr(instance, name).set(list(rows))
        return [
            field.name
            for field in model._meta.concrete_fields
            if not field.primary_key and not isinstance(field, LatvianKeyField)
        ]
    expected = instance.version if expected_version is None else expected_version
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stored = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values(*(field.attname for field in fields))
        .first()
    )
    if stored is None:
        raise _gone()
    refuse_stale(stored=stored["version"], expected=expected, message=stale_message)
    if clean:
        instance.full_clean()
    stamped = _stamped(model)
    changed = [
        field.name
        for field in fields
        if field.name != "version"
        and field.name not in stamped
        and not isinstance(field, LatvianKeyField)  # written with their sources (LatvianKeysMixin)
        and getattr(instance, field.attname) != stored[field.attname]
    ]
    changed_many: dict[str, list[models.Model]] = {}
    for name, rows in (many or {}).items():
        wanted = list(rows)
        if {row.pk for row in wanted} != set(getattr(instance, name).values_list("pk", flat=True)):
            changed_many[name] = wanted
    if not changed and not changed_many:
        instance.version = stored["version"]
        return []
    instance.version = stored["version"] + 1
    instance.save(update_fields=[*changed, "version", *stamped])
    for name, wanted in changed_many.items():
        getattr(instance, name).set(wanted)
    return [*changed, *changed_many]


def is_lock_conflict(error: BaseException) -> bool:
    """Whether the database refused a statement because another transaction holds a lock it needs (SQLite's
    "database is locked", PostgreSQL's deadlock or serialization failure): running the transaction again may
    succeed."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text


def atomic_write(func: Callable[P, R]) -> Callable[P, R]:
    """Run a service in one transaction, like `transaction.atomic`; when it is the outermost transaction and the
    database refuses it at once for a lock another write holds (a deadlock SQLite or PostgreSQL broke by refusing
    this one), roll back and run it again (it then reads the other write's result, so a stale edit is refused as
    stale), a few times with a short pause; then, or when the refusal came only after the database's own wait for
    the lock, refuse it with a clear `busy` error. Inside a caller's transaction it is a savepoint, and the
    outermost write is the one run again."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(WRITE_ATTEMPTS):
            started = time.monotonic()
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if not is_lock_conflict(error):
                    raise
                if attempt + 1 == WRITE_ATTEMPTS or time.monotonic() - started > QUICK_REFUSAL:
                    raise ValidationError(str(BUSY), code="busy") from error
                time.sleep(FIRST_PAUSE * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def error_codes(error: ValidationError) -> set[str]:
    """The codes of a ValidationError's messages (of every field, when it names fields)."""
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items if item.code}
    return {item.code for item in error.error_list if item.code}
