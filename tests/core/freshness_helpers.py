"""A request's freshness state for tests that call selectors outside a request (core.freshness)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from eduboard.core import freshness


@contextmanager
def request_state(**values: bool) -> Iterator[freshness.RequestState]:
    """As inside a request whose freshness is `values` (`pinned`, `wrote`)."""
    state = freshness.RequestState(**values)
    token = freshness._state.set(state)
    try:
        yield state
    finally:
        freshness._state.reset(token)
