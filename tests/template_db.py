"""The test database, migrated once and cloned per test process (as Zulip's `zulip_test_template`).

Migrating an empty database takes the better part of a minute; every test process needs one of its own. So the first
process of a pass to need it migrates a template database (`django_db_setup` in tests/conftest.py), and every
process — that one too — gets a copy of it: on PostgreSQL `CREATE DATABASE … TEMPLATE`, on SQLite a copy of the
file. The template's name carries a digest of the code it was made by (every Python file under src/eduboard — the
migrations and the code their data migrations call — and requirements.txt, whose pins fix the other apps'
migrations), so a change to any of them makes a new one; an old template is removed when a new one is made.

The processes take turns under a lock of the machine's, so two never build the same template, and a template is
made under another name and renamed when it is whole: a run stopped halfway leaves no half-migrated template.
Every migration runs for real once in every pass, into the template (`manage.py migrate`'s own code, on an empty
database; tests/test_template_db.py checks it left every app at its latest migration), and the move of issue 38
(tests/centre/test_app_split_migration.py) runs every migration forward on an empty database of its own. The
backup drill (tests/core/test_backup_restore.py) starts from a copy of the template too (`template_copy`).
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "template"


def code_digest(root: Path = ROOT) -> str:
    """A digest of what a migrated database depends on: the project's code and the pinned requirements."""
    digest = hashlib.sha256()
    for path in [*sorted((root / "src" / "eduboard").rglob("*.py")), root / "requirements.txt"]:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """One process of the machine at a time (every test process of every checkout on this machine)."""
    path = Path(tempfile.gettempdir()) / f"eduboard-test-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def point_at(name: str) -> None:
    """The connection's database from now on."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _migrate_into(name: str) -> None:
    """A database `name`, made empty and migrated (Django's own test-database creation, under another name)."""
    test_settings = connection.settings_dict["TEST"]
    test_name, original = test_settings.get("NAME"), connection.settings_dict["NAME"]
    test_settings["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    finally:
        test_settings["NAME"] = test_name
        point_at(original)


class SQLiteTemplates:
    """Templates as files beside the test databases (var/)."""

    def __init__(self, test_name: str) -> None:
        self.directory = Path(test_name).parent
        self.template = self.directory / f"test-{PREFIX}-{code_digest()}.sqlite3"

    def lock_name(self) -> str:
        return str(self.template.parent)

    def build(self) -> None:
        if self.template.exists():
            return
        partial = self.template.with_suffix(".partial")
        _migrate_into(str(partial))
        partial.replace(self.template)  # whole, or not there at all
        for old in self.directory.glob(f"test-{PREFIX}-*.sqlite3"):
            if old != self.template:
                old.unlink(missing_ok=True)

    def clone(self, test_name: str) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{test_name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, test_name)


class PostgreSQLTemplates:
    """Templates as databases of the test server, named after the test database."""

    def __init__(self, test_name: str) -> None:
        self.stem = f"test_{connection.settings_dict['NAME']}_{PREFIX}_"[:50]
        self.template = f"{self.stem}{code_digest()}"

    def lock_name(self) -> str:
        server = connection.settings_dict
        return f"postgresql://{server['HOST']}:{server['PORT']}/{self.stem}"

    def _databases(self) -> list[str]:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            return [row[0] for row in cursor.fetchall() if row[0].startswith(self.stem)]

    def _execute(self, *statements: str) -> None:
        with connection._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def build(self) -> None:
        present = self._databases()
        if self.template in present:
            return
        quote = connection.ops.quote_name
        partial = f"{self.template}_partial"
        _migrate_into(partial)
        self._execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(self.template)}")
        self._execute(*(f"DROP DATABASE IF EXISTS {quote(old)}" for old in present if old != self.template))

    def clone(self, test_name: str) -> None:
        quote = connection.ops.quote_name
        self._execute(
            f"DROP DATABASE IF EXISTS {quote(test_name)} WITH (FORCE)",
            f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(self.template)}",
        )


def templates_for(test_name: str) -> SQLiteTemplates | PostgreSQLTemplates:
    """The templates of the configured database, whose test processes' databases are named like `test_name`."""
    return (SQLiteTemplates if connection.vendor == "sqlite" else PostgreSQLTemplates)(test_name)


def made(templates: SQLiteTemplates | PostgreSQLTemplates, *copies: str) -> None:
    """The template made when it is not there yet, and copied to each of `copies`, under the machine's lock."""
    with machine_lock(templates.lock_name()):
        templates.build()
        for copy in copies:
            templates.clone(copy)


_templates: SQLiteTemplates | PostgreSQLTemplates | None = None  # this process's, once `set_up` ran
copy_name = ""  # the test process's copy, once `set_up` ran


def set_up() -> str:
    """The test process's own database, a copy of the template (made first when there is none); returns the name
    the connection had, for `tear_down`."""
    global _templates, copy_name
    original = connection.settings_dict["NAME"]
    test_name = copy_name = connection.creation._get_test_db_name()
    _templates = templates_for(test_name)
    made(_templates, test_name)
    point_at(test_name)
    connection.ensure_connection()
    return str(original)


def tear_down(original: str) -> None:
    """The test process's database removed (the template stays for the next run). On PostgreSQL, a session a test
    left open to it (a thread's connection, a child process's) is ended with it: the process is done with it."""
    if connection.vendor != "postgresql":
        connection.creation.destroy_test_db(original, verbosity=0, keepdb=False)
        return
    test_name = str(connection.settings_dict["NAME"])
    point_at(original)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(test_name)} WITH (FORCE)")


def template_copy(target: str) -> None:
    """A new database holding the pass's migrated template: `target` is a file on SQLite, a database of the test
    server on PostgreSQL (replaced when there is one). For a test that runs `manage.py` on a database of its own."""
    assert _templates is not None, "the test database is not set up (the django_db_setup fixture)"
    made(_templates, target)


def main() -> int:
    """`python -m tests.template_db`: migrate DATABASE_URL's test template now, if it is not made yet. `make test`
    runs it in the background for both databases while the linters and the type checker run on one core, so the test
    processes find their templates made instead of one waiting while the other migrates."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")
    django.setup()
    from tests.conftest import pytest_configure

    pytest_configure(None)  # type: ignore[arg-type] # the test settings (it reads no option)
    templates = templates_for(connection.creation._get_test_db_name())
    made(templates)
    print(f"{connection.vendor}: the test template {templates.template} is made")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
