"""Figures computed once per change (issue 42, point 2): while one process computes an entry, another does not
compute it too; it serves the previous answer, labelled with its time, for at most FIGURES_STALE_SECONDS, unless it
must read fresh figures (its author wrote lately, or it is no request at all), and then waits for the entry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from eduboard.core import freshness
from eduboard.core.figures_cache import once

KEY, OLD_KEY, LATEST = "figures:new", "figures:old", "figures-latest:same"


class Slow:
    """A computation that holds until it is let go, and counts how often it ran."""

    def __init__(self, value: Any, *, fails: bool = False) -> None:
        self.value, self.fails = value, fails
        self.started, self.go = threading.Event(), threading.Event()
        self.runs = 0

    def __call__(self) -> Any:
        self.runs += 1
        self.started.set()
        assert self.go.wait(10)
        if self.fails:
            raise RuntimeError("the computation failed")
        return self.value


@contextmanager
def computing(slow: Slow) -> Iterator[dict[str, Any]]:
    """`once(KEY, …)` computing `slow` in another thread, started and held while the block runs."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = once(KEY, LATEST, slow)
        except RuntimeError as error:
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    assert slow.started.wait(10)
    try:
        yield result
    finally:
        slow.go.set()
        thread.join(10)


@contextmanager
def request_state(**values: bool) -> Iterator[freshness.RequestState]:
    state = freshness.RequestState(**values)
    token = freshness._state.set(state)
    try:
        yield state
    finally:
        freshness._state.reset(token)


def later(delay: float, action: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(delay, action)
    timer.start()
    return timer


def test_the_first_reader_computes_and_keeps_the_entry() -> None:
    calls: list[int] = []
    assert once(KEY, LATEST, lambda: calls.append(1) or "figures") == "figures"
    assert once(KEY, LATEST, lambda: calls.append(1) or "again") == "figures"
    assert calls == [1]


def test_a_second_reader_waits_for_the_computation_instead_of_computing_again() -> None:
    slow = Slow("new figures")
    own: list[int] = []
    with computing(slow) as result:
        timer = later(0.3, slow.go.set)
        assert once(KEY, LATEST, lambda: own.append(1) or "computed twice") == "new figures"
        timer.join()
    assert result["value"] == "new figures"
    assert (slow.runs, own) == (1, [])


def test_a_reader_gets_the_previous_answer_labelled_with_its_time_while_the_new_one_is_computed() -> None:
    before = time.time()
    assert once(OLD_KEY, LATEST, lambda: "previous figures") == "previous figures"
    slow = Slow("new figures")
    with computing(slow), request_state() as state:
        assert once(KEY, LATEST, lambda: pytest.fail("computed while another process computes")) == "previous figures"
        assert len(state.served_previous) == 1 and before <= state.served_previous[0] <= time.time()
        context = freshness.figures_freshness(HttpRequest())
        assert context["figures_as_of"].timestamp() == pytest.approx(state.served_previous[0])
    # Once computed, the new entry is what everyone reads, and the previous answer is no longer served.
    with request_state() as state:
        assert once(KEY, LATEST, lambda: "never") == "new figures"
        assert state.served_previous == []


@pytest.mark.parametrize(
    "reader",
    ["wrote lately", "wrote in this request", "no request (worker, command)", "previous answer too old"],
)
def test_readers_who_must_see_fresh_figures_wait_for_them(reader: str) -> None:
    once(OLD_KEY, LATEST, lambda: "previous figures")
    slow = Slow("new figures")
    stale_seconds = 0 if reader == "previous answer too old" else 5
    with override_settings(FIGURES_STALE_SECONDS=stale_seconds), computing(slow):
        timer = later(0.3, slow.go.set)
        if reader == "no request (worker, command)":
            assert once(KEY, LATEST, lambda: "computed twice") == "new figures"
        else:
            values = {"pinned": reader == "wrote lately", "wrote": reader == "wrote in this request"}
            with request_state(**values) as state:
                if reader == "previous answer too old":
                    time.sleep(0.05)  # the computation began more than FIGURES_STALE_SECONDS (0) ago
                assert once(KEY, LATEST, lambda: "computed twice") == "new figures"
                assert state.served_previous == []
        timer.join()
    assert slow.runs == 1


def test_when_the_computing_process_fails_a_waiting_reader_computes_the_entry_itself() -> None:
    slow = Slow("never", fails=True)
    with computing(slow) as result:
        timer = later(0.2, slow.go.set)
        assert once(KEY, LATEST, lambda: "computed here") == "computed here"
        timer.join()
    assert isinstance(result["error"], RuntimeError)
    assert once(KEY, LATEST, lambda: "again") == "computed here"


# --- the request's freshness


def serve(request: HttpRequest, *, writes: bool) -> tuple[HttpResponse, freshness.RequestState]:
    seen: list[freshness.RequestState] = []

    def view(request: HttpRequest) -> HttpResponse:
        state = freshness.current()
        assert state is not None
        seen.append(state)
        if writes:
            freshness.note_written()
        return HttpResponse("ok")

    response = freshness.FreshnessMiddleware(view)(request)
    assert freshness.current() is None  # nothing of the request is left for the next one in this thread
    return response, seen[0]


@override_settings(READ_YOUR_WRITES_SECONDS=10)
def test_a_browser_that_wrote_reads_fresh_figures_for_a_while_then_may_be_served_previous_answers() -> None:
    factory = RequestFactory()
    response, state = serve(factory.get("/"), writes=False)
    assert "eduboard_wrote" not in response.cookies and not state.pinned
    response, state = serve(factory.post("/"), writes=True)
    cookie = response.cookies["eduboard_wrote"]
    assert cookie["httponly"] and cookie["max-age"] == 10
    after = factory.get("/")
    after.COOKIES["eduboard_wrote"] = cookie.value
    _response, state = serve(after, writes=False)
    assert state.pinned
    assert freshness.wrote_recently(after)
    assert not freshness.wrote_recently(after, now=time.time() + 11)
    forged = factory.get("/")
    forged.COOKIES["eduboard_wrote"] = str(time.time())  # not signed: ignored
    assert not freshness.wrote_recently(forged)


@pytest.mark.django_db
def test_a_page_says_when_its_figures_are_a_previous_answer(make_user: Callable[..., Any]) -> None:
    from django.template import engines

    from eduboard.accounts.roles import Role

    template = engines["django"].from_string("{% extends 'base.html' %}")
    with request_state() as state:
        freshness.note_previous_served(time.time() - 3)
        request = RequestFactory().get("/")
        request.user = make_user(Role.BOARD_ANALYST)
        html = template.render({**freshness.figures_freshness(request)}, request)
    assert state.served_previous
    assert 'role="status"' in html and "<time datetime=" in html
