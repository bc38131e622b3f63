"""Figures cached per date and scope, and never stale after a write.

The dashboard and the statistics pages read the same figures again and again (every request of a board user
recomputed every figure over the whole city: 1.9 s a page on the national set). `cached_figures` keeps a
selector's answer in Django's cache under a key made of the selector, its arguments (the date), the viewer's
scope (the institutions they see, not the user: two heads of one school share the entry), the language, a
digest of the code and of the settings figures depend on (`code_salt`: a new release never reads an old
release's entries), and the *generation* of each area the figures rest on.

Generations are tokens kept in the database (`core.DataGeneration`), so every process (web workers, the task
worker, commands) shares them: for each area (`AREAS`) one for the whole deployment, one for "any board", one per
board (`registry@b3`) and one per institution (`registry@i17`). Which a committed write renews is
`core.figures_writes`' question (its writer's institutions and boards, or the whole area). An entry is keyed by the
whole area's token and its viewer's (`scope_parts`): an institution's role's institutions', a board's role's boards'
(or the one board chosen), "any board" for the whole deployment. Figures that read rows outside their viewer's scope
(a person's rates in every institution, a leaver's new school anywhere, residents learning in another board) call
`reads_beyond_scope` before the query and declare those areas (`cached_figures(..., beyond_scope=...)`): for them they
rest on "any board". A computation that reads beyond its scope undeclared, or reads a cached figure whose tokens its
own do not cover, is served but not kept (`_missed`; an error under FIGURES_STRICT, as in the tests). A token is made
at its first read, on the primary, before the figures are read.

Why renewed after the commit and not at the write: a reader that computes between the write and the commit sees the
old data; had the token changed already, the old figures would be kept under the new token. Changing it after
the commit means a reader can only keep figures at least as new as its token. The connection that wrote reads
its own uncommitted writes and never caches them (they may still be rolled back); the figures are computed
fresh for it until its transaction ends. Tokens are random, never counters, so a restored backup or a test
database made again cannot meet an entry made for other data.

Computed once per change: an entry is computed by one process at a time (a lock in the cache, `cache.add`, held at
most `FIGURES_LOCK_SECONDS`). The others that need it meanwhile serve the previous answer of the same figures (the
entry computed before the change, found through a pointer kept without the tokens), labelled with its time, while
the computation is younger than `FIGURES_STALE_SECONDS`; after that, or where `core.freshness` says the reader must
see fresh figures (its own recent writes, a report built by the worker), they wait for the entry (polling every
50 ms) and compute it themselves only when the lock goes without an entry (the computing process failed).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import inspect
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, models
from django.utils import translation
from django_tasks import task

from eduboard.core import board_wall, freshness, replica
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.figures_writes import (  # noqa: F401 - the write side, named here too
    AREAS,
    Writer,
    WriterMiddleware,
    _institution_boards,
    areas_written_by,
    install,
    institution_tables,
    mark_model_written,
    mark_written,
    renew,
    table_exists,
    uncommitted,
    writer_of,
    writing_as,
)
from eduboard.core.scope import Narrowed, Viewer, institution_scope, sees_whole_city

#: How long an entry lives at most (a safety net only: entries are made obsolete by the generations).
TIMEOUT = 6 * 3600

logger = logging.getLogger("eduboard.figures")

P = ParamSpec("P")
R = TypeVar("R")


def tokens(names: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> dict[str, str] | None:
    """The tokens `names` (`token_names`); a token without a row gets one, made on the primary.

    A write that committed before the row existed renewed nothing, so the figures must be read after the row was
    made: true on the primary (the row is made before the figures are read), not on a replica that may not have
    replayed that write yet. There the answer is None: the figures are computed without being kept, once."""
    from eduboard.core.models import DataGeneration

    names = sorted(set(names))
    found = dict(DataGeneration.objects.using(using).filter(area__in=names).values_list("area", "token"))
    missing = [name for name in names if name not in found]
    if missing:
        DataGeneration.objects.using(DEFAULT_DB_ALIAS).bulk_create(
            [DataGeneration(area=name, token=uuid.uuid4().hex) for name in missing], ignore_conflicts=True
        )
        if using != DEFAULT_DB_ALIAS:
            return None
        # Read again: another reader may have made the same row first (its token is the one kept).
        found.update(DataGeneration.objects.using(using).filter(area__in=missing).values_list("area", "token"))
    return found


#: An institution's role with more institutions than this is keyed by their boards' tokens instead.
INSTITUTION_TOKENS_MAX = 20


def scope_parts(viewer: Viewer | WholeBoard) -> list[str]:
    """The parts of an area whose tokens `viewer`'s figures rest on besides the whole area's: "any" (the whole
    deployment), its boards' (`b3`: a board's role, a board chosen) or its institutions' (`i17`: an institution's
    role). No query but for a viewer of several boards' institutions that names none of them (a query, kept on
    the viewer)."""
    if isinstance(viewer, WholeBoard):
        return ["any"]
    scope = institution_scope(viewer)
    if scope is None:
        return ["any"]
    if not scope:
        return []  # figures over no institution's rows
    board_id = getattr(viewer, "board_id", None)
    if isinstance(board_id, int):  # narrowed to one board's institutions
        return [f"b{board_id}"]
    if not sees_whole_city(viewer) and len(scope) <= INSTITUTION_TOKENS_MAX:
        return [f"i{pk}" for pk in sorted(scope)]
    board_ids = getattr(viewer, "board_ids", None)
    if callable(board_ids) and not isinstance(viewer, Narrowed):  # a board's role: its boards (kept on the user)
        return [f"b{pk}" for pk in sorted(board_ids())]
    kept = getattr(viewer, "_figure_parts", None)
    if kept is not None and kept[0] == scope:
        return list(kept[1])
    parts = [f"b{pk}" for pk in sorted(set(_institution_boards(scope).values()))]
    with contextlib.suppress(AttributeError):  # a viewer that takes no attributes computes them again
        viewer._figure_parts = (set(scope), parts)  # type: ignore[union-attr]
    return parts


def token_names(areas: Iterable[str], parts: Iterable[str], beyond: Iterable[str] = ()) -> list[str]:
    """The tokens of `areas` for `parts` (`scope_parts`): each area's own and its parts', or "any board"'s for the
    areas in `beyond` (read outside the viewer's scope)."""
    parts, beyond = list(parts), set(beyond)
    return [
        name
        for area in areas
        for name in (area, *(f"{area}@{part}" for part in (["any"] if area in beyond else parts)))
    ]


def covered(names: Iterable[str], name: str) -> bool:
    """Whether every write that renews the token `name` renews one of `names` too: `name` itself, or its area's
    "any board" (renewed by every placed write, as the whole area's token is by every other)."""
    names = set(names)
    if name in names:
        return True
    area, _at, part = name.partition("@")
    if not part:
        return False
    return f"{area}@any" in names  # renewed by every write the others are (a board's, an institution's)


class WholeBoard:
    """Stands for the viewer of a selector that takes none: its figures are the board's (settlements between
    municipalities), and the page's permission decides who reads them."""


WHOLE_BOARD = WholeBoard()


def scope_key(viewer: Viewer | WholeBoard) -> str:
    """The viewer's scope as a short key: `city`, or a digest of the institutions they see."""
    if isinstance(viewer, WholeBoard):
        return "board"
    scope = institution_scope(viewer)
    if scope is None:
        return "city"
    return "i" + hashlib.blake2s(",".join(map(str, sorted(scope))).encode(), digest_size=8).hexdigest()


def _argument_key(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return repr(value)
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_argument_key(item) for item in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_argument_key(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_argument_key(k)}:{_argument_key(v)}" for k, v in sorted(value.items())) + "}"
    raise TypeError(f"cached_figures: an argument of type {type(value).__name__} cannot be part of a key")


#: Settings that figures depend on: a changed value makes every entry obsolete (a board's thresholds are its data:
#: a board saved renews the registry's figures).
FIGURE_SETTINGS = ("TIME_ZONE",)


@functools.lru_cache(maxsize=1)
def code_salt() -> str:
    """A digest of the code and the settings that compute figures: entries made by another release of
    eduboard, or under other settings, are never read (computed once per process)."""
    from django.conf import settings

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2s(digest_size=8)
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    digest.update(repr([getattr(settings, name, None) for name in FIGURE_SETTINGS]).encode())
    return digest.hexdigest()


@dataclass
class _Computing:
    """One cached figure being computed: what its entry rests on, and whether it may be kept."""

    name: str
    areas: tuple[str, ...]
    beyond: frozenset[str]
    names: tuple[str, ...]
    spoiled: bool = False


_computing: ContextVar[tuple[_Computing, ...]] = ContextVar("eduboard_figures_computing", default=())


def _missed(frame: _Computing, what: str) -> None:
    """A computation reads what its entry's tokens do not cover: under FIGURES_STRICT (the tests) an error that
    names the declaration to fix, else the entry is computed and served but not kept (and the error logged)."""
    from django.conf import settings

    message = f"cached figures {frame.name} {what}: declare it in its @cached_figures"
    if getattr(settings, "FIGURES_STRICT", False):
        raise ImproperlyConfigured(message)
    logger.error(message)
    frame.spoiled = True


def reads_beyond_scope(*areas: str) -> None:
    """Say, before a query that reads rows of `areas` outside the viewer's scope (a person's rates in every
    institution, a board's residents learning in other boards), that the figures being computed rest on every
    board's writes of those areas. Every cached figure computing it must declare them (`beyond_scope`)."""
    for frame in _computing.get():
        for area in areas:
            if f"{area}@any" not in frame.names:  # the whole deployment's figures read every row anyway
                _missed(frame, f"reads {area} beyond its viewer's scope")


def _enter(frame: _Computing) -> None:
    """Check that the figures computing around `frame` rest on every token `frame`'s do (a cached figure read
    inside another: the outer entry must be renewed whenever the inner one is)."""
    for outer in _computing.get():
        uncovered = [name for name in frame.names if not covered(outer.names, name)]
        if uncovered:
            _missed(outer, f"reads {frame.name}, which rests on {', '.join(uncovered)}")


class _Unkept:
    """A value computed under a spoiled frame: served, never kept."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _run(frame: _Computing, function: Callable[[], R]) -> R | _Unkept:
    """Compute `function` as `frame` (for `reads_beyond_scope` and nested figures)."""
    _enter(frame)
    token = _computing.set((*_computing.get(), frame))
    try:
        value = function()
    finally:
        _computing.reset(token)
    return _Unkept(value) if frame.spoiled else value


def cached_figures(*areas: str, beyond_scope: Iterable[str] = ()) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a selector `f(*, visible_to, **simple arguments)` (or one of the board's figures without a
    `visible_to`) per scope, arguments, language and the generations of `areas` in the viewer's scope
    (`scope_parts`). `beyond_scope`: the areas among them whose rows it reads outside the viewer's scope (said at
    the query by `reads_beyond_scope`): for those it rests on every board's writes. Arguments other than dates,
    numbers, strings, None, model rows and lists of them are not cached over: the call is passed through
    unchanged (e.g. a report's build that hands in figures it read already)."""
    beyond = frozenset(beyond_scope)
    for area in (*areas, *beyond):
        if area not in AREAS:
            raise ValueError(f"unknown area {area!r}")
    if not beyond <= set(areas):
        raise ValueError("beyond_scope names an area the figures do not rest on")

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        name = f"{function.__module__}.{function.__qualname__}"
        # A selector that takes a viewer is never called without one (the call fails as it would uncached);
        # one that takes none reads the board's own figures.
        scoped = "visible_to" in inspect.signature(function).parameters

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            viewer: Viewer | WholeBoard | None = WHOLE_BOARD
            if scoped:
                viewer = cast("Viewer | None", kwargs.get("visible_to"))
            if args or viewer is None:
                return function(*args, **kwargs)
            names = token_names(areas, scope_parts(viewer), beyond)
            frame = _Computing(name, areas, beyond, tuple(names))
            if uncommitted(areas):
                return cast(R, _served(_run(frame, lambda: function(*args, **kwargs))))
            try:
                parts = [
                    f"{key}={_argument_key(value)}" for key, value in sorted(kwargs.items()) if key != "visible_to"
                ]
            except TypeError:
                return cast(R, _served(_run(frame, lambda: function(*args, **kwargs))))
            # Figures and their tokens are read from one database (the replica when there is one and this reader
            # may read there, core.replica), so an entry never holds data older than its tokens say.
            alias = replica.replica_alias()

            def compute() -> R | _Unkept:
                with replica.reading(alias):
                    return _run(frame, lambda: function(*args, **kwargs))

            generation = tokens(names, using=alias)
            if generation is None:
                return cast(R, _served(compute()))
            head = "|".join([name, code_salt(), scope_key(viewer), translation.get_language() or "", *parts])
            raw = "|".join([head, *(generation[token] for token in names)])
            key = "figures:" + hashlib.blake2s(raw.encode(), digest_size=16).hexdigest()
            # The same figures whatever the tokens: where the previous answer is found.
            same = hashlib.blake2s(head.encode(), digest_size=16).hexdigest()

            latest = f"figures-latest:{same}"
            if _computing.get():
                _enter(frame)  # read inside another figure: that one must rest on this one's tokens
            return cast(R, once(key, latest, compute, refresh=_refresher(name, kwargs, viewer, key, latest)))

        wrapper.uncached = function  # type: ignore[attr-defined]
        wrapper.figure_areas = (areas, beyond)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _served(value: Any) -> Any:
    return value.value if isinstance(value, _Unkept) else value


_MISSING = object()


def _compute_and_keep(key: str, latest: str, compute: Callable[[], Any]) -> Any:
    value = compute()
    if isinstance(value, _Unkept):  # it read what its tokens do not cover (`_missed`): served, not kept
        return value.value
    cache.set(key, value, TIMEOUT)
    cache.set(latest, (time.time(), key), TIMEOUT)
    return value


def _previous(latest: str) -> tuple[float, Any] | None:
    """The previous answer of the same figures: (when it was computed, its value), or None."""
    pointer = cache.get(latest)
    if pointer is None:
        return None
    computed_at, previous_key = pointer
    previous = cache.get(previous_key, _MISSING)
    return None if previous is _MISSING else (computed_at, previous)


def once(key: str, latest: str, compute: Callable[[], Any], *, refresh: Callable[[], None] | None = None) -> Any:
    """The entry `key`, computed once per change.

    - The first reader takes the lock. Where a previous answer of the same figures exists, it may be served and
      `refresh` is given, the reader hands the computation to the worker (`refresh`, a task that keeps the entry
      and lets the lock go) and serves the previous answer at once; else it computes the entry itself.
    - Another reader, while the lock is younger than FIGURES_STALE_SECONDS, serves the previous answer where it
      may; else it waits for the entry (FIGURES_LOCK_SECONDS for a first computation, FIGURES_STALE_SECONDS once a
      previous answer exists) and then computes it itself (the worker is late, or the computing process failed).
    A reader that must see fresh figures (`core.freshness`) never gets a previous answer."""
    from django.conf import settings

    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found
    previous = _previous(latest) if freshness.may_serve_previous() else None
    lock = f"{key}:computing"
    if cache.add(lock, time.time(), settings.FIGURES_LOCK_SECONDS):
        if previous is not None and refresh is not None:
            try:
                refresh()
            except Exception:  # the queue is unreachable: compute here, as without a worker
                logger.exception("figures: the refresh could not be queued")
            else:
                found = cache.get(key, _MISSING)  # a queue that runs tasks at once (tests) has kept it already
                if found is not _MISSING:
                    return found
                freshness.note_previous_served(previous[0])
                return previous[1]
        try:
            return _compute_and_keep(key, latest, compute)
        finally:
            cache.delete(lock)
    started = cache.get(lock)
    age = time.time() - started if started is not None else None
    if previous is not None and age is not None and age <= settings.FIGURES_STALE_SECONDS:
        freshness.note_previous_served(previous[0])
        return previous[1]
    if cache.get(latest) is None:
        waited = float(settings.FIGURES_LOCK_SECONDS)  # the first computation: wait for the one computing it
    elif age is not None and age <= settings.FIGURES_STALE_SECONDS:
        waited = settings.FIGURES_STALE_SECONDS - age  # a fresh reader waits for a computation on time
    else:
        waited = 0.0  # the computation is late (no worker?): compute here at once
    deadline = time.monotonic() + waited
    while time.monotonic() < deadline:
        time.sleep(0.05)
        found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if cache.get(lock) is None:  # the computing process gave up (an error): compute here
            break
    return _compute_and_keep(key, latest, compute)


# --- the worker's side: a figure computed again after a change, while readers are served its previous answer


def _encode(value: Any) -> Any:
    """A selector's argument as JSON for the task queue (TypeError for one that cannot be)."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, models.Model):
        return {"model": value._meta.label, "pk": value.pk}
    if isinstance(value, list | tuple):
        return {"list": [_encode(item) for item in value]}
    raise TypeError(f"cached_figures: an argument of type {type(value).__name__} is not sent to the worker")


def _decode(value: Any) -> Any:
    from django.apps import apps

    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "model" in value:
        return apps.get_model(value["model"])._default_manager.get(pk=value["pk"])
    return [_decode(item) for item in value["list"]]


def _encode_viewer(viewer: Viewer | WholeBoard) -> Any:
    from eduboard.core.scope import WHOLE_CITY

    if viewer is WHOLE_CITY:
        return "city"
    if isinstance(viewer, WholeBoard):
        return "board"
    if isinstance(viewer, models.Model) and getattr(viewer, "is_authenticated", False):
        return {"user": viewer.pk}
    raise TypeError("cached_figures: this viewer is not sent to the worker")


def _decode_viewer(value: Any) -> Viewer | WholeBoard:
    from django.contrib.auth import get_user_model

    from eduboard.core.scope import WHOLE_CITY

    if value == "city":
        return WHOLE_CITY
    if value == "board":
        return WHOLE_BOARD
    return get_user_model()._default_manager.get(pk=value["user"])


def _refresher(
    name: str, kwargs: dict[str, Any], viewer: Viewer | WholeBoard, key: str, latest: str
) -> Callable[[], None] | None:
    """What hands the computation of `key` to the worker, or None where its arguments cannot travel."""
    try:
        arguments = {k: _encode(v) for k, v in kwargs.items() if k != "visible_to"}
        who = _encode_viewer(viewer)
    except TypeError:
        return None
    language = translation.get_language() or ""

    def enqueue() -> None:
        # The newest entry wanted of these figures: a task for an older one (its data changed again since) is
        # skipped by the worker instead of computed.
        cache.set(f"{latest}:wanted", key, TIMEOUT)
        enqueue_after_commit(
            refresh_figures, name=name, arguments=arguments, who=who, language=language, key=key, latest=latest
        )

    return enqueue


@task()
def refresh_figures(*, name: str, arguments: dict[str, Any], who: Any, language: str, key: str, latest: str) -> None:
    """Compute one figure's entry in the worker, keep it and let its lock go (read from the primary: newer than its
    tokens at worst, never older). An entry no longer the newest wanted of its figures is skipped."""
    if cache.get(f"{latest}:wanted") not in (None, key):
        cache.delete(f"{key}:computing")
        return
    module, _dot, qualname = name.rpartition(".")
    wrapper = getattr(importlib.import_module(module), qualname)
    function, (areas, beyond) = wrapper.uncached, wrapper.figure_areas
    kwargs = {k: _decode(v) for k, v in arguments.items()}
    viewer = _decode_viewer(who)
    if who != "board":
        kwargs["visible_to"] = viewer
    frame = _Computing(name, areas, beyond, tuple(token_names(areas, scope_parts(viewer), beyond)))
    # The database wall of the viewer the figure is for; a figure of the whole board (no viewer) reads every board.
    wall = (
        board_wall.across_boards(reason=f"figure {name} of the whole board")
        if isinstance(viewer, WholeBoard)
        else board_wall.acting_as(viewer)
    )
    try:
        with translation.override(language or None), wall:
            _compute_and_keep(key, latest, lambda: _run(frame, lambda: function(**kwargs)))
    finally:
        cache.delete(f"{key}:computing")
