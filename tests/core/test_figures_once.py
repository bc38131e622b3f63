"""Figures computed once per change (issue 42, point 2): while one process computes an entry, another does not
compute it too; it serves the previous answer, labelled with its time, for at most FIGURES_STALE_SECONDS, unless it
must read fresh figures (its author wrote lately, or it is no request at all), and then waits for the entry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from eduboard.core import figures_cache, freshness
from eduboard.core.figures_cache import once
from tests.core.freshness_helpers import request_state

pytestmark = pytest.mark.both_databases

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


@pytest.mark.parametrize("reader", ["wrote lately", "wrote in this request", "no request (worker, command)"])
def test_readers_who_must_see_fresh_figures_wait_for_them(reader: str) -> None:
    once(OLD_KEY, LATEST, lambda: "previous figures")
    slow = Slow("new figures")
    with computing(slow):
        timer = later(0.3, slow.go.set)
        if reader == "no request (worker, command)":
            assert once(KEY, LATEST, lambda: "computed twice") == "new figures"
        else:
            values = {"pinned": reader == "wrote lately", "wrote": reader == "wrote in this request"}
            with request_state(**values) as state:
                assert once(KEY, LATEST, lambda: "computed twice") == "new figures"
                assert state.served_previous == []
        timer.join()
    assert slow.runs == 1


def test_a_computation_older_than_the_stale_window_is_late_and_the_reader_computes_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No reader is served an answer older than FIGURES_STALE_SECONDS after the change, nor waits for a late one:
    the reader computes while the late computation is still held, without one look at the entry in between (what
    waiting is), whatever the machine's speed."""
    once(OLD_KEY, LATEST, lambda: "previous figures")
    slow = Slow("new figures")
    looks: list[float] = []

    class Clock:
        """The cache module's clock, recording each pause of a reader waiting for an entry."""

        def __getattr__(self, name: str) -> Any:
            return getattr(time, name)

        def sleep(self, seconds: float) -> None:
            looks.append(seconds)
            time.sleep(seconds)

    with override_settings(FIGURES_STALE_SECONDS=0), computing(slow), request_state() as state:
        time.sleep(0.05)  # the lock is older than the window (0 s) whatever the clock's resolution
        monkeypatch.setattr(figures_cache, "time", Clock())
        assert once(KEY, LATEST, lambda: "computed here") == "computed here"
        assert not slow.go.is_set() and looks == [] and state.served_previous == []


def test_the_first_reader_after_a_change_hands_the_computation_to_the_worker_and_serves_the_previous_answer() -> None:
    once(OLD_KEY, LATEST, lambda: "previous figures")
    queued: list[str] = []
    with request_state() as state:
        value = once(KEY, LATEST, lambda: pytest.fail("computed in the request"), refresh=lambda: queued.append(KEY))
        assert (value, queued, len(state.served_previous)) == ("previous figures", [KEY], 1)
        # Another reader meanwhile: the previous answer too, and nothing queued twice.
        assert once(KEY, LATEST, lambda: pytest.fail("computed twice"), refresh=lambda: queued.append("again"))
        assert queued == [KEY]
    # The worker keeps the entry and lets the lock go (core.figures_cache.refresh_figures does both).
    from django.core.cache import cache

    cache.set(KEY, "new figures")
    cache.delete(f"{KEY}:computing")
    with request_state():
        assert once(KEY, LATEST, lambda: "never") == "new figures"


def test_with_nothing_to_serve_meanwhile_the_first_reader_computes_in_the_request() -> None:
    queued: list[str] = []
    assert once(KEY, LATEST, lambda: "first figures", refresh=lambda: queued.append(KEY)) == "first figures"
    assert queued == []  # no previous answer: nothing to serve while the worker computes


def test_when_the_computing_process_fails_a_waiting_reader_computes_the_entry_itself() -> None:
    slow = Slow("never", fails=True)
    with computing(slow) as result:
        timer = later(0.2, slow.go.set)
        assert once(KEY, LATEST, lambda: "computed here") == "computed here"
        timer.join()
    assert isinstance(result["error"], RuntimeError)
    assert once(KEY, LATEST, lambda: "again") == "computed here"


