"""API pieces every area uses: model validation errors as API errors, and writes that carry a version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from eduboard.core.scope import Viewer, scoped


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


# --- Scope, structurally: related fields, serializers and viewsets that apply the viewer's scope themselves.


def request_viewer(context: dict[str, Any]) -> Viewer:
    """The viewer of a serializer's request; a scoped field used without one is a programming error."""
    request = context.get("request")
    if request is None:
        raise ImproperlyConfigured("A scoped serializer field needs the request in its context.")
    viewer: Viewer = request.user
    return viewer


class ScopedRelatedFieldMixin:
    """A related field whose choices are the rows the requesting viewer may link to (`editable_by`).

    It is given the model, never a queryset of all rows: `ScopedSlugRelatedField(Institution,
    slug_field="registration_number")`. Its only choices are the model family's `editable_by(viewer)` for the
    request's viewer; without a request it offers none. A row outside the viewer's scope is answered exactly like a
    row that does not exist, so ids of other institutions' learners or staff can neither be used nor probed.
    (ModelSerializer's generated fields pass `queryset=`; only its model is kept.)
    """

    context: dict[str, Any]

    def __init__(self, model: type[Model] | None = None, **kwargs: Any) -> None:
        given = kwargs.pop("queryset", None)
        self.scope_model = model if model is not None else (given.model if given is not None else None)
        if self.scope_model is not None:
            kwargs["queryset"] = self.scope_model._default_manager.none()  # a placeholder; see get_queryset
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if self.scope_model is None:
            raise ImproperlyConfigured("A writable scoped related field needs its model.")
        rows = self.scope_model._default_manager.all()
        return scoped(rows, request_viewer(self.context), editing=True)


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A primary-key related field limited to the viewer's scope."""


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A slug related field (registration number, code, …) limited to the viewer's scope."""


class ScopedModelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """The base of every model serializer: its generated related fields are scoped to the viewer."""

    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_related_to_field = ScopedSlugRelatedField


class ScopedViewSetMixin:
    """Rows are those the caller may read (`visible_to`); an unsafe method works on those they may change
    (`editable_by`), so a foreign row answers 404 on every path. Subclasses set `queryset` (with its
    select_related) and never override `get_queryset`: the permission matrix test holds them to it."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        request: Request = self.request  # type: ignore[attr-defined]
        return scoped(queryset, request.user, editing=request.method not in SAFE_METHODS)


class FullCleanMixin:
    """Run the model's own validation (validators and constraints) before saving."""

    def _clean(self, instance: Any) -> None:
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise api_error(error) from error


class ScopedModelViewSet(ScopedViewSetMixin, FullCleanMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """A read-write viewset over the caller's rows; writes run the model's validation first."""

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:  # type: ignore[type-arg]
        instance = serializer.Meta.model(**serializer.validated_data)  # type: ignore[attr-defined]
        self._clean(instance)
        serializer.instance = serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:  # type: ignore[type-arg]
        for name, value in serializer.validated_data.items():
            setattr(serializer.instance, name, value)
        self._clean(serializer.instance)
        serializer.save()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """A read-only viewset over the rows the caller may read."""
