"""Middleware of every request: the language, privacy headers, limits on a request's size and a JSON body's nesting,
refusing control characters in input, and a clear answer when the database stays locked by other writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from eduboard.core.text import validate_no_control_characters, validate_no_invisible_characters
from eduboard.core.versions import BUSY, is_lock_conflict


class DefaultLanguageMiddleware:
    """Activate the language from the language cookie, else LANGUAGE_CODE (Latvian).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: the board's
    system speaks Latvian first, and a person switches language explicitly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
PRIVATE_CACHE_CONTROL = "no-store, private"
HEALTH_PATH = "/api/health/"


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether no cache may keep this response: a file download, the API, or anything a signed-in person sees."""
    if response.get("Content-Disposition", "").lower().startswith("attachment"):
        return True
    if request.path_info.startswith("/api/") and request.path_info != HEALTH_PATH:
        return True
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:  # the session could not be read (the health check's 503): treat it as personal
        return True


def _forbids_storing(cache_control: str) -> bool:
    """Whether a Cache-Control value already says no-store (as strict as ours, or stricter)."""
    return "no-store" in {directive.split("=")[0].strip().lower() for directive in cache_control.split(",")}


class PrivacyHeadersMiddleware:
    """Add Permissions-Policy to every response, and keep personal responses out of every cache.

    The camera stays allowed for our own pages (phone pages may scan QR codes); microphone, location,
    payment and USB are off. Responses to a signed-in person, API answers (except the health check) and
    file downloads get `Cache-Control: no-store, private`, unless they already say no-store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _is_private(request, response) and not _forbids_storing(response.get("Cache-Control", "")):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


# A request body larger than this (bytes) is answered 413 before it is read; file uploads (multipart) keep their own
# limits (DATA_UPLOAD_MAX_MEMORY_SIZE for their text parts, each upload's own size limit).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
REQUEST_BODY_MAX_BYTES = 5 * 1024 * 1024
# Arrays and objects nested deeper than this in a JSON body are answered 400 before anything parses it.
JSON_MAX_DEPTH = 64
FORM_CONTENT_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# A bracket's step in depth: +1 opens an array or object, -1 closes one, 0 is anything else.
_STEP = np.zeros(256, dtype=np.int8)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1
_QUOTE = ord('"')


