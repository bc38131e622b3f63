"""Faults the system lives through (docs/operations.md, "Faults"): the database dropping its connections (a restart,
a failover) under a running worker and under the web server's kept connections. PostgreSQL only: SQLite has no
server that drops connections."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import ImportJob
from eduboard.registry.models import Programme
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server drops connections"),
    pytest.mark.both_databases,
]


def admin_connection() -> Any:
    """A connection of its own to the server's `postgres` database, outside Django's, to end the test database's
    sessions and refuse new ones from."""
    import psycopg

    own = connection.settings_dict
    return psycopg.connect(
        host=own["HOST"] or None,
        port=own["PORT"] or None,
        user=own["USER"] or None,
        password=own["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


OTHER_SESSIONS = "FROM pg_stat_activity WHERE datname = %s AND pid <> %s AND backend_type = 'client backend'"


def other_sessions(admin: Any) -> list[tuple[int, str]]:
    """The sessions of the test database other than the test's own: their pid and state."""
    own = connection.cursor().connection.info.backend_pid
    return admin.execute(f"SELECT pid, state {OTHER_SESSIONS}", [connection.settings_dict["NAME"], own]).fetchall()


def terminate_other_sessions(admin: Any) -> int:
    """pg_terminate_backend every other session of the test database: what a restart or a failover does."""
    own = connection.cursor().connection.info.backend_pid
    return len(
        admin.execute(
            f"SELECT pg_terminate_backend(pid) {OTHER_SESSIONS}", [connection.settings_dict["NAME"], own]
        ).fetchall()
    )


def programmes(code: str) -> SimpleUploadedFile:
    text = f"code,name,level,special_needs,language\n{code},Pamatizglītības programma,basic,none,lv\n"
    return SimpleUploadedFile("programmes.csv", text.encode(), "text/csv")


def job_done(client: Client, code: str) -> Callable[[], bool]:
    """Upload a file of one programme through the page; a condition that holds once its job is done."""
    response = client.post("/imports/registry/programmes/", {"file": programmes(code)})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.latest("pk")

    def done() -> bool:
        job.refresh_from_db()
        assert job.status != ImportJob.Status.FAILED, job.errors
        return job.status == ImportJob.Status.DONE

    return done


@pytest.mark.django_db(transaction=True)
def test_the_worker_connects_again_after_the_database_drops_its_connections_and_goes_on(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], tmp_path: Path
) -> None:
    """A real `manage.py worker` on the test database: its sessions are terminated while it runs, then the database
    refuses every connection for a while (a restart); the worker waits instead of ending, and a file uploaded after
    that is imported."""
    board = signed_in(make_user(Role.BOARD_ADMIN))
    own = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{own['USER']}@{own['HOST'] or '127.0.0.1'}:{own['PORT'] or 5432}/{own['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    if own["PASSWORD"]:
        env["PGPASSWORD"] = own["PASSWORD"]
    env.pop("REDIS_URL", None)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    admin = admin_connection()
    try:
        wait_for(job_done(board, "21011111"), "the worker imported the first file")
        wait_for(lambda: bool(other_sessions(admin)), "the worker holds a session")
        assert terminate_other_sessions(admin) >= 1  # the worker's own session, kept between looks
        # A restart: for a while no connection is accepted at all.
        admin.execute(f'ALTER DATABASE "{own["NAME"]}" ALLOW_CONNECTIONS false')
        terminate_other_sessions(admin)
        time.sleep(3)  # the worker tries (and fails) to connect again meanwhile
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
        admin.execute(f'ALTER DATABASE "{own["NAME"]}" ALLOW_CONNECTIONS true')
        wait_for(job_done(board, "21011112"), "the worker imported a file uploaded after the restart")
        assert worker.poll() is None
    finally:
        admin.execute(f'ALTER DATABASE "{own["NAME"]}" ALLOW_CONNECTIONS true')
        admin.close()
        worker.terminate()
        worker.wait(60)
        log.close()
    assert set(Programme.objects.values_list("code", flat=True)) == {"21011111", "21011112"}
    output = (tmp_path / "worker.log").read_text()
    assert "Traceback" not in output
    # Whether the worker logs "connecting again" depends on where the drop meets it: between two looks for tasks,
    # the kept connection's health check opens a new one without a word. The import after the drop is the proof.


def test_kept_database_connections_are_checked_before_each_request() -> None:
    assert all(database["CONN_HEALTH_CHECKS"] for database in settings.DATABASES.values())


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_database_dropped_the_kept_connection_is_served_on_a_new_one() -> None:
    """What Django does at the start of every request (`close_old_connections`, on request_started) with a
    connection kept between requests (CONN_MAX_AGE, as in production), after the server ended it: the request's
    queries run on a new connection. Without the health check, the same query fails on the dropped connection."""
    kept = connection.settings_dict["CONN_MAX_AGE"], connection.settings_dict["CONN_HEALTH_CHECKS"]
    admin = admin_connection()

    def dropped_by_the_server() -> int:
        """Keep the connection as between two requests, then have the server end it; its former pid."""
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = 60
        User.objects.count()  # the last request
        pid = connection.cursor().connection.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda: not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchall(), "gone")
        return pid

    try:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True  # as settings.py sets it
        before = dropped_by_the_server()
        close_old_connections()  # the next request starts
        assert User.objects.count() >= 0
        assert connection.cursor().connection.info.backend_pid != before

        connection.settings_dict["CONN_HEALTH_CHECKS"] = False  # the same without the check fails
        dropped_by_the_server()
        close_old_connections()
        with pytest.raises(DatabaseError):
            User.objects.count()
    finally:
        connection.settings_dict["CONN_MAX_AGE"], connection.settings_dict["CONN_HEALTH_CHECKS"] = kept
        connection.close()
        admin.close()
