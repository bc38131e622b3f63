"""What the public pages (no sign-in) share: the language in the URL with links to the same page in the other
languages, rendering in that language, and a count of tries per address in a time window (bot limits)."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

PUBLIC_LANGUAGES = (("lv", "Latviešu"), ("ru", "Русский"), ("en", "English"))


def url_language(lang: str) -> str:
    """The URL's language, or 404 for any other."""
    if lang not in dict(PUBLIC_LANGUAGES):
        raise Http404
    return lang


def language_links(path: str, *, prefix: str, lang: str) -> list[tuple[str, str, str]]:
    """(code, the same page in that language, its name) for each language; `prefix` is the part before the
    language in the URL ("/centre/")."""
    here = f"{prefix}{lang}/"
    return [(code, path.replace(here, f"{prefix}{code}/", 1), name) for code, name in PUBLIC_LANGUAGES]


def render_in(
    request: HttpRequest, lang: str, template: str, context: dict[str, Any], *, prefix: str, status: int = 200
) -> HttpResponse:
    """`template` rendered in `lang`, with the language links of the page asked for."""
    with translation.override(lang):
        languages = language_links(request.get_full_path(), prefix=prefix, lang=lang)
        response = render(request, template, {**context, "lang": lang, "languages": languages}, status=status)
    response["Content-Language"] = lang
    return response


def over_limit(name: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one more try of `who` (an address, a user) at `name` in the current window of `seconds`; whether it
    goes over `limit`."""
    key = f"eduboard:limit:{name}:{who}:{int(time.time() // seconds)}"
    cache.add(key, 0, timeout=seconds)
    return int(cache.incr(key)) > limit