def json_nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether a JSON text nests arrays and objects deeper than `limit`, found without parsing it: Python's JSON
    parser is recursive and meets the interpreter's recursion limit on `[` × 100,000.

    Escapes are dropped first (an escaped quote or backslash is never a string's end), then the brackets outside
    strings are summed in order (numpy, so a body of several megabytes takes milliseconds): the deepest running
    sum is the deepest a parser would go. A body that is not JSON is measured the same way.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    text = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = np.frombuffer(text, dtype=np.uint8)
    steps = _STEP[codes]
    steps[(np.cumsum(codes == _QUOTE, dtype=np.int64) & 1) == 1] = 0  # inside a string (after an odd quote)
    return bool(np.cumsum(steps, dtype=np.int64).max() > limit)


def _refusal(request: HttpRequest, message: str, code: str, status: int) -> HttpResponse:
    """A refused request: the API's error shape ({"detail": …, "error_codes": …}) under /api/, plain text elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "error_codes": {"detail": [code]}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class InputLimitsMiddleware:
    """Answer 413 to a request body over REQUEST_BODY_MAX_BYTES and 400 to a JSON body nested deeper than
    JSON_MAX_DEPTH, before any view, parser or other middleware reads it: no body can make a recursive parser (ours
    in RefuseControlCharactersMiddleware, DRF's JSONParser) fail with a server error.

    Every body but a form's is checked for nesting, whatever its declared type: DRF's JSON parser also takes
    `*/*` and `application/*`. Both limits are settings of the same names.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refusal(request)
        return refused if refused is not None else self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        """The answer refusing the request's body, or None when it is within the limits."""
        if request.content_type == "multipart/form-data":
            return None
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # as Django reads it: no body
        largest = int(getattr(settings, "REQUEST_BODY_MAX_BYTES", REQUEST_BODY_MAX_BYTES))
        if not size and request.method not in SAFE_METHODS and request.content_type not in FORM_CONTENT_TYPES:
            size = len(request.body)  # a body sent without a length (chunked, under ASGI): measured as read
        if size > largest:
            message = _("The request is too large: at most %(limit)d bytes are accepted, this one has %(size)d.")
            return _refusal(request, message % {"limit": largest, "size": size}, "request_too_large", 413)
        if size and request.content_type not in FORM_CONTENT_TYPES:
            deepest = int(getattr(settings, "JSON_MAX_DEPTH", JSON_MAX_DEPTH))
            if json_nesting_exceeds(request.body, deepest):
                message = _("The JSON body is nested too deeply: at most %(limit)d levels of arrays and objects.")
                return _refusal(request, message % {"limit": deepest}, "json_too_deep", 400)
        return None


def json_texts(document: Any, name: str = "-") -> Iterator[tuple[str, str, bool]]:
    """Every text of a JSON document, keys included: (the name of the field it is in, the text, whether it is a
    key)."""
    if isinstance(document, str):
        yield name, document, False
    elif isinstance(document, list):
        for item in document:
            yield from json_texts(item, name)
    elif isinstance(document, dict):
        for key, value in document.items():
            yield str(key), str(key), True
            yield from json_texts(value, str(key))


class RefuseControlCharactersMiddleware:
    """Answer 400 to a query, a form or a JSON body whose text holds a control character, before any view sees it
    (a NUL byte is refused by PostgreSQL inside any query, e.g. a lookup of a related object by name).

    Every form, bound to a model or not (search boxes, filters, sign-in), is covered in one place; the
    models' text fields carry the same validator for the API's JSON and for services (see core.apps). A page's
    query (not the API's) is also refused an invisible or direction-changing character (core.text).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = not request.path_info.startswith("/api/")
        for data in (request.GET, request.POST):
            # A page's address is single-line text a stranger can write and send as a link, and a page may show it
            # back (a search box): no invisible or direction-changing characters in it. A form's long texts may
            # hold them; the model fields refuse them in single-line text, with the form's own error.
            validators = [validate_no_control_characters]
            if page and data is request.GET:
                validators.append(validate_no_invisible_characters)
            for name, values in data.lists():
                for value in (name, *values):  # a parameter's name is text too
                    try:
                        for validator in validators:
                            validator(value)
                    except ValidationError as error:
                        message = _("%(field)s: %(error)s") % {"field": name, "error": error.messages[0]}
                        return self.refuse(request, message, error.code or "control_character")
        if request.content_type == "application/json" and request.body:
            try:
                document = json.loads(request.body)
            except (ValueError, RecursionError):
                document = None  # not JSON, or nested too deeply (InputLimitsMiddleware answers that first)
            for name, value, is_key in json_texts(document):
                try:
                    validate_no_control_characters(value)
                except ValidationError as error:  # as the API words a refused field: {field: [message]}
                    # A key of a map (an observation's criterion codes) has its own code: OpenAPI 3.0 cannot say
                    # what a map's keys may hold, so a client learns it here.
                    code = "control_character_in_key" if is_key else "control_character"
                    return JsonResponse({name: [error.messages[0]], "error_codes": {name: [code]}}, status=400)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, message: str, code: str = "control_character") -> HttpResponse:
        """The 400 answer: JSON for the API, plain text for pages."""
        return _refusal(request, message, code, 400)


class DatabaseBusyMiddleware:
    """Answer 503 with a clear message (and Retry-After), never a server error, when a write is refused because
    the database stays locked by other writes (SQLite's "database is locked", a PostgreSQL deadlock).

    Services run their writes through `core.versions.atomic_write`, which runs such a write again a few times and
    then refuses it as `busy`; this is the net for any write outside them. Nothing was saved: the transaction was
    rolled back before the answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_lock_conflict(exception):
            return None
        message = str(BUSY)
        response: HttpResponse
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "1"
        return response
