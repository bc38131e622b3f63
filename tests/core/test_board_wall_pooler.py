"""Behind a real PgBouncer with `DATABASE_POOL_MODE=session` (the default) the application refuses to start, in one
line, instead of handing one client's board wall to another (core.board_wall.check_pooling); with
`DATABASE_POOL_MODE=transaction`, or connected to PostgreSQL directly, it starts. Skipped where PgBouncer or a
PostgreSQL server on 127.0.0.1:5432 is missing (CI installs PgBouncer: scripts/system-deps.sh)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eduboard.core.board_wall import POOLER_MESSAGE

pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def pgbouncer() -> Iterator[int]:
    if PGBOUNCER is None or not answers(5432):
        pytest.skip("PgBouncer or a PostgreSQL server on 127.0.0.1:5432 is missing")
    # A folder of its own under the system's temporary folder: PgBouncer runs as `postgres` when the tests run as
    # root, and pytest's temporary folders are the test user's alone.
    folder = Path(tempfile.mkdtemp(prefix="eduboard-pgbouncer-"))
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\npool_mode = transaction\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n"
    )
    command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        for path in (folder, folder / "users.txt", folder / "pgbouncer.ini"):
            shutil.chown(path, "postgres", "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"PgBouncer did not start: {(folder / 'pgbouncer.log').read_text(errors='replace')}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def start_wsgi(database_url: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Load the WSGI application as gunicorn would, in a process of its own."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_POOL_MODE"}
    env.update(DATABASE_URL=database_url, **environment)
    return subprocess.run(
        [sys.executable, "-c", "import eduboard.wsgi"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_session_mode_behind_pgbouncer_refuses_to_start_in_one_line(pgbouncer: int) -> None:
    started = start_wsgi(f"postgres://postgres@127.0.0.1:{pgbouncer}/postgres")
    assert started.returncode == 1
    assert started.stderr.strip().splitlines() == [POOLER_MESSAGE]


def test_transaction_mode_behind_pgbouncer_and_session_mode_direct_start(pgbouncer: int) -> None:
    behind = start_wsgi(f"postgres://postgres@127.0.0.1:{pgbouncer}/postgres", DATABASE_POOL_MODE="transaction")
    assert behind.returncode == 0, behind.stderr[-2000:]
    direct = start_wsgi("postgres://postgres@127.0.0.1:5432/postgres")
    assert direct.returncode == 0, direct.stderr[-2000:]


def test_the_worker_behind_pgbouncer_in_session_mode_refuses_to_start_in_one_line(pgbouncer: int) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_POOL_MODE"}
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{pgbouncer}/postgres"
    worker = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 1
    assert worker.stderr.strip().splitlines() == [POOLER_MESSAGE]


def test_the_wsgi_and_asgi_applications_check_the_pooling_when_they_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """What gunicorn and an ASGI server load: each checks the pooling once, as it loads (here without a pooler)."""
    import importlib

    from eduboard.core import board_wall

    calls: list[str] = []
    monkeypatch.setattr(board_wall, "check_pooling", lambda: calls.append("checked"))
    for name in ("eduboard.wsgi", "eduboard.asgi"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        module = importlib.import_module(name)
        assert callable(module.application)
    assert calls == ["checked", "checked"]
