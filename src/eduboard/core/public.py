"""What the public pages (no sign-in) share: the language in the URL with links to the same page in the other
languages, rendering in that language, and a count of tries per address block in a time window (bot limits: an
IPv6 address counts by its /64 and an IPv4 address by its /24, `core.addresses.address_block`, so rotating the
addresses of one household or office gains nothing).

The counts are kept in the database (`core.RateCount`), counted up with one atomic statement
(`INSERT … ON CONFLICT (key) DO UPDATE SET count = count + n RETURNING count`, SQLite 3.35 and later and
PostgreSQL alike): concurrent requests each get their own total, so exactly `limit` of them pass a limit however
many arrive at the same moment (the file cache's add-then-increment let 12 of 30 through a limit of 10). Windows
are fixed (the current hour for `seconds=3600`); the rows of ended windows are deleted when a new window begins."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from eduboard.core.addresses import client_address, client_block  # noqa: F401 - the public pages' address, re-exported
from eduboard.core.models import RateCount

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


def _key(name: str, who: str, window: int) -> str:
    key = f"{name}:{who}:{window}"
    if len(key) > 200:  # a long `who` (an e-mail, a header): its digest keeps the key within the column
        key = f"{name}:{hashlib.sha256(who.encode()).hexdigest()}:{window}"
    return key[:200]


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def count_up(name: str, who: str, *, seconds: int, amount: int = 1) -> int:
    """Add `amount` to what `who` (an address, a card, an account) has used of `name` in the current window of
    `seconds`, with one atomic statement; the total in the window, this one included. Committed at once when
    called outside a transaction."""
    window = _window(seconds)
    key = _key(name, who, window)
    expires = datetime.fromtimestamp((window + 1) * seconds, tz=UTC)
    table, key_, count, expires_at = (
        connection.ops.quote_name(n) for n in (RateCount._meta.db_table, "key", "count", "expires_at")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {count}, {expires_at}) VALUES (%s, %s, %s) "  # noqa: S608 - names quoted
            f"ON CONFLICT ({key_}) DO UPDATE SET {count} = {table}.{count} + excluded.{count} RETURNING {count}",
            [key, amount, connection.ops.adapt_datetimefield_value(expires)],
        )
        total = int(cursor.fetchone()[0])
    if total == amount:  # a new window of this key: clean the windows that have ended
        RateCount.objects.filter(expires_at__lte=datetime.now(tz=UTC)).delete()
    return total


def over_limit(name: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one more try of `who` (an address, a user) at `name` in the current window of `seconds`; whether it
    goes over `limit` (atomic: of any number of concurrent tries, exactly `limit` pass)."""
    return count_up(name, who, seconds=seconds) > limit


def count_of(name: str, who: str, *, seconds: int) -> int:
    """What `who` has used of `name` in the current window of `seconds` (0: nothing yet), counting nothing."""
    found = RateCount.objects.filter(key=_key(name, who, _window(seconds))).values_list("count", flat=True).first()
    return int(found or 0)
