"""The cluster's workers yield the CPU to the application servers on a shared host (scripts/cluster.py): every part
starts a session of its own, and Linux with autogroup shares the CPU between sessions before it reads a process's
`nice`, so the worker's session itself is given the lower weight."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.deploy.test_cluster import load_cluster_module


def autogroup_nice(pid: int) -> int:
    # "/autogroup-85 nice 0"
    return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])


def test_a_process_in_a_session_of_its_own_gets_the_workers_weight() -> None:
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroup: a process's own nice is its weight")
    cluster = load_cluster_module()
    ours = autogroup_nice(os.getpid())
    process = subprocess.Popen(["sleep", "30"], start_new_session=True)  # noqa: S607 - coreutils
    try:
        assert autogroup_nice(process.pid) == 0
        assert cluster.lower_autogroup(process.pid, cluster.WORKER_NICE) is True
        assert autogroup_nice(process.pid) == cluster.WORKER_NICE == 10
        assert autogroup_nice(os.getpid()) == ours  # the session that started it keeps its weight
    finally:
        process.kill()
        process.wait()
    assert cluster.lower_autogroup(process.pid, cluster.WORKER_NICE) is False  # gone: nothing to weigh
