"""Middleware of every request: the language, privacy headers, refusing control characters in input, and a
clear answer when the database stays locked by other writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from eduboard.core.text import validate_no_control_characters
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
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
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
    models' text fields carry the same validator for the API's JSON and for services (see core.apps).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for data in (request.GET, request.POST):
            for name, values in data.lists():
                for value in (name, *values):  # a parameter's name is text too
                    try:
                        validate_no_control_characters(value)
                    except ValidationError as error:
                        return self.refuse(
                            request, _("%(field)s: %(error)s") % {"field": name, "error": error.messages[0]}
                        )
        if request.content_type == "application/json" and request.body:
            try:
                document = json.loads(request.body)
            except ValueError:
                document = None  # not JSON: the API's parser answers that
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
    def refuse(request: HttpRequest, message: str) -> HttpResponse:
        """The 400 answer: JSON for the API, plain text for pages."""
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "error_codes": {"detail": ["control_character"]}}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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
