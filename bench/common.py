"""Set-up shared by the benchmarks: their own database (SQLite file or PostgreSQL), Django, timing, the machine.

Each benchmark names its own SQLite file and PostgreSQL database, so two benchmarks never share one.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fresh_database(db: str, *, sqlite_path: Path, pg_name: str) -> str:
    """Remove the benchmark database of `db` and make an empty one; returns its DATABASE_URL."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        _remove_sqlite(sqlite_path)
        return f"sqlite:///{sqlite_path}"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {pg_name}")
    return f"{PG_SERVER}/{pg_name}"


def drop_database(db: str, *, sqlite_path: Path, pg_name: str) -> None:
    """Remove the benchmark database (after Django's connections are closed)."""
    if db == "sqlite":
        _remove_sqlite(sqlite_path)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


def setup_django(url: str) -> None:
    """Point Django at `url` (before it reads its settings) with DEBUG off, and set it up."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # no query log kept in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django
    from django.conf import settings

    # The benchmarks time the computing of figures, not reading them from the cache (core.figures_cache):
    # a cache that keeps nothing makes every call compute. bench_load.py measures the cache, in its server.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    django.setup()


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Call `function`; return its result and the seconds it took."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def analyze() -> None:
    """Refresh the planner's statistics (PostgreSQL ANALYZE; SQLite ANALYZE fills sqlite_stat1)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def machine() -> str:
    """A one-line description of this machine."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu or platform.processor()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def database_version(db: str) -> str:
    """The database server's version."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if db == "sqlite" else "SHOW server_version")
        return f"{'SQLite' if db == 'sqlite' else 'PostgreSQL'} {cursor.fetchone()[0]}"
