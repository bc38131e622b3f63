"""The API's error answers, in one place: every error is JSON, and every operation's schema documents them.

`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) adds what DRF leaves to Django: a delete of an object
that others still refer to answers 409 with what refers to it, and a database that stays busy answers 503, both
as JSON. `document_errors` (a drf-spectacular postprocessing hook) adds the error answers an operation can give to
its schema: 400 for writes and filtered lists, 401 and 403 everywhere, 404 where a path names an object, 409 for
writes, 415 where a body is read, 429 (throttled) everywhere, all with the `Error` schema.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: `detail` says what went wrong; a refused write names each field with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

DESCRIPTIONS = {
    "400": "The request was refused: each field with its messages, or `detail`.",
    "401": "Not signed in (no valid token or session).",
    "403": "Signed in, but this role may not do this.",
    "404": "No such object, or not one the caller may see (or a page past the last).",
    "409": "Conflict: the object changed since it was read (send the version you read), or others still refer to it.",
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
        return Response({"detail": _("A number in the request is out of range.")}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(error, context)


# Text the API accepts: no control characters (RefuseControlCharactersMiddleware refuses them; tab, line feed and
# carriage return are text). Written into the schema so a client, and Schemathesis, know it before sending.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
# String formats that carry their own rule (a date, a number written as text, a file): no text pattern added.
FORMATTED = {"date", "date-time", "time", "binary", "uri", "email", "uuid", "decimal", "duration", "ipv4", "ipv6"}
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
                for parameter in operation.get("parameters", []):
                    schema = parameter.get("schema", {})
                    _constrain(schema)
                    if parameter.get("in") == "query":
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
            whole, places = found.group(1), found.group(2)
            fraction = f"(?:\\.\\d{{1,{places}}})?" if places else ""
            schema["pattern"] = f"^-?\\d{{1,{whole}}}{fraction}$"
        elif fmt not in FORMATTED and "pattern" not in schema:
            schema["pattern"] = TEXT_PATTERN
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
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": reference}}}
                )
    return result
