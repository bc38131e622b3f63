"""Rows in bulk for the importers: reads by many keys (batched `IN`), inserts (`executemany`, or PostgreSQL's
`COPY`), and the planner's statistics refreshed once a file has grown its tables (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from eduboard.core.figures_cache import mark_model_written
from eduboard.core.latvian import key_fields, paused_search_index

SQLITE_ANALYSIS_LIMIT = 1000  # rows per index SQLite's ANALYZE samples (PostgreSQL samples by itself)


def tables_outgrown(tables: Sequence[type[models.Model]], written: int) -> list[type[models.Model]]:
    """The tables whose planner statistics `written` new or changed rows leave out of date.

    SQLite keeps no statistics by itself: every table. PostgreSQL's autovacuum analyzes a table in its own process
    once a tenth of it changed (within a minute), and its planner scales the row counts it knows by the table's
    current size, so only a table that the import at least doubled, or one never analyzed, is analyzed at once:
    then the statistics describe mostly other rows than the table holds, and plans go wrong until autovacuum
    comes (a table filled from empty). An import adding 100,000 rows to the national set's 326,000 leaves it to
    autovacuum (docs/performance.md).
    """
    if connection.vendor != "postgresql":
        return list(tables)
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [names])
        known = dict(cursor.fetchall())
    return [model for model in tables if known.get(model._meta.db_table, -1) < max(written, 1)]


def analyze_tables(*tables: type[models.Model]) -> None:
    """Refresh the query planner's statistics of these tables after a large write.

    `ANALYZE <table>` is the same statement on SQLite and PostgreSQL. Without it, PostgreSQL plans
    queries on a table just filled as if it were nearly empty until autovacuum gets to it (see
    docs/performance.md). Allowed inside a transaction on both, and the transaction's own later queries are
    planned with the new statistics (on PostgreSQL other sessions see them when it commits).
    """
    quote = connection.ops.quote_name
    _analyze([f"ANALYZE {quote(model._meta.db_table)}" for model in tables])


def analyze_database() -> None:
    """Refresh the planner's statistics of every table, after a load that wrote many of them (the demonstration
    data): without it PostgreSQL plans a transaction's queries on tables it filled as if they were nearly empty (in
    the tests a report on the demonstration data took 40–50 s instead of about 4, inside the load's transaction)."""
    _analyze(["ANALYZE"])


