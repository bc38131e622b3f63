"""Figures cached per date and scope, and never stale after a write.

The dashboard and the statistics pages read the same figures again and again (every request of a board user
recomputed every figure over the whole city: 1.9 s a page on the national set). `cached_figures` keeps a
selector's answer in Django's cache under a key made of the selector, its arguments (the date), the viewer's
scope (the institutions they see, not the user: two heads of one school share the entry), the language, a
digest of the code and of the settings figures depend on (`code_salt`: a new release never reads an old
release's entries), and the *generation* of each area the figures rest on.

A generation is a token per area (`registry`, `people`, `finance`, `quality`) kept in the database
(`core.DataGeneration`), so every process (web workers, the task worker, commands) shares it. Every write is
seen where it is made, at the database connection: an execute wrapper reads the table each INSERT, UPDATE,
DELETE or TRUNCATE names (ORM saves, bulk writes, raw SQL, migrations alike) and marks its area written;
`mark_written` covers the one path that bypasses the wrapper (COPY in `core.imports.insert_rows`). After the
transaction commits, the area gets a new random token, so the entries computed before are never read again.

Why after the commit and not at the write: a reader that computes between the write and the commit sees the
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

import functools
import hashlib
import importlib
import inspect
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.utils import translation
from django_tasks import task

from eduboard.core import freshness, replica
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.scope import Viewer, institution_scope

#: The areas whose data figures rest on; a table belongs to the area its name starts with (Django names
#: tables `<app label>_<model>`; the search tables of core.latvian too).
AREAS = ("registry", "people", "finance", "quality", "assets", "projects", "innovation")

#: How long an entry lives at most (a safety net only: entries are made obsolete by the generations).
TIMEOUT = 6 * 3600

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r"\s+(?P<tables>[^(]*?)(?:\s|\(|$)",
    re.IGNORECASE,
)
_NAME = re.compile(r'["`]?(\w+)["`]?')

logger = logging.getLogger("eduboard.figures")

P = ParamSpec("P")
R = TypeVar("R")


def areas_written_by(sql: str) -> set[str]:
    """The areas whose tables the statement `sql` writes (empty for a read or a table of no area)."""
    head = sql.lstrip()[:9].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REPLACE")):
        return set()
    match = _WRITE.match(sql)
    if match is None:
        return set()
    tables = match.group("tables")
    if head.startswith("TRUNCATE"):  # TRUNCATE a, b, c …
        tables = sql.split(None, 1)[1] if len(sql.split(None, 1)) > 1 else ""
    names = _NAME.findall(tables)
    return {name.split("_", 1)[0] for name in names if name.split("_", 1)[0] in AREAS}


def _pending(connection: BaseDatabaseWrapper) -> set[str]:
    pending: set[str] | None = getattr(connection, "eduboard_written", None)
    if pending is None:
        pending = set()
        connection.eduboard_written = pending  # type: ignore[attr-defined]
    return pending


def mark_written(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark `areas` written on the connection `using`: their figures get new tokens once the write commits."""
    areas = set(areas) & set(AREAS)
    if not areas:
        return
    freshness.note_written()
    connection = connections[using]
    if not connection.in_atomic_block:
        renew(areas, using=using)
        return
    _pending(connection).update(areas)
    callback = getattr(connection, "eduboard_on_commit", None)
    if callback is None:
        callback = functools.partial(_committed, connection)
        connection.eduboard_on_commit = callback  # type: ignore[attr-defined]
    # Registered once per transaction: Django empties run_on_commit when the transaction ends either way.
    if not any(entry[1] is callback for entry in connection.run_on_commit):
        connection.on_commit(callback)


