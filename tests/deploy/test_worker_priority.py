"""An import in a worker yields the processor to the pages (core.priority): on Linux with autogroup the CPU is
shared between sessions before a process's `nice` is read, so the worker's session is given the lower weight for
the import's duration and set back after it (the same worker computes figures for pages at full weight). In a web
process nothing changes: its session is the application server's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eduboard.core.priority import WORKER_ENVIRONMENT, autogroup_nice, background_priority, set_autogroup_nice


@pytest.fixture
def own_session() -> None:
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroup: a process's own nice is its weight")


def run_in_a_new_session(function: object) -> int:
    """Run `function` in a child process that starts a session of its own (as every worker of the cluster does)
    and return its exit status: 0 when its assertions held."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        try:
            os.setsid()
            function()  # type: ignore[operator]
        except BaseException:
            os._exit(1)
        os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_an_import_in_a_worker_runs_at_the_lower_weight_and_gives_it_back(own_session: None) -> None:
    def in_worker() -> None:
        os.environ[WORKER_ENVIRONMENT] = "1"
        assert autogroup_nice() == 0
        with background_priority(10) as lowered:
            assert lowered is True
            assert autogroup_nice() == 10
        assert autogroup_nice() == 0

    assert run_in_a_new_session(in_worker) == 0


def test_outside_a_worker_the_session_keeps_its_weight(own_session: None) -> None:
    def in_web_process() -> None:
        os.environ.pop(WORKER_ENVIRONMENT, None)
        with background_priority(10) as lowered:
            assert lowered is False
            assert autogroup_nice() == 0

    assert run_in_a_new_session(in_web_process) == 0


def test_a_session_already_at_a_lower_weight_is_left_as_it_is(own_session: None) -> None:
    def already_low() -> None:
        os.environ[WORKER_ENVIRONMENT] = "1"
        assert set_autogroup_nice(15)
        with background_priority(10) as lowered:
            assert lowered is False
            assert autogroup_nice() == 15
        assert autogroup_nice() == 15

    assert run_in_a_new_session(already_low) == 0
