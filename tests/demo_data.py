"""The demonstration data for tests that read it: `manage.py load_demo` runs once per test process, and every later
load puts back the rows that first load left, table by table (PostgreSQL: binary COPY; SQLite: one executemany per
table), in a second or less instead of load_demo's seconds.

The rows are put back only onto the database they were kept from: the tables as they were before that first
load (the migrations' rows) are fingerprinted, and when they differ now (a test that commits empties the tables
and the migrations write their rows again, with new ids for content types and permissions, which Django also
caches), load_demo runs again and its rows are kept anew. Put back, every table's rows are replaced by the kept
ones, so rows the migrations wrote and load_demo changed come back changed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import time
from io import StringIO

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from eduboard.core.latvian import SEARCH_INDEXES


@dataclass(frozen=True)
class Table:
    """One table's rows as the first load left them."""

    name: str
    columns: list[str]
    rows: list[tuple[object, ...]] | bytes  # SQLite: the rows; PostgreSQL: a binary COPY of them


_kept: tuple[int, list[Table]] | None = None  # (the fingerprint of the tables before the load, the rows after it)


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _keep() -> list[Table]:
    quote = connection.ops.quote_name
    kept = []
    with connection.cursor() as cursor:
        for name in _tables():
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                with cursor.cursor.copy(f"COPY {quote(name)} TO STDOUT (FORMAT BINARY)") as copy:
                    for data in copy:
                        buffer.write(data)
                cursor.execute(f"SELECT * FROM {quote(name)} LIMIT 0")  # noqa: S608 - a table of ours
                columns = [column.name for column in cursor.description]
                kept.append(Table(name, columns, buffer.getvalue()))
            else:
                cursor.execute(f"SELECT * FROM {quote(name)}")  # noqa: S608 - a table of ours
                columns = [column[0] for column in cursor.description]
                # SQLite reads a time column as datetime.time but takes none back: put back the text it stores.
                rows = [tuple(v.isoformat() if isinstance(v, time) else v for v in row) for row in cursor.fetchall()]
                kept.append(Table(name, columns, rows))
    return kept


def _put_back(kept: list[Table]) -> None:
    quote = connection.ops.quote_name
    searched = {table for table, _column in SEARCH_INDEXES}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in kept:
            cursor.execute(f"DELETE FROM {quote(table.name)}")  # noqa: S608 - a table of ours
        if connection.vendor == "sqlite":  # rows are indexed for search once, at the end, not row by row
            cursor.executemany(
                "INSERT OR IGNORE INTO eduboard_search_pause (name) VALUES (%s)", [[t] for t in searched]
            )
        for table in kept:
            if not table.rows:
                continue
            columns = ", ".join(map(quote, table.columns))
            if isinstance(table.rows, bytes):
                with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(table.rows)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608 - a table of ours
                    table.rows,
                )
        if connection.vendor == "sqlite":  # the search indexes (FTS5, kept by triggers) of the rows put back
            cursor.execute("DELETE FROM eduboard_search_pause")
            for table in searched:
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")  # noqa: S608 - ours
        if connection.vendor == "postgresql":  # the ids the next rows get: after the ones put back
            from django.apps import apps

            models = list(apps.get_models(include_auto_created=True))
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def _fingerprint() -> int:
    """A digest of every table's rows as they are now (before a load, the few rows the migrations wrote)."""
    quote = connection.ops.quote_name
    rows = []
    with connection.cursor() as cursor:
        for name in _tables():
            cursor.execute(f"SELECT * FROM {quote(name)} ORDER BY 1")  # noqa: S608 - a table of ours
            rows.append((name, tuple(map(tuple, cursor.fetchall()))))
    return hash(repr(rows))


def load_demo() -> None:
    """The demonstration data, in the caller's transaction (or in one of its own)."""
    global _kept
    with transaction.atomic():
        before = _fingerprint()
        if _kept is not None and _kept[0] == before:
            _put_back(_kept[1])
        else:
            call_command("load_demo", stdout=StringIO())
            _kept = (before, _keep())
