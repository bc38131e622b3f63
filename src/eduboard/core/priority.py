"""Background work that yields the processor: an import in a worker runs at a lower CPU weight than the pages and
the figures computed for them (docs/operations.md, "Workers' priority").

Linux with autogroup (`kernel.sched_autogroup_enabled`, Debian's default) shares the CPU between sessions first and
applies a process's `nice` only within its own session; a worker and its RQ work horse are one session, so the
weight that counts is the session's (`/proc/self/autogroup`). It is set for the job's duration and set back after,
so the same worker computes a figure for a page (`core.figures_cache.refresh_figures`) at full weight. Only in a
worker process (`manage.py worker`): in a web process the same session is the application server's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Set by `manage.py worker` for itself and the work horses it forks.
WORKER_ENVIRONMENT = "EDUBOARD_WORKER"


def autogroup_nice(pid: int | str = "self") -> int | None:
    """The CPU weight (nice) of the session of process `pid`, or None where the kernel has no autogroup."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def set_autogroup_nice(nice: int, pid: int | str = "self") -> bool:
    """Give the session of process `pid` the CPU weight of `nice` (0–19) against the other sessions; False where
    there is no autogroup or the process is gone."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        return False
    return True


@contextmanager
def background_priority(nice: int) -> Iterator[bool]:
    """Run the block at the CPU weight of `nice` when in a worker process with autogroup, and set the session's
    weight back after it; elsewhere, or with `nice` 0, as it is. Yields whether the weight was lowered."""
    before = autogroup_nice() if nice > 0 and os.environ.get(WORKER_ENVIRONMENT) else None
    if before is None or before >= nice or not set_autogroup_nice(nice):
        yield False
        return
    try:
        yield True
    finally:
        set_autogroup_nice(before)
