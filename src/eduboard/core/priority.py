"""Background work that yields the processor: an import in a worker runs at a lower CPU priority than the pages
and the figures computed for them (docs/operations.md, "Workers' priority").

The priority belongs to the job alone: the thread that runs it is given the lower priority (its own `nice`; Linux
applies `setpriority(PRIO_PROCESS, thread id)` to that thread only) for the job's duration and set back when the
job ends or fails; threads the job starts meanwhile inherit it and end with it. Never the process's other threads,
its process group or its session (`/proc/self/autogroup`): a web server may share the worker's session (`make
demo`), and a session's weight outlives a worker killed mid-job. A thread's nice is only raised again with
CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd's `LimitNICE=20`, `ulimit -e 20`); without either, the job
runs at the worker's priority rather than leave the worker lowered after it. Only in a worker process (`manage.py
worker`), never in a web process.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger("eduboard.jobs")

#: Set by `manage.py worker` for itself and the work horses it forks.
WORKER_ENVIRONMENT = "EDUBOARD_WORKER"

#: The capability to raise a thread's priority again (linux/capability.h).
CAP_SYS_NICE = 23


def thread_nice() -> int | None:
    """The nice of the calling thread, or None where a thread has no priority of its own (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except OSError:
        return None


def set_thread_nice(nice: int) -> bool:
    """Give the calling thread (only) the priority of `nice`; False where not allowed."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:
        return False
    return True


def _capable_of_sys_nice() -> bool:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> CAP_SYS_NICE & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def may_raise_back_to(nice: int) -> bool:
    """Whether this process may set a thread's nice back to `nice` after lowering it (RLIMIT_NICE allows
    20 − limit and above; CAP_SYS_NICE allows any)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NICE)
    if soft == resource.RLIM_INFINITY or 20 - soft <= nice:
        return True
    return _capable_of_sys_nice()


@contextmanager
def background_priority(nice: int) -> Iterator[bool]:
    """Run the block in this thread at the priority of `nice` when in a worker process, and set the thread's
    priority back after it, whether the block ends or fails; elsewhere, with `nice` 0, or where the priority could
    not be set back, as it is. Yields whether the priority was lowered."""
    before = thread_nice() if nice > 0 and os.environ.get(WORKER_ENVIRONMENT) else None
    if before is None or before >= nice:
        yield False
        return
    if not may_raise_back_to(before):
        logger.info("a job runs at the worker's priority: raising a thread's priority again is not allowed here")
        yield False
        return
    if not set_thread_nice(nice):
        yield False
        return
    try:
        yield True
    finally:
        if not set_thread_nice(before):
            logger.error("the worker thread's priority could not be set back to %s after a job", before)
