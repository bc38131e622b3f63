"""API pieces every area uses: model validation errors as API errors, and writes that carry a version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


def api_error(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a 400 answer: by field when it names fields, else under `detail`."""
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class VersionedWritesMixin:
    """Creates and updates through a service that checks the `version` the caller read (optimistic locking).

    An update must send `version`; the viewset's `save_with(instance, expected_version)` calls the service.
    """

    def save_with(self, instance: Any, expected: int | None) -> None:
        raise NotImplementedError

    def _save(self, instance: Any, expected: int | None) -> None:
        try:
            self.save_with(instance, expected)
        except DjangoValidationError as error:
            raise api_error(error) from error

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        instance = serializer.Meta.model(**data)  # type: ignore[attr-defined]
        self._save(instance, None)
        serializer.instance = instance

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise ValidationError({"version": [_("Send the version you read, so no one's change is overwritten.")]})
        instance = serializer.instance
        for name, value in data.items():
            setattr(instance, name, value)
        self._save(instance, expected)
