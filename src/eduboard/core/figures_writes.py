"""Where a write can change cached figures (core.figures_cache), and the new tokens it gives them once committed.

Every write is seen where it is made, at the database connection: an execute wrapper reads the table each INSERT,
UPDATE, DELETE or TRUNCATE names (ORM saves, bulk writes, raw SQL, migrations alike) and marks its area written;
`mark_written` covers the one path that bypasses the wrapper (COPY in `core.imports.insert_rows`). After the
transaction commits, the tokens the write can change get a new random value (`renew`), so the entries computed
before under them are never read again (core.figures_cache says why after the commit, and how entries are keyed).

Which tokens: a write is placed by who makes it (`writing_as`: the request's user through `WriterMiddleware`, an
import's sender in the worker) and by the table it writes. A table whose rows each belong to one institution
(`institution_tables`: its queryset's scope rule is its `institution_path` alone, the path runs along foreign keys,
and the model links to no other institution) renews the tokens of the writer's institutions, their boards and "any
board" (a board's role: every institution of its boards). A write to any other table (a learner, who is national;
an institution, which may move to another board; a queue entry naming several institutions; a project shared by
schools; a board's budget), or by a writer of the whole deployment (a command, the ministry, a superuser), renews
the whole area, and so does a transaction that wrote such a table of the area besides.

Placing rests on the scope: a caller writes only rows its `editable_by` holds. A service that writes a row of an
institution outside its caller's scope says so (`beyond_the_writers_scope`): `registry.leaving` when a leaving in
another institution is inferred to be a transfer. Accepting a queue offer in another institution's group writes the
queue entry in the same transaction, which renews the whole area.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponseBase

from eduboard.core import freshness
from eduboard.core.scope import Viewer, institution_scope

#: The areas whose data figures rest on; a table belongs to the area its name starts with (Django names
#: tables `<app label>_<model>`; the search tables of core.latvian too).
AREAS = (
    "registry",
    "people",
    "finance",
    "quality",
    "assets",
    "projects",
    "innovation",
    "interest",
    "prevention",
    "surveys",
)

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r"\s+(?P<tables>[^(]*?)(?:\s|\(|$)",
    re.IGNORECASE,
)
_NAME = re.compile(r'["`]?(\w+)["`]?')


def area_of(table: str) -> str | None:
    """The area a table belongs to (its name's first word), or None."""
    area = table.split("_", 1)[0]
    return area if area in AREAS else None


def areas_written_by(sql: str) -> set[str]:
    """The areas whose tables the statement `sql` writes (empty for a read or a table of no area)."""
    return {area for name in tables_written_by(sql) if (area := area_of(name))}


def tables_written_by(sql: str) -> list[str]:
    """The tables the statement `sql` writes (empty for a read)."""
    head = sql.lstrip()[:9].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REPLACE")):
        return []
    match = _WRITE.match(sql)
    if match is None:
        return []
    tables = match.group("tables")
    if head.startswith("TRUNCATE"):  # TRUNCATE a, b, c …
        tables = sql.split(None, 1)[1] if len(sql.split(None, 1)) > 1 else ""
    return [name for name in _NAME.findall(tables) if name.upper() not in ("TABLE", "RESTART", "IDENTITY", "CASCADE")]


@dataclass(frozen=True)
class Writer:
    """Where a write can change figures: the writer's `institutions` (an institution's role: theirs; a board's
    role: every institution of their boards) and the `boards` they belong to."""

    boards: frozenset[int]
    institutions: frozenset[int]


_writer: ContextVar[Callable[[], Writer | None] | None] = ContextVar("eduboard_figures_writer", default=None)


def _institution_boards(ids: Iterable[int]) -> dict[int, int]:
    """{institution: its board} for `ids` (one query; core names the registry's model, it does not import it)."""
    from django.apps import apps

    institution = apps.get_model("registry", "Institution")
    return dict(institution._default_manager.using(DEFAULT_DB_ALIAS).filter(pk__in=ids).values_list("pk", "board_id"))


def writer_of(viewer: Viewer | None) -> Writer | None:
    """Where `viewer`'s writes can change figures, or None for the whole deployment (a viewer of every
    institution, of none, or anonymous). Writes are held to the viewer's scope (`editable_by`); this places them."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):  # anonymous, or the board's own figures
        return None
    scope = institution_scope(viewer)
    if not scope:  # None: every institution; empty: the ministry, or no institution at all
        return None
    return Writer(boards=frozenset(_institution_boards(scope).values()), institutions=frozenset(scope))


@contextmanager
def writing_as(viewer: Viewer | None) -> Iterator[None]:
    """Place the writes made inside the block as `viewer`'s (`writer_of`, resolved when a write commits)."""
    with _placing(lambda: writer_of(viewer)):
        yield


@contextmanager
def beyond_the_writers_scope() -> Iterator[None]:
    """The block's writes are the system's, on rows its caller's scope may not hold (a leaving in another
    institution inferred to be a transfer): they renew the whole areas they write, and, in a transaction, every area
    its caller wrote too (its writes are no longer one writer's)."""
    with _placing(_nobody):
        yield


def _nobody() -> None:
    return None


def writers_institutions() -> frozenset[int] | None:
    """The institutions the current writer's writes are placed at (None: no writer, the whole areas)."""
    resolve = _writer.get()
    writer = resolve() if resolve is not None else None
    return None if writer is None else writer.institutions


@contextmanager
def _placing(resolve: Callable[[], Writer | None]) -> Iterator[None]:
    token = _writer.set(resolve)
    try:
        yield
    finally:
        _writer.reset(token)


class WriterMiddleware:
    """Places a request's writes as its user's (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # The user as the write commits: an API call's token is authenticated by the view, after this middleware.
        with _placing(lambda: writer_of(getattr(request, "user", None))):
            return self.get_response(request)


def _rule_by_path(queryset: Any) -> bool:
    """Whether `queryset`'s scope is read and changed by its `institution_path` alone: its `visible_to` and
    `editable_by` are those of a class that declares `scoped_by_path` (registry.models.ScopedQuerySet), not a
    subclass's own rule, which may reach further (a material's files, read by every user)."""

    def definer(name: str) -> type:
        return next(klass for klass in type(queryset).__mro__ if name in klass.__dict__)

    return all(definer(name).__dict__.get("scoped_by_path", False) for name in ("visible_to", "editable_by"))


@functools.lru_cache(maxsize=1)
def institution_tables() -> frozenset[str]:
    """The tables whose rows each belong to one institution: the model's scope rule is its `institution_path`
    (`_rule_by_path`), the path runs along foreign keys to an institution, and the model links to no other
    institution. Institutions themselves are not among them (a row moved to another board changes two)."""
    from django.apps import apps

    found = set()
    for model in apps.get_models():
        queryset = model._default_manager.get_queryset()
        path = getattr(queryset, "institution_path", None)
        if not isinstance(path, str) or path == "pk" or not _rule_by_path(queryset):
            continue
        target: Any = model
        single = True
        for name in path.split("__"):
            try:
                field = target._meta.get_field(name)
            except FieldDoesNotExist:
                single = False
                break
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                single = False
                break
            target = field.related_model
        links = [
            field
            for field in model._meta.get_fields()
            if field.is_relation
            and getattr(field.related_model, "_meta", None) is not None
            and cast(Any, field.related_model)._meta.label == "registry.Institution"
        ]
        others = [field for field in links if field.name != path.split("__")[0]]
        if single and target._meta.label == "registry.Institution" and not others:
            found.add(model._meta.db_table)
    return frozenset(found)


def _pending(connection: BaseDatabaseWrapper) -> dict[str, bool]:
    """{area written: whether only its institutions' tables were (False once any other table of it was)}."""
    pending: dict[str, bool] | None = getattr(connection, "eduboard_written", None)
    if pending is None:
        pending = {}
        connection.eduboard_written = pending  # type: ignore[attr-defined]
    return pending


def uncommitted(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this connection wrote any of `areas` in a transaction that has not ended yet."""
    connection = connections[using]
    pending = getattr(connection, "eduboard_written", None)
    if not pending:
        return False
    if not connection.in_atomic_block:  # the transaction ended (committed: renewed; rolled back: nothing to do)
        pending.clear()
        return False
    return bool(pending.keys() & set(areas))


_MIXED = object()


def mark_written(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS, placed: bool = False) -> None:
    """Mark `areas` written on the connection `using`: their figures get new tokens once the write commits.
    `placed`: only tables whose rows belong to one institution were written (`institution_tables`), so the write
    renews its writer's institutions and boards (`writing_as`); otherwise it renews the whole area."""
    areas = set(areas) & set(AREAS)
    if not areas:
        return
    freshness.note_written()
    connection = connections[using]
    resolver = _writer.get() if placed else None
    if not connection.in_atomic_block:
        renew(areas, using=using, writer=resolver() if resolver is not None else None)
        return
    pending = _pending(connection)
    if resolver is not None:
        # One writer per transaction places its writes; two (never in a request) renew the whole areas.
        if not any(pending.values()):
            connection.eduboard_writer = resolver  # type: ignore[attr-defined]
        elif getattr(connection, "eduboard_writer", None) is not resolver:
            connection.eduboard_writer = _MIXED  # type: ignore[attr-defined]
    for area in areas:
        pending[area] = pending.get(area, True) and resolver is not None
    callback = getattr(connection, "eduboard_on_commit", None)
    if callback is None:
        callback = functools.partial(_committed, connection)
        connection.eduboard_on_commit = callback  # type: ignore[attr-defined]
    # Registered once per transaction: Django empties run_on_commit when the transaction ends either way.
    if not any(entry[1] is callback for entry in connection.run_on_commit):
        connection.on_commit(callback)


def mark_model_written(model: type[Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark the area of `model`'s table written (for writes that bypass the execute wrapper, like COPY)."""
    table = model._meta.db_table
    area = area_of(table)
    if area:
        mark_written({area}, using=using, placed=is_placed(table, inserting=True))  # COPY adds rows


def _committed(connection: BaseDatabaseWrapper) -> None:
    pending = _pending(connection)
    resolver = getattr(connection, "eduboard_writer", None)
    placed = {area for area, only_placed in pending.items() if only_placed}
    whole = set(pending) - placed
    pending.clear()
    connection.eduboard_writer = None  # type: ignore[attr-defined]
    writer = resolver() if callable(resolver) else None
    if writer is None:
        whole |= placed
        placed = set()
    renew(whole, using=connection.alias)
    renew(placed, using=connection.alias, writer=writer)


@functools.lru_cache(maxsize=1)
def new_rows_placed_tables() -> frozenset[str]:
    """Tables whose new rows count in no figure by themselves (their queryset says `new_rows_placed`): a new
    learner counts once an enrolment or an application names them, and those are written and placed on their own.
    An INSERT into them is placed at its writer; an UPDATE or DELETE renews the whole area. Their search tables
    (`<table>_fts`, SQLite) follow them."""
    from django.apps import apps

    return frozenset(
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model._default_manager.get_queryset(), "new_rows_placed", False)
    )


def is_placed(table: str, *, inserting: bool) -> bool:
    """Whether a write of `table` is placed at its writer (`institution_tables`, `new_rows_placed_tables`)."""
    return table in institution_tables() or (inserting and table.removesuffix("_fts") in new_rows_placed_tables())


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):
        return result
    tables = tables_written_by(sql)
    if tables:
        inserting = sql.lstrip()[:6].upper() == "INSERT"
        alias = context["connection"].alias
        for placed in (True, False):
            names = [table for table in tables if is_placed(table, inserting=inserting) is placed]
            areas = {area for name in names if (area := area_of(name))}
            if areas:
                mark_written(areas, using=alias, placed=placed)
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


def renewed_by(areas: Iterable[str], writer: Writer | None) -> list[str]:
    """The tokens a write of `areas` renews: the whole areas' (no writer), else "any board"'s, the writer's
    boards' and the writer's institutions'."""
    areas = sorted(set(areas) & set(AREAS))
    if writer is None:
        return areas
    parts = [
        "any",
        *(f"b{board}" for board in sorted(writer.boards)),
        *(f"i{pk}" for pk in sorted(writer.institutions)),
    ]
    return [f"{area}@{part}" for area in areas for part in parts]


def renew(areas: Iterable[str], *, using: str = DEFAULT_DB_ALIAS, writer: Writer | None = None) -> None:
    """Give `areas` new tokens where the write of `writer` can change figures (`renewed_by`; the whole areas
    without a writer): every entry computed before under them is obsolete."""
    from eduboard.core.models import DataGeneration

    areas = sorted(set(areas) & set(AREAS))
    if not areas:
        return
    token = uuid.uuid4().hex
    # One statement, no transaction of its own (it may run while the write's statement is still being read).
    # A token without a row (never read, or the table was emptied) gets one at its first read (`tokens`).
    try:
        DataGeneration.objects.using(using).filter(area__in=renewed_by(areas, writer)).update(token=token)
    except DatabaseError:
        # The migrations have not made the table yet (a data migration of an area ran before core's): there is
        # no token to renew and no figure cached under one. Never inside a transaction (after the commit, or in
        # autocommit), so the failed statement spoils nothing.
        if table_exists(using):
            raise


def table_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    from eduboard.core.models import DataGeneration

    return DataGeneration._meta.db_table in connections[using].introspection.table_names()
