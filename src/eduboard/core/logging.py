"""Logs without personal data: a filter on every handler withholds what could name a child.

What reaches a log line and how it is kept out:
- request paths (Django logs "Not Found: /path" and "Internal Server Error: /path"): the matched URL pattern
  (`registry/learners/<int:pk>/`) instead, or only the first, known segment of a path that matches nothing;
- the request itself (its POST body, cookies and headers, which an e-mail or JSON handler would print): dropped;
- query strings (`?q=Bērziņš`): withheld;
- personal codes (`DDMMYY-NNNNN`, `32NNNN-NNNNN`, with or without the hyphen): masked;
- values a database error quotes (PostgreSQL's `Key (…)=(…)` and `Failing row contains (…)`): withheld.
Names cannot be recognised in free text, so the rules above remove the places names come from.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, get_resolver, resolve

WITHHELD = "[withheld]"

# Old-style codes DDMMYY-NNNNN (the century digit 0-2 first in the second part) and new-style 32NNNN-NNNNN, each
# with or without the hyphen. Institutions' registration numbers (4…, 5…, 9…) never match: no day starts so.
PERSONAL_CODE = re.compile(
    r"(?<![\d-])(?:\d{6}-\d{5}|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[0-2]\d{4}|32\d{9})(?![\d-])"
)
QUERY_STRING = re.compile(r"(?P<path>/[^\s?\"'<>]*)\?[^\s\"'<>]+")
DATABASE_KEY_VALUES = re.compile(r"(?P<key>Key \([^)]*\)=)\(.*?\)(?=\s+(?:already exists|is not present|conflicts))")
DATABASE_ROW = re.compile(r"(?P<lead>Failing row contains )\(.*\)")


def redact(text: str) -> str:
    """The text with personal codes, query strings and the values a database error quotes withheld."""
    text = PERSONAL_CODE.sub("******-*****", text)
    text = QUERY_STRING.sub(rf"\g<path>?{WITHHELD}", text)
    text = DATABASE_KEY_VALUES.sub(rf"\g<key>({WITHHELD})", text)
    return DATABASE_ROW.sub(rf"\g<lead>({WITHHELD})", text)


@cache
def _top_level_prefixes(urlconf: str) -> frozenset[str]:
    """The literal first segments of the site's URL patterns (`registry`, `accounts`, …)."""
    prefixes: set[str] = set()
    for pattern in get_resolver(urlconf).url_patterns:
        first = str(pattern.pattern).lstrip("^").split("/", 1)[0]
        if first and re.fullmatch(r"[a-z0-9_-]+", first):
            prefixes.add(first)
    return frozenset(prefixes)


def loggable_path(request: HttpRequest) -> str:
    """The request's path as a log may show it: its URL pattern, never what the visitor typed into it."""
    urlconf: str = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, urlconf)
        except Resolver404:
            match = None
    if match is not None and match.route:
        return "/" + match.route
    first = request.path_info.strip("/").split("/", 1)[0]
    if first in _top_level_prefixes(urlconf):
        return f"/{first}/{WITHHELD}"
    return f"/{WITHHELD}"


class PersonalDataFilter(logging.Filter):
    """Rewrites each record so that no personal data leaves in it (see the module's docstring); drops none."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._clean(record)
        except Exception:  # a log line must never break the request that writes it
            record.msg, record.args = "[log message withheld: it could not be checked for personal data]", ()
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.__dict__.pop("request", None)
        return True

    def _clean(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            safe_path = loggable_path(request)
            for shown in (request.get_full_path(), request.path):
                # Django escapes non-ASCII characters of the path it logs (`\u0101` for ā).
                for variant in (shown, shown.encode("unicode_escape").decode("ascii")):
                    if variant and variant != "/":
                        message = message.replace(variant, safe_path)
            # The request carries its POST body, cookies and headers: no handler gets it.
            record.request = None
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None  # the handler prints the checked text, never the live exception
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
