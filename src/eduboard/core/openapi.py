"""The API's error answers, in one place: every error is JSON, and every operation's schema documents them.

`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) adds what DRF leaves to Django: a delete of an object
that others still refer to answers 409 with what refers to it, and a database that stays busy answers 503, both
as JSON; a refused request (400) also carries `error_codes`, each field's messages as stable codes (the messages
are in the caller's language, the codes are not): `does_not_exist` for a named object that is not there (or not
the caller's), `rule` for a rule of the data a schema cannot state (an end before its start, a loan of a device
already lent), and the codes of the field kinds (`required`, `invalid`, `max_length`, …) otherwise.

`document_errors` (a drf-spectacular postprocessing hook) adds the error answers an operation can give to its
schema: 400 for writes and filtered lists, 401 and 403 everywhere, 404 where a path names an object, 409 for
writes, 413 (too large) and 415 where a body is read, 429 (throttled) everywhere, all with the `Error` schema.
`Schema` and `constrain_inputs` write into the schema what the API refuses, so a request the schema calls valid is
refused only for what a schema cannot know: an object that is not there, or a rule of the data.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eduboard.core.text import INVISIBLE_CHARACTERS, validate_no_invisible_characters

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An error: `detail` says what went wrong; a refused request names each field with its messages, and "
        "`error_codes` gives the same fields with a stable code per message (`does_not_exist`: a named object is "
        "not there or not yours; `rule`: a rule of the data, such as an end before its start; otherwise the "
        "field's own codes: `required`, `invalid`, `max_length`, …)."
    ),
    "properties": {
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "error_codes": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": True,
}

DESCRIPTIONS = {
    "400": "The request was refused: each field with its messages, or `detail`.",
    "401": "Not signed in (no valid token or session).",
    "403": "Signed in, but this role may not do this (a step only the board takes, asked by an institution's head).",
    "404": "No such object, or not one the caller may see (or a page past the last).",
    "409": "Conflict: the object changed since it was read (send the version you read), or others still refer to it.",
    "413": "The body is too large (core.middleware.InputLimitsMiddleware: REQUEST_BODY_MAX_BYTES).",
    "415": "The body is not in a format this operation reads (send JSON).",
    "429": "Too many requests; wait and try again.",
}


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, ProtectedError | RestrictedError):
        referring = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        kinds = sorted({str(related._meta.verbose_name_plural) for related in referring})
        return Response(
            {
                "detail": _("This cannot be deleted while other records refer to it: %s.") % ", ".join(kinds),
                "referred_to_by": kinds,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, OverflowError):  # a number beyond what the database can hold, e.g. in a filter
        return Response(
            {"detail": _("A number in the request is out of range."), "error_codes": {"detail": ["out_of_range"]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(error, context)
    if response is not None and isinstance(error, ValidationError):
        codes = error.get_codes()
        if not isinstance(response.data, dict):  # a refusal of the whole request, not of named fields
            response.data = {"detail": response.data}
            codes = {"detail": codes}
        response.data["error_codes"] = codes
    return response


class Schema(AutoSchema):
    """drf-spectacular's schema of an operation, saying more of what a request may hold:

    - the limits of a decimal field (sent as text) go to `x-minimum` and `x-maximum`, which `constrain_inputs`
      writes into the field's pattern (JSON Schema's `minimum` and `maximum` do not apply to text);
    - in a request, a text that may not be blank has at least one character that is not a space, and an object
      named by its key (a slug or an id written as text) is not empty; single-line text (a model's CharField) has
      no invisible or direction-changing characters (core.text);
    - in a request, a field whose validator states its shape (`schema_pattern`, e.g. a registration number's 10
      digits), directly or through the field of the object it names, or whose serializer states it
      (`Meta.schema_patterns`, by field name), has that shape as its pattern.
    """

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        content = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(content, dict):
            return content
        if content.get("format") == "decimal" and isinstance(field, serializers.DecimalField):
            if field.min_value is not None:
                content["x-minimum"] = str(field.min_value)
            if field.max_value is not None:
                content["x-maximum"] = str(field.max_value)
        if direction == "request" and content.get("type") == "string" and "enum" not in content:
            declared = getattr(getattr(field.parent, "Meta", None), "schema_patterns", {})
            pattern = declared.get(field.field_name) or next(
                (p for v in _validators_of(field) if (p := getattr(v, "schema_pattern", None))), None
            )
            if pattern is not None:
                content["pattern"] = pattern
                return content
            if validate_no_invisible_characters in _validators_of(field):
                content["x-single-line"] = True  # constrain_inputs: no invisible or direction-changing characters
            if isinstance(field, serializers.RelatedField) or (
                isinstance(field, serializers.CharField) and not field.allow_blank
            ):
                content["minLength"] = max(content.get("minLength", 0), 1)
                content["x-not-blank"] = True
        return content


def _validators_of(field: Any) -> list[Any]:
    """The validators of a serializer field, and of the model field a slug field looks objects up by."""
    validators = list(getattr(field, "validators", []))
    if isinstance(field, serializers.SlugRelatedField) and field.queryset is not None:
        try:
            validators += field.queryset.model._meta.get_field(field.slug_field).validators
        except Exception:
            return validators
    return validators


# Text the API accepts: no control characters (RefuseControlCharactersMiddleware refuses them; tab, line feed and
# carriage return are text). Written into the schema so a client, and Schemathesis, know it before sending.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
# Text with at least one character that is not a space (the API trims text, so "  " would be blank).
NOT_BLANK_TEXT_PATTERN = "^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
# Single-line text (a model's CharField: a name, a title, a code) has no invisible or direction-changing characters
# either (core.text.validate_no_invisible_characters; INVISIBLE_CHARACTERS is written for both regex dialects).
_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
SINGLE_LINE_TEXT_PATTERN = f"^[^{_CONTROLS}{INVISIBLE_CHARACTERS}]*$"
NOT_BLANK_SINGLE_LINE_TEXT_PATTERN = f"^(?=[\\s\\S]*\\S)[^{_CONTROLS}{INVISIBLE_CHARACTERS}]*$"
# String formats that carry their own rule (a date, a number written as text, a file): no text pattern added.
FORMATTED = {"date", "date-time", "time", "binary", "uri", "email", "uuid", "decimal", "duration", "ipv4", "ipv6"}
# The dates a query takes (core.api.query_date): real days of the years 1900 to 2100, written YYYY-MM-DD
# (29 February of leap years only: 1900 and 2100 are not, 2000 is).
_YEAR = "(?:19[0-9]{2}|20[0-9]{2}|2100)"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = "(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:0[048]|[2468][048]|[13579][26]))-02-29"
QUERY_DATE_PATTERN = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})$"
DECIMAL_DIGITS = re.compile(r"\\d\{0,(\d+)\}(?:\(\?:\\\.\\d\{0,(\d+)\}\)\?)?")


def constrain_inputs(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the schema says what the API accepts, so a valid-looking request is
    never refused for a rule the schema left out, nor a wrong one accepted. Text has no control characters
    (TEXT_PATTERN); a decimal has at least one digit (drf-spectacular's pattern lets "" and "." through); an
    object sent in a request body has no fields beyond those named (ScopedModelSerializer refuses unknown
    fields); a query parameter may be sent empty, meaning not given."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict):
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    _constrain(media.get("schema"))  # a body described in place, not as a component
                for parameter in operation.get("parameters", []):
                    schema = parameter.get("schema", {})
                    _constrain(schema)
                    if parameter.get("in") == "query":
                        if schema.get("format") == "date":  # core.api.query_date: 1900-01-01 to 2100-12-31
                            schema["pattern"] = QUERY_DATE_PATTERN
                        if schema.get("type") == "integer":  # an id or a number a column holds: 32 bits
                            schema.setdefault("minimum", -(2**31))
                            schema.setdefault("maximum", 2**31 - 1)
                        if not parameter.get("required"):  # a parameter that must be given cannot be sent empty
                            parameter["schema"] = _may_be_empty(schema)
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name != "Error":
            _constrain(schema, closed=True)
    return result


def _may_be_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter sent empty (`?page=`, `?as_of=`, as a form left blank sends it) means "not given": the
    schema says so, as one more choice of a fixed list or as an empty text beside the parameter's own type."""
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
        return schema
    if schema.get("type") == "string" and "format" not in schema and "pattern" not in schema:
        return schema  # an empty text is already one of its values
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _constrain(schema: Any, *, closed: bool = False) -> None:
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema:
        fmt = schema.get("format")
        if fmt == "decimal" and (found := DECIMAL_DIGITS.search(schema.get("pattern", ""))):
            schema["pattern"] = decimal_pattern(
                int(found.group(1)),
                int(found.group(2) or 0),
                minimum=schema.pop("x-minimum", None),
                maximum=schema.pop("x-maximum", None),
            )
        elif fmt not in FORMATTED and "pattern" not in schema:
            not_blank, single_line = schema.pop("x-not-blank", False), schema.pop("x-single-line", False)
            schema["pattern"] = {
                (False, False): TEXT_PATTERN,
                (True, False): NOT_BLANK_TEXT_PATTERN,
                (False, True): SINGLE_LINE_TEXT_PATTERN,
                (True, True): NOT_BLANK_SINGLE_LINE_TEXT_PATTERN,
            }[not_blank, single_line]
        schema.pop("x-not-blank", None)
        schema.pop("x-single-line", None)
    if kind == "object" and closed and "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    for key in ("properties",):
        for child in schema.get(key, {}).values():
            _constrain(child, closed=closed)
    for key in ("items", "additionalProperties"):
        _constrain(schema.get(key), closed=closed)
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            _constrain(child, closed=closed)


def decimal_pattern(whole: int, places: int, *, minimum: str | None = None, maximum: str | None = None) -> str:
    """The pattern of a decimal written as text with at most `whole` digits before the point and `places` after:
    no minus sign when the lowest value is 0 or more, not zero when it is above 0, and at most a power of ten (100,
    100000.00) when that is the highest value. Digits are ASCII ([0-9]; the API refuses others)."""
    fraction = f"(?:\\.[0-9]{{1,{places}}})?" if places else ""
    number = f"[0-9]{{1,{whole}}}{fraction}"
    low = Decimal(minimum) if minimum is not None else None
    high = Decimal(maximum) if maximum is not None else None
    if high is not None and high > 0 and high == high.to_integral_value() and str(int(high)).rstrip("0") == "1":
        zeros = len(str(int(high))) - 1  # the highest value is 10**zeros: fewer digits, or exactly it
        exactly = f"1{'0' * zeros}" + (f"(?:\\.0{{1,{places}}})?" if places else "")
        number = f"(?:{exactly}|[0-9]{{1,{zeros}}}{fraction})" if zeros else f"(?:{exactly}|0{fraction})"
    if low is None or low < 0:
        return f"^-?{number}$"
    if low == 0:
        return f"^{number}$"
    return f"^(?![0.]*$){number}$"  # above zero: some digit is not 0


def require_versions(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: an update (PUT, PATCH) of a versioned object must send the `version` it
    read (core.api.VersionedWritesMixin refuses it otherwise), while a create need not: PATCH bodies have components
    of their own (`Patched…Request`), which get `version` required; a PUT gets a copy of the create's component
    (`…UpdateRequest`) with `version` required."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method in ("put", "patch"):
            operation = operations.get(method)
            if not operation:
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                reference = media.get("schema", {}).get("$ref", "")
                name = reference.rsplit("/", 1)[-1]
                component = components.get(name)
                if not component or "version" not in component.get("properties", {}):
                    continue
                if method == "put":
                    name = name.removesuffix("Request") + "UpdateRequest"
                    component = components.setdefault(name, copy.deepcopy(component))
                    media["schema"] = {"$ref": f"#/components/schemas/{name}"}
                if "version" not in component.setdefault("required", []):
                    component["required"].append("version")
    require_bodies(result)
    return result


def require_bodies(result: dict[str, Any]) -> None:
    """A request body whose schema has required fields is itself required (drf-spectacular leaves a PATCH body
    optional, though its `version` must be sent): the schema says what the API refuses, and an operation whose
    fields are all optional takes an empty body, or none (PATCH with `{}` changes nothing and answers 200)."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            for media in body.get("content", {}).values():
                schema = media.get("schema", {})
                name = schema.get("$ref", "").rsplit("/", 1)[-1]
                if (components.get(name) or schema).get("required"):
                    body["required"] = True


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error answers of every operation, with the `Error` schema."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["401", "403", "429"]
            if "{" in path or operation.get("parameters"):  # an object named in the path or a filter; a past page
                codes.append("404")
            if method != "get" or operation.get("parameters"):
                codes.append("400")
            if method in {"post", "put", "patch", "delete"}:
                codes.append("409")
            if "requestBody" in operation:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": reference}}}
                )
    return result
