"""An address that takes a form, opened as a page: a page that says so, instead of an empty answer.

Django answers a GET of a view that accepts POST only (`require_POST`, a class-based view without `get`) with
405 and no body, which a browser shows as a blank page (someone followed a link to it, reloaded it, or typed it).
One middleware turns such an answer, for a page, into templates/405.html: what the address is for and a link
back to the page that came before it (the referring page of this site, else the page's area from the menu).
The status (405) and its Allow header stay; the API (under /api/) answers in JSON as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

READING_METHODS = frozenset({"GET", "HEAD"})
API_PREFIX = "/api/"


def _referring_page(request: HttpRequest) -> str | None:
    """The page of this site the person came from (not this address itself), or None."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if referer.split("?", 1)[0].endswith(request.path):
        return None
    return referer


def is_blank_refusal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether `response` is Django's empty 405 to someone opening a page (not the API, not htmx)."""
    return (
        response.status_code == 405
        and request.method in READING_METHODS
        and not request.path_info.startswith(API_PREFIX)
        and "HX-Request" not in request.headers
        and not getattr(response, "streaming", False)
        and not response.content
    )


class MethodNotAllowedPageMiddleware:
    """A GET or HEAD of an address that takes a form answers with a page saying what to do (405 kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_blank_refusal(request, response):
            return response
        page = render(request, "405.html", {"back_url": _referring_page(request)}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