def mark_model_written(model: type[Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark the area of `model`'s table written (for writes that bypass the execute wrapper, like COPY)."""
    mark_written(areas_written_by(f"INSERT INTO {model._meta.db_table}"), using=using)


def _committed(connection: BaseDatabaseWrapper) -> None:
    pending = _pending(connection)
    areas = set(pending)
    pending.clear()
    renew(areas, using=connection.alias)


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    areas = areas_written_by(sql) if isinstance(sql, str) else set()
    if areas:
        mark_written(areas, using=context["connection"].alias)
    return result


def watch_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Install the write watch on a new database connection (connected to `connection_created`)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch every connection, those already open too (called from CoreConfig.ready)."""
    connection_created.connect(watch_connection, dispatch_uid="eduboard-figures-watch")
    for connection in connections.all(initialized_only=True):
        watch_connection(None, connection)


def renew(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give `areas` new tokens: every entry computed before is obsolete."""
    from eduboard.core.models import DataGeneration

    areas = sorted(set(areas) & set(AREAS))
    if not areas:
        return
    token = uuid.uuid4().hex
    # One statement, no transaction of its own (it may run while the write's statement is still being read).
    # An area without a row (the table was emptied) gets one with a new token at the next read (`tokens`).
    try:
        DataGeneration.objects.using(using).filter(area__in=areas).update(token=token)
    except DatabaseError:
        # The migrations have not made the table yet (a data migration of an area ran before core's): there is
        # no token to renew and no figure cached under one. Never inside a transaction (after the commit, or in
        # autocommit), so the failed statement spoils nothing.
        if table_exists(using):
            raise


def table_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    from eduboard.core.models import DataGeneration

    return DataGeneration._meta.db_table in connections[using].introspection.table_names()


def tokens(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The token of every area (rows made for areas that have none, e.g. after the table was emptied)."""
    from eduboard.core.models import DataGeneration

    found = dict(DataGeneration.objects.using(using).values_list("area", "token"))
    missing = [area for area in AREAS if area not in found]
    if missing:
        # Made on the primary (`using` may be the replica, which takes no writes).
        for area in missing:
            row, _created = DataGeneration.objects.using(DEFAULT_DB_ALIAS).get_or_create(
                area=area, defaults={"token": uuid.uuid4().hex}
            )
            found[area] = row.token
    return found


def uncommitted(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this connection wrote any of `areas` in a transaction that has not ended yet."""
    connection = connections[using]
    pending = getattr(connection, "eduboard_written", None)
    if not pending:
        return False
    if not connection.in_atomic_block:  # the transaction ended (committed: renewed; rolled back: nothing to do)
        pending.clear()
        return False
    return bool(pending & set(areas))


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


def cached_figures(*areas: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a selector `f(*, visible_to, **simple arguments)` (or one of the board's figures without a
    `visible_to`) per scope, arguments, language and the generations of `areas`. Arguments other than dates,
    numbers, strings, None, model rows and lists of them are not cached over: the call is passed through
    unchanged (e.g. a report's build that hands in figures it read already)."""
    for area in areas:
        if area not in AREAS:
            raise ValueError(f"unknown area {area!r}")

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
            if args or viewer is None or uncommitted(areas):
                return function(*args, **kwargs)
            try:
                parts = [
                    f"{key}={_argument_key(value)}" for key, value in sorted(kwargs.items()) if key != "visible_to"
                ]
            except TypeError:
                return function(*args, **kwargs)
            # Figures and their tokens are read from one database (the replica when there is one and this reader
            # may read there, core.replica), so an entry never holds data older than its tokens say.
            alias = replica.replica_alias()
            generation = tokens(using=alias)
            raw = "|".join(
                [
                    name,
                    code_salt(),
                    scope_key(viewer),
                    translation.get_language() or "",
                    *parts,
                    *(generation[area] for area in areas),
                ]
            )
            key = "figures:" + hashlib.blake2s(raw.encode(), digest_size=16).hexdigest()
            # The same figures whatever the tokens: where the previous answer is found.
            same = hashlib.blake2s(raw.rsplit("|", len(areas))[0].encode(), digest_size=16).hexdigest()

            def compute() -> R:
                with replica.reading(alias):
                    return function(*args, **kwargs)

            latest = f"figures-latest:{same}"
            return cast(R, once(key, latest, compute, refresh=_refresher(name, kwargs, viewer, key, latest)))

        wrapper.uncached = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


_MISSING = object()


def _compute_and_keep(key: str, latest: str, compute: Callable[[], Any]) -> Any:
    value = compute()
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
    function = getattr(importlib.import_module(module), qualname).uncached
    kwargs = {k: _decode(v) for k, v in arguments.items()}
    if who != "board":
        kwargs["visible_to"] = _decode_viewer(who)
    try:
        with translation.override(language or None):
            _compute_and_keep(key, latest, lambda: function(**kwargs))
    finally:
        cache.delete(f"{key}:computing")
