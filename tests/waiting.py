"""Waiting in tests for a condition, never for a time: look again and again until it holds, up to a generous bound
that only a hang reaches (so no test's outcome rests on the machine's speed)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(
    condition: Callable[[], bool], what: str | Callable[[], str], *, seconds: float = 300, every: float = 0.2
) -> None:
    """Wait until `condition` holds, looking every `every` seconds; fail after `seconds` saying `what` (a text, or
    a function that tells the state at that moment)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s: {what() if callable(what) else what}"
        time.sleep(every)