# --- the request's freshness


def serve(
    request: HttpRequest, *, writes: bool, previous_at: float | None = None
) -> tuple[HttpResponse, freshness.RequestState]:
    seen: list[freshness.RequestState] = []

    def view(request: HttpRequest) -> HttpResponse:
        state = freshness.current()
        assert state is not None
        seen.append(state)
        if writes:
            freshness.note_written()
        if previous_at is not None:
            freshness.note_previous_served(previous_at)
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


@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_a_selectors_entry_after_a_change_with_the_readers_scope_and_language(
    school_a: Any, school_b: Any, make_user: Callable[..., Any]
) -> None:
    """The task the first reader queues (run at once in the tests' queue) computes the entry as the reader would:
    their scope, their language, the same arguments."""
    from datetime import date

    from django.utils import translation

    from eduboard.accounts.roles import Role
    from eduboard.registry.models import Institution
    from eduboard.registry.selectors import registry_figures

    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    as_of = date(2024, 10, 1)
    with request_state(), translation.override("ru"):
        before = registry_figures(as_of=as_of, visible_to=head)  # computed in the request: nothing to serve yet
    Institution.objects.filter(pk=school_b.pk).update(name="Cita skola")  # a committed registry write
    with request_state() as state, translation.override("ru"):
        after = registry_figures(as_of=as_of, visible_to=head)
        assert state.served_previous == []  # the worker kept the new entry before the reader looked again
    assert after == registry_figures.uncached(as_of=as_of, visible_to=head)  # type: ignore[attr-defined]
    assert before == after  # another school's name is not in a head's figures; their scope was kept


def test_the_worker_skips_an_entry_whose_figures_changed_again_since_it_was_asked_for() -> None:
    """Two changes in a row queue two computations of the same figures: only the newest is worth computing."""
    from django.core.cache import cache

    from eduboard.core.figures_cache import refresh_figures

    cache.set(f"{LATEST}:wanted", "figures:newer")
    cache.set(f"{KEY}:computing", time.time())
    refresh_figures.call(
        name="eduboard.registry.selectors.registry_stats",  # never imported: skipped before
        arguments={},
        who="city",
        language="lv",
        key=KEY,
        latest=LATEST,
    )
    assert cache.get(KEY) is None and cache.get(f"{KEY}:computing") is None  # not computed; its lock let go


def test_a_response_with_previous_answers_says_their_time_in_a_header() -> None:
    factory = RequestFactory()
    response, _state = serve(factory.get("/api/registry/stats/"), writes=False)
    assert "X-Figures-As-Of" not in response.headers
    response, _state = serve(factory.get("/api/registry/stats/"), writes=False, previous_at=1_790_000_000.0)
    assert response.headers["X-Figures-As-Of"] == "2026-09-21T14:13:20+00:00"


@pytest.mark.django_db
def test_a_selectors_arguments_and_viewer_travel_to_the_worker_as_they_were(
    school_a: Any, make_user: Callable[..., Any]
) -> None:
    from datetime import date, datetime

    from eduboard.accounts.roles import Role
    from eduboard.core import figures_cache
    from eduboard.core.scope import WHOLE_CITY

    moment = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    arguments = {"as_of": date(2024, 10, 1), "now": moment, "institution": school_a, "kinds": ["a", "b"], "n": 3}
    travelled = {k: figures_cache._decode(figures_cache._encode(v)) for k, v in arguments.items()}
    assert travelled == {**arguments, "kinds": ["a", "b"]}
    assert isinstance(travelled["now"], datetime) and travelled["now"] == moment
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    assert figures_cache._decode_viewer(figures_cache._encode_viewer(head)) == head
    assert figures_cache._decode_viewer(figures_cache._encode_viewer(WHOLE_CITY)) is WHOLE_CITY
    with pytest.raises(TypeError):
        figures_cache._encode(object())  # not sent: the reader computes it in the request instead
