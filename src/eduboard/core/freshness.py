"""How fresh a request's figures must be: a person's own writes are read at once, other people's changes may show a
few seconds late while the figures are being computed again, and a page says so.

When a change makes a cached figure obsolete (`core.figures_cache`), the first request that needs it computes it;
the others that need it meanwhile do not compute it too. They serve the previous answer, labelled with the time it
was computed, for at most `FIGURES_STALE_SECONDS` after the computation began, and after that wait for it. Three
kinds of reader never get a previous answer:

- a person who wrote something within `READ_YOUR_WRITES_SECONDS` (a signed cookie, `eduboard_wrote`, set on the
  response of any request that wrote, carries the moment): they wait for the new figures, so what they just saved
  is in them;
- anything outside a request (a report built by the worker, a management command): it computes or waits;
- a request that has written itself (the connection's own writes are never cached at all).

`FreshnessMiddleware` keeps the request's state; the context processor `figures_freshness` gives a page the oldest
moment of a previous answer it served (`figures_as_of`), which the base template shows above the content, and the
response carries it in the header `X-Figures-As-Of` (ISO 8601, UTC) for a reader of the API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

COOKIE = "eduboard_wrote"
_SALT = "eduboard.core.freshness"


@dataclass
class RequestState:
    """One request's freshness: `pinned` (it must read its author's own writes), `wrote` (it wrote), and the moments
    of the previous answers it served (`served_previous`, seconds since the epoch)."""

    pinned: bool = False
    wrote: bool = False
    served_previous: list[float] = field(default_factory=list)


_state: ContextVar[RequestState | None] = ContextVar("eduboard_freshness", default=None)


def current() -> RequestState | None:
    """The state of the request being served (None outside a request)."""
    return _state.get()


def may_serve_previous() -> bool:
    """Whether a previous answer may be served: only inside a request of someone who has not written lately."""
    state = current()
    return state is not None and not state.pinned and not state.wrote


def note_written() -> None:
    """The request being served wrote (called by the write watch of `core.figures_cache`)."""
    state = current()
    if state is not None:
        state.wrote = True


def note_previous_served(computed_at: float) -> None:
    state = current()
    if state is not None:
        state.served_previous.append(computed_at)


def wrote_recently(request: HttpRequest, *, now: float | None = None) -> bool:
    """Whether the request's cookie says its browser wrote within READ_YOUR_WRITES_SECONDS."""
    try:
        moment = float(request.get_signed_cookie(COOKIE, salt=_SALT) or "")
    except (KeyError, ValueError, signing.BadSignature):
        return False
    now = time.time() if now is None else now
    return 0 <= now - moment <= settings.READ_YOUR_WRITES_SECONDS


class FreshnessMiddleware:
    """Keeps the request's freshness state; marks the browser of a request that wrote for READ_YOUR_WRITES_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        state = RequestState(pinned=wrote_recently(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.served_previous:
            # The label for a reader of the API, as the page's notice is for a person.
            moment = datetime.fromtimestamp(min(state.served_previous), tz=UTC)
            response.headers["X-Figures-As-Of"] = moment.isoformat(timespec="seconds")
        if state.wrote:
            response.set_signed_cookie(
                COOKIE,
                repr(time.time()),
                salt=_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def figures_freshness(request: HttpRequest) -> dict[str, Any]:
    """`figures_as_of`: when the oldest previous answer this page shows was computed (absent when all are fresh)."""
    state = current()
    if state is None or not state.served_previous:
        return {}
    return {"figures_as_of": datetime.fromtimestamp(min(state.served_previous), tz=UTC)}