def _analyze(statements: Sequence[str]) -> None:
    """Run ANALYZE statements; on SQLite with a sampling limit, put back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # else SQLite reads every index whole (seconds on the national set)
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit=0")  # back to SQLite's default for this connection


def select_where_in(
    model: type[models.Model], field_name: str, values: Sequence[Any], fields: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The `fields` (as `values_list`) of the rows whose `field_name` is one of `values`.

    On PostgreSQL one array parameter (`= ANY(%s)`) instead of Django's `IN (%s, %s, …)`: for the
    thousands of keys of an import chunk, the query is not a string of thousands of literals to
    build and to parse (see docs/performance.md). Elsewhere `filter(<field>__in=…)`.
    """
    if connection.vendor != "postgresql":
        return list(model._default_manager.filter(**{f"{field_name}__in": values}).values_list(*fields))
    meta = model._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        found = meta.pk if name == "pk" else meta.get_field(name)
        return quote(cast("models.Field[Any, Any]", found).column)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(column, fields))} FROM {quote(meta.db_table)} WHERE {column(field_name)} = ANY(%s)",  # noqa: S608 - names from the model
            [list(values)],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]], *, with_ids: bool = False
) -> list[int] | None:
    """Insert many new rows fast: `COPY` on PostgreSQL, one `executemany` elsewhere.

    `rows` hold plain values for `fields` (ids for foreign keys, dates, strings); every other column
    gets its default and the timestamps get now. No model instances, no signals: an import is
    audited as a whole by its ImportJob. Used where `bulk_create` was the bottleneck (see
    docs/performance.md).

    With `with_ids` on PostgreSQL, the new rows' ids are taken from the table's sequence first and
    returned in the order of `rows` (so the caller need not read them back); elsewhere, and without
    `with_ids`, returns None.
    """
    if not rows:
        return [] if with_ids and connection.vendor == "postgresql" else None
    mark_model_written(model)  # COPY passes by the connection's write watch (core.figures_cache)
    meta = model._meta
    now = timezone.now()
    given: list[models.Field[Any, Any]] = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    # Key columns computed from given ones (core.latvian) are computed here, row by row.
    keyed = [
        (field, [list(fields).index(source) for source in field.sources])
        for field in key_fields(model)
        if field.name not in fields and set(field.sources) <= set(fields)
    ]
    keyed_names = {field.name for field, _ in keyed}
    keyed_fields: list[models.Field[Any, Any]] = [field for field, _ in keyed]
    rest = [
        field
        for field in meta.concrete_fields
        if not field.primary_key
        and field.name not in fields
        and field.name not in keyed_names
        and field.column is not None
    ]
    fixed = tuple(
        field.get_db_prep_save(
            now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default(),
            connection,
        )
        for field in rest
    )
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    postgresql = connection.vendor == "postgresql"
    # Values the driver cannot take as they are go through Django's adapters, looked up once rather
    # than through the field for every value: times on both databases, dates on SQLite only (a
    # binary COPY takes date objects).
    prepare: list[tuple[int, Callable[[Any], Any]]] = []
    for index, given_field in enumerate(given):
        if isinstance(given_field, models.DateTimeField):
            prepare.append((index, partial(given_field.get_db_prep_save, connection=connection)))
        elif isinstance(given_field, models.DateField) and not postgresql:
            prepare.append((index, connection.ops.adapt_datefield_value))

    def full(row: tuple[Any, ...]) -> tuple[Any, ...]:
        keys = tuple(field.compute([row[index] for index in indexes]) for field, indexes in keyed)
        if prepare:
            values = list(row)
            for index, adapt in prepare:
                values[index] = adapt(values[index])
            row = tuple(values)
        return row + keys + fixed

    if postgresql:
        return _copy_rows(
            meta.db_table, pk if with_ids else None, [*given, *keyed_fields, *rest], map(full, rows), len(rows)
        )
    columns = ", ".join(quote(field.column) for field in [*given, *keyed_fields, *rest])
    marks = ", ".join(["%s"] * (len(given) + len(keyed_fields) + len(rest)))
    with paused_search_index(model), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
            [full(row) for row in rows],
        )
    return None


def _copy_rows(
    table: str,
    pk: models.Field[Any, Any] | None,
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[tuple[Any, ...]],
    count: int,
) -> list[int] | None:
    """PostgreSQL: `COPY` `count` rows of `fields`, in the binary format when the driver knows every
    column's type (it formats rows about three times faster than as text; see docs/performance.md).
    With `pk`, the new ids are taken from its sequence first, written with the rows and returned in
    their order."""
    quote = connection.ops.quote_name
    copied = [pk, *fields] if pk is not None else list(fields)
    columns = ", ".join(quote(field.column) for field in copied)
    with connection.cursor() as cursor:
        ids: list[int] | None = None
        if pk is not None:
            # The sequence looked up once: `pg_get_serial_sequence` on every row cost ten times the nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            ids = [pk_value for (pk_value,) in cursor.fetchall()]
        cursor.execute("SELECT row_security_active(%s::regclass)", [table])
        if cursor.fetchone()[0]:
            # PostgreSQL refuses COPY FROM into a table its row security holds (core.board_wall): plain INSERTs,
            # which its policy checks.
            marks = ", ".join(["%s"] * len(copied))
            numbered = rows if ids is None else ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True))
            cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", list(numbered))  # noqa: S608
            return ids
        types = _binary_copy_types(cursor.cursor, copied)
        statement = f"COPY {quote(table)} ({columns}) FROM STDIN{' (FORMAT BINARY)' if types else ''}"
        with cursor.cursor.copy(statement) as copy:
            if types:
                copy.set_types(types)
            write = copy.write_row
            if ids is not None:
                for pk_value, row in zip(ids, rows, strict=True):
                    write((pk_value, *row))
            else:
                for row in rows:
                    write(row)
    return ids


def _binary_copy_types(cursor: Any, fields: Sequence[models.Field[Any, Any]]) -> list[str] | None:
    """The PostgreSQL type names of these columns for a binary `COPY`; None if the driver lacks one."""
    known = cursor.adapters.types
    names = []
    for column_field in fields:
        name = (column_field.db_type(connection) or "").split("(")[0].strip()
        if not name or known.get(name) is None:
            return None
        names.append(name)
    return names
