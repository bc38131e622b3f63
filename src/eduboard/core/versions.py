"""Optimistic locking, one way for every area: a row carries a `version`; an edit says which version it was
made on, and an edit of a stale copy is refused instead of silently overwriting a newer change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
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


def count_edit(instance: Any, *, expected_version: int | None, stale_message: StrOrPromise) -> None:
    """Before saving an edit of a stored row (inside the caller's transaction): lock it, refuse the edit
    when the row was deleted meanwhile (code `gone`, so saving cannot bring it back) or when it changed
    since `expected_version` was read (code `stale`, `stale_message`), and count the edit in
    `instance.version`. A new row (no pk) is left as it is."""
    if instance.pk is None:
        return
    current = locked_version(type(instance), instance.pk)
    if current is None:
        raise ValidationError(_("This record was deleted meanwhile."), code="gone")
    refuse_stale(stored=current, expected=expected_version, message=stale_message)
    instance.version = current + 1
