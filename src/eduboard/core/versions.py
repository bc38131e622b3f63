"""Optimistic locking, one way for every area: a row carries a `version`; an edit says which version it was
made on, and an edit of a stale copy is refused instead of silently overwriting a newer change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django_stubs_ext import StrOrPromise


def locked_version(model: type[models.Model], pk: int) -> int | None:
    """Lock the row (inside the caller's transaction) and read its version; None when it is gone."""
    version: int | None = (
        model._default_manager.select_for_update().filter(pk=pk).values_list("version", flat=True).first()
    )
    return version


def refuse_stale(*, stored: int | None, expected: int | None, message: StrOrPromise) -> None:
    """Raise the stale-edit error (code `stale`) when `expected` is given and is not the `stored` version.

    `message` may name both versions as `%(yours)s` and `%(now)s`.
    """
    if expected is not None and stored != expected:
        raise ValidationError(str(message) % {"yours": expected, "now": stored}, code="stale")
