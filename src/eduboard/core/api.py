"""API pieces every area uses: model validation errors as API errors, and writes that carry a version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DecimalField as DjangoDecimalField
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, ErrorDetail, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.schemas.inspectors import ViewInspector

from eduboard.core.audit import audit_bulk_read
from eduboard.core.openapi import Schema
from eduboard.core.scope import Viewer, scoped
from eduboard.core.versions import BUSY, CONFLICT_CODES, error_codes


class VersionConflict(APIException):
    """409: the edit was made on a version someone else's change has replaced (or the row was deleted meanwhile)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


class DatabaseBusy(APIException):
    """503: the database stayed locked by other writes; nothing was saved, and the same request may be sent again."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "busy"
    wait = 1  # DRF answers it as Retry-After


#: Codes of a service's refusal for the caller's role, not for the data (only the board agrees a self-assessment,
#: records an accreditation, evaluates heads, revises the observation form): the API answers 403, as for a method
#: the role may not use at all, never 400.
ROLE_CODES = frozenset({"permission", "board_only"})


def api_error(error: DjangoValidationError) -> APIException:
    """A service's ValidationError as an API answer: a refusal for the caller's role (a board-only step asked by
    a head: codes in ROLE_CODES) as 403 with the reason under `detail`, a stale or deleted-meanwhile edit as 409
    under `version`, a database busy with other writes as 503 under `detail`, anything else as 400, by field when
    it names fields, else under `detail`."""
    codes = error_codes(error)
    if codes & ROLE_CODES:
        return PermissionDenied(" ".join(error.messages))
    if codes & CONFLICT_CODES:
        return VersionConflict({"version": error.messages})
    if "busy" in codes:
        return DatabaseBusy({"detail": str(BUSY)})
    if hasattr(error, "error_dict"):
        return ValidationError({field: error_details(items) for field, items in error.error_dict.items()})
    return ValidationError({"detail": error_details(error.error_list)})


def error_details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    """Each message with its code: a service's or a model's own (`invalid_registration_number`, `unique`), or
    `rule` when it gave none: a rule of the data that a schema cannot state."""
    return [ErrorDetail(message, code=item.code or "rule") for item in errors for message in item.messages]


CONFLICT_ANSWER = inline_serializer(
    "VersionConflict",
    {"version": serializers.ListField(child=serializers.CharField(), help_text="why the edit was refused")},
)
BUSY_ANSWER = inline_serializer("DatabaseBusy", {"detail": serializers.CharField()})


class VersionedSchema(Schema):
    """The OpenAPI description of a versioned viewset: an update also answers 409 (stale version) and 503 (busy)."""

    def get_response_serializers(self) -> Any:
        answer = super().get_response_serializers()
        if self.method in ("PUT", "PATCH") and getattr(self.view, "action", None) in ("update", "partial_update"):
            return {200: answer, 409: CONFLICT_ANSWER, 503: BUSY_ANSWER}
        return answer


class StrictJSON:
    """A field that takes the JSON type its schema names only: DRF's fields also take other types (a name sent as
    the number `2.1e+89`, a count as the text "12", a yes as "true"), which the schema says are refused."""

    json_types: ClassVar[tuple[type, ...]] = (str,)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, self.json_types) or (isinstance(data, bool) and bool not in self.json_types):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictJSON, serializers.CharField):
    """A CharField that takes text only (see StrictJSON)."""


# The JSON types each kind of field takes (a decimal is written as text, as the schema says).
_JSON_TYPES: list[tuple[type, tuple[type, ...]]] = [
    (serializers.CharField, (str,)),
    (serializers.DecimalField, (str,)),
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (int, float)),
]
_STRICT: dict[type, type] = {serializers.CharField: StrictCharField}


def strict_field(field_class: type) -> type:
    """`field_class` taking only the JSON type its schema names (see StrictJSON); other fields as they are."""
    if issubclass(field_class, StrictJSON):
        return field_class
    json_types = next((types for base, types in _JSON_TYPES if issubclass(field_class, base)), None)
    if json_types is None:
        return field_class
    if field_class not in _STRICT:
        name = f"Strict{field_class.__name__}"
        _STRICT[field_class] = type(name, (StrictJSON, field_class), {"json_types": json_types})
    return _STRICT[field_class]


class VersionField(StrictJSON, serializers.IntegerField):
    """The `version` a row was read at: shown on every read, required back on every update (see
    VersionedWritesMixin), never needed on create."""

    json_types = (int,)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "help_text", "The version you read; send it back on update. A stale one is refused with 409 Conflict."
        )
        super().__init__(**kwargs)


def sent_version(data: dict[str, Any]) -> int:
    """The `version` an update sent (taken out of `data`); refused as `required` (400) when it is missing, as the
    schema says (core.openapi.require_versions)."""
    expected = data.pop("version", None)
    if expected is None:
        raise ValidationError(
            {"version": [ErrorDetail(_("Send the version you read, so no one's change is overwritten."), "required")]}
        )
    return int(expected)


class VersionedWritesMixin:
    """Creates and updates through a service that checks the `version` the caller read (optimistic locking).

    An update must send `version` (400 without it); the viewset's `save_with(instance, expected, many)` calls the
    area's service, which writes only the fields that changed and refuses a stale version: 409 Conflict, with the
    reason under `version`, and nothing changed. `many` holds the many-to-many fields sent (name → rows).
    """

    schema: ViewInspector | None = VersionedSchema()

    def save_with(self, instance: Any, expected: int | None, many: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _save(self, instance: Any, expected: int | None, many: Mapping[str, Any]) -> None:
        try:
            self.save_with(instance, expected, many)
        except DjangoValidationError as error:
            raise api_error(error) from error

    @staticmethod
    def _split(model: type[Model], data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(plain fields, many-to-many fields) of validated data."""
        names = {field.name for field in model._meta.many_to_many}
        return (
            {name: value for name, value in data.items() if name not in names},
            {name: value for name, value in data.items() if name in names},
        )

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        model = serializer.Meta.model  # type: ignore[attr-defined]
        plain, many = self._split(model, data)
        instance = model(**plain)
        self._save(instance, None, many)
        serializer.instance = instance

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        expected = sent_version(data)
        instance: Any = serializer.instance
        plain, many = self._split(type(instance), data)
        for name, value in plain.items():
            setattr(instance, name, value)
        self._save(instance, expected, many)


