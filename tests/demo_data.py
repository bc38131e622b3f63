"""The demonstration data for tests that read it: `manage.py load_demo` runs once per test process, and every later
load puts back the rows that first load left, table by table (PostgreSQL: binary COPY; SQLite: one executemany per
table), in a second or less instead of load_demo's seconds.

Put back, every table's rows are replaced by the kept ones, the migrations' rows included: after a test that
commits (pytest-django empties every table, and Django writes the content types and permissions again with new
ids), the kept rows bring back the ids the first load saw, and Django's cache of content types is emptied so that
nothing remembers the ids in between. So load_demo's seconds are paid once per test process, however many tests
commit in between.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from io import StringIO
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from eduboard.core.imports import analyze_database
from eduboard.core.latvian import SEARCH_INDEXES

T = TypeVar("T")
#: `read_demo(read)`: what `read` reads from the demonstration data (the `read_demo` fixture of tests/conftest.py).
ReadDemo = Callable[[Callable[[], T]], T]


@dataclass(frozen=True)
class Table:
    """One table's rows as the first load left them."""

    name: str
    columns: list[str]
    rows: list[tuple[object, ...]] | bytes  # SQLite: the rows; PostgreSQL: a binary COPY of them


_kept: list[Table] | None = None  # every table's rows as the first load left them
_kept_content_types: list[tuple[object, ...]] = []  # the content types' ids then
# Every table's rows as the migrations left them (the process's new copy of the template; `keep_migrated`): the first
# load starts from them, as `manage.py load_demo` does after `migrate`, even when a test that committed has emptied
# the tables since (pytest-django's flush takes the rows the data migrations wrote: the retention rules, ...).
_migrated: list[Table] | None = None
_migrated_content_types: list[tuple[object, ...]] = []
# True once rows were put back over content types with other ids (written again after a test that committed): a
# test's transaction, rolled back, then takes the kept ids away again, so Django's cache of content types is emptied
# before every later test (tests/conftest.py).
content_types_moved = False


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


def _content_types() -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        return list(map(tuple, cursor.fetchall()))


def _put_back(kept: list[Table], content_types: list[tuple[object, ...]], *, analyze: bool = True) -> None:
    global content_types_moved
    if _content_types() != content_types:
        content_types_moved = True
    quote = connection.ops.quote_name
    searched = {table for table, _column in SEARCH_INDEXES}
    with connection.cursor() as cursor:
        unchecked = connection.vendor == "postgresql" and _superuser(cursor)
        if unchecked:
            # The rows are the ones the first load wrote and checked, whole: PostgreSQL's foreign-key triggers need
            # not check them again row by row (half of a put-back's seconds), so they do not fire while the tables
            # are emptied and filled (the replica role; a superuser's setting, back to the default below).
            cursor.execute("SET LOCAL session_replication_role = replica")
        elif connection.vendor == "postgresql":
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
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        if connection.vendor == "postgresql":  # the ids the next rows get: after the ones put back
            from django.apps import apps

            models = list(apps.get_models(include_auto_created=True))
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    if analyze:
        analyze_database()  # as load_demo does: the test's queries planned on these rows


def _superuser(cursor: CursorWrapper) -> bool:
    """Whether the test database's user may set session_replication_role (PostgreSQL: a superuser)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def _check_deferred_constraints() -> None:
    """PostgreSQL: the foreign keys of the rows just written checked now, once. Left deferred, they would be checked
    at the end of every later test of the module (Django's TestCase checks the deferred constraints before it rolls
    a test back) — and checked again each time, since the test's rollback undoes the check: half a second a test on
    the demonstration data."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def keep_migrated() -> None:
    """Keep every table's rows as they are now, on the process's new copy of the migrated template (the
    django_db_setup fixture of tests/conftest.py), for the first load."""
    global _migrated, _migrated_content_types
    _migrated, _migrated_content_types = _keep(), _content_types()


def load_demo() -> None:
    """The demonstration data, in the caller's transaction (or in one of its own)."""
    global _kept, _kept_content_types
    with transaction.atomic():
        if _kept is not None:
            _put_back(_kept, _kept_content_types)
        else:
            if _migrated is not None:
                # Not analysed: statistics of tables about to be filled would plan load_demo's own queries as
                # over empty tables (a PostgreSQL query of its leaving reasons then ran for over ten minutes).
                _put_back(_migrated, _migrated_content_types, analyze=False)
                ContentType.objects.clear_cache()
            call_command("load_demo", stdout=StringIO())
            _kept, _kept_content_types = _keep(), _content_types()
        _check_deferred_constraints()
    # The content types' ids are the kept ones again: forget any that were read in between.
    ContentType.objects.clear_cache()
