"""An import in a worker yields the processor to the pages (core.priority), and the lower priority is the job's
alone: the worker thread that runs it, for its duration, set back when it ends or fails. Never the process's other
threads nor its session, which a web server may share (`make demo`) and which outlives a worker killed mid-job. In
a web process nothing changes."""

from __future__ import annotations

import io
import os
import select
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eduboard.core.priority import WORKER_ENVIRONMENT, background_priority, may_raise_back_to, thread_nice

pytestmark = [
    pytest.mark.skipif(thread_nice() is None, reason="a thread has a priority of its own on Linux only"),
    pytest.mark.one_database,
]


def process_nice() -> int:
    """The nice of the process's main thread (on Linux its id is the process's)."""
    return os.getpriority(os.PRIO_PROCESS, os.getpid())


def session_weight() -> str | None:
    """The CPU weight of the process's session under autogroup (None without autogroup)."""
    path = Path("/proc/self/autogroup")
    return path.read_text() if path.exists() else None


def in_a_thread(function: Callable[[], Any]) -> Any:
    """Run `function` in a new thread (as the worker's job would), re-raising its failure here; its result."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = function()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


@pytest.fixture
def in_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENVIRONMENT, "1")


def test_an_import_in_a_worker_lowers_its_own_thread_only_and_gives_it_back(in_worker: None) -> None:
    process, session = process_nice(), session_weight()

    def job() -> tuple[bool, int | None, int | None, int | None]:
        before = thread_nice()
        with background_priority(10) as lowered:
            during = thread_nice()
            started = in_a_thread(thread_nice)  # the job's own threads (the import's check) inherit it
            assert (process_nice(), session_weight()) == (process, session)  # the rest of the process: as it was
        assert thread_nice() == before
        return lowered, before, during, started

    lowered, before, during, started = in_a_thread(job)
    if not may_raise_back_to(before or 0):  # pragma: no cover - a worker without CAP_SYS_NICE nor RLIMIT_NICE
        assert (lowered, during) == (False, before)
        return
    assert (lowered, during, started) == (True, 10, 10)
    assert (process_nice(), session_weight()) == (process, session)


def test_a_failed_import_gives_the_priority_back_too(in_worker: None) -> None:
    def job() -> tuple[int | None, int | None]:
        before = thread_nice()
        with pytest.raises(RuntimeError), background_priority(10):
            raise RuntimeError("the import failed")
        return before, thread_nice()

    before, after = in_a_thread(job)
    assert after == before


def test_outside_a_worker_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKER_ENVIRONMENT, raising=False)

    def web_request() -> tuple[bool, int | None, int | None]:
        before = thread_nice()
        with background_priority(10) as lowered:
            return lowered, before, thread_nice()

    lowered, before, during = in_a_thread(web_request)
    assert (lowered, during) == (False, before)


def test_a_worker_killed_mid_import_leaves_its_session_as_it_was() -> None:
    """A worker process in this process's session (as under `make demo`, or a test run), killed while its job runs
    at the lower priority: the session, and so every other process in it, keeps its weight and priority."""
    process, session = process_nice(), session_weight()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker, killed below
        # The child never returns into the test run, whatever happens here: a child that did would run the rest
        # of this process's tests and hang at their end on a live server whose thread it does not have.
        try:
            os.environ[WORKER_ENVIRONMENT] = "1"
            with background_priority(10) as lowered:
                os.write(writing, b"1" if lowered else b"0")
                while True:
                    signal.pause()
        except BaseException:
            os.write(writing, b"E")
        finally:
            os._exit(0)
    os.close(writing)
    try:
        ready, _, _ = select.select([reading], [], [], 120)  # a generous bound, never reached unless the child hangs
        lowered = os.read(reading, 1) if ready else b""
    finally:
        os.close(reading)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert lowered in (b"0", b"1")
    assert (process_nice(), session_weight()) == (process, session)


@pytest.mark.django_db
def test_an_import_job_runs_at_the_lower_priority_and_leaves_the_worker_as_it_was_done_or_failed(
    in_worker: None, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real import jobs run as the worker runs them (`import_job_run`), one saved and one refused: each read its
    rows at the lower priority, and after each the worker's thread is back where it was."""
    from eduboard.accounts.roles import Role
    from eduboard.core.jobs import import_job_run, import_job_start
    from eduboard.core.models import ImportJob
    from eduboard.registry.importers import ProgrammeImporter

    header = "code,name,level,special_needs,language\n"
    seen: list[int | None] = []
    real_run = ProgrammeImporter.run

    def noting_the_priority(self: ProgrammeImporter, *args: Any, **kwargs: Any) -> Any:
        seen.append(thread_nice())
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(ProgrammeImporter, "run", noting_the_priority)
    user = make_user(Role.BOARD_ADMIN)

    def job(text: str) -> ImportJob:
        return import_job_start(
            area="registry", kind="programmes", uploaded=io.BytesIO(text.encode()), filename="p.csv", user=user
        )

    saved = job(header + "21011111,Pamatizglītības programma,basic,none,lv\n")
    refused = job(header + "21011111,Pamatizglītības programma,no-such-level,none,lv\n")

    def worker() -> tuple[int | None, list[int | None], list[str]]:
        before = thread_nice()
        statuses = []
        for each in (saved, refused):
            statuses.append(import_job_run(job_id=each.pk).status)
            assert thread_nice() == before
        return before, seen, statuses

    before, during, statuses = worker()
    assert statuses == [ImportJob.Status.DONE, ImportJob.Status.FAILED]
    expected = 10 if may_raise_back_to(before or 0) else before
    assert during == [expected, expected]