# --- Scope, structurally: related fields, serializers and viewsets that apply the viewer's scope themselves.


def context_request(context: dict[str, Any]) -> Any:
    """The request of a serializer's context; a scoped field used without one is a programming error."""
    request = context.get("request")
    if request is None:
        raise ImproperlyConfigured("A scoped serializer field needs the request in its context.")
    return request


def request_viewer(context: dict[str, Any]) -> Viewer:
    """The viewer of a serializer's request; a scoped field used without one is a programming error."""
    viewer: Viewer = context_request(context).user
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


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    """A primary-key related field limited to the viewer's scope."""


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    """A slug related field (registration number, code, …) limited to the viewer's scope. A code that names rows of
    several boards the viewer works for (each board's `state` funding source) is refused, never guessed."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except MultipleObjectsReturned:
            raise serializers.ValidationError(
                _("“%(value)s” is the code of a row of each of several boards you work for, so it does not say which.")
                % {"value": data}
            ) from None


# Dates the API takes in a query: figures of a real school year, not of year 1 (a year before it does not exist).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def query_date(request: Request, name: str, default: date | None = None) -> date:
    """The date in the query parameter `name` (YYYY-MM-DD, 1900–2100); `default` when it is absent or empty, and
    without a default a missing date is refused. A bad one is refused with 400 naming the parameter."""
    raw = request.query_params.get(name)
    if not raw:
        if default is None:
            raise ValidationError({name: [_("Give the date as YYYY-MM-DD.")]})
        return default
    try:
        value: date = serializers.DateField().to_internal_value(raw)
    except serializers.ValidationError:
        raise ValidationError({name: [_("Write the date as YYYY-MM-DD.")]}) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            {name: [_("A date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}]}
        )
    return value


class RefuseUnknownFields:
    """A field the serializer does not have is refused (400, naming it) instead of silently ignored: a misspelt
    field name would otherwise look saved. Read-only fields sent back, as a client that echoes an object does,
    are still ignored. The schema says the same (`additionalProperties: false`, core.openapi.constrain_inputs)."""

    def to_internal_value(self, data: Any) -> Any:
        fields = self.fields  # type: ignore[attr-defined]
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in fields)
            if unknown:
                raise serializers.ValidationError({name: [_("There is no such field.")] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class DecimalField(serializers.DecimalField):
    """An amount written with the digits 0–9 (as the schema's pattern says): Python would also read other scripts'
    digits ("४" as 4), which no client means to send; an empty text is not an amount, nor null."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        """Only `null` is no amount: DRF also reads "" (or spaces) as null where null is allowed, which the schema
        (a number written as text, or null) calls wrong."""
        if isinstance(data, str) and not data.strip():
            self.fail("invalid")
        return serializers.Field.validate_empty_values(self, data)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not data.strip().isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class ScopedModelSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """The base of every model serializer: its generated related fields are scoped to the viewer; a field it does
    not have is refused."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        DjangoDecimalField: DecimalField,
    }

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        return strict_field(field_class), kwargs

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

    def paginate_queryset(self, queryset: Any) -> Any:
        """A page of a list route; a page of children's personal data is written to the audit trail once per
        request with its row count (core.audit_policy), so every list route is audited without remembering to."""
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        model = getattr(queryset, "model", None)
        if page is not None and model is not None:
            audit_bulk_read(request=self.request, model=model, rows=len(page), route="api")  # type: ignore[attr-defined]
        return page


class FullCleanMixin:
    """Run the model's own validation (validators and constraints) before saving."""

    def _clean(self, instance: Any) -> None:
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise api_error(error) from error


class ScopedModelViewSet(ScopedViewSetMixin, FullCleanMixin, viewsets.ModelViewSet):
    """A read-write viewset over the caller's rows; writes run the model's validation first."""

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        instance = serializer.Meta.model(**serializer.validated_data)  # type: ignore[attr-defined]
        self._clean(instance)
        serializer.instance = serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        for name, value in serializer.validated_data.items():
            setattr(serializer.instance, name, value)
        self._clean(serializer.instance)
        serializer.save()


class ScopedUpdateOnlyViewSet(
    ScopedViewSetMixin,
    FullCleanMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rows that come with another (a self-assessment's criteria): read and changed here, never created or
    deleted on their own, so the collection has no POST and the rows no DELETE."""

    perform_update = ScopedModelViewSet.perform_update


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset over the rows the caller may read."""
