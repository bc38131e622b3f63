#!/usr/bin/env python3
"""`make cluster`: eduboard on a cluster of real parts on this machine, each on its own loopback port.

    PostgreSQL primary      127.0.0.1:BASE       (a data folder of its own, WAL streamed to the replica)
    PostgreSQL replica      127.0.0.1:BASE+1     (streaming replica: statistics, reports and exports read here)
    PgBouncer               127.0.0.1:BASE+2     (transaction mode, in front of the primary)
    Redis                   127.0.0.1:BASE+3     (task queue, shared cache: figures, progress, heartbeats)
    nginx                   127.0.0.1:BASE+10    (the address people open; both application servers behind it)
    gunicorn app1, app2     127.0.0.1:BASE+11, BASE+12
    RQ workers worker1, worker2

BASE is 54300 (`--port-base`, CLUSTER_PORT_BASE). Everything lives under `var/cluster/` (`--dir`, CLUSTER_DIR): data
folders, configuration, logs (`logs/`), uploaded and report files (`media/`, the storage every part shares here; on
separate hosts an S3-compatible bucket, docs/operations.md). The first start makes the databases, migrates and loads
the demonstration data (`--boards N`, `--no-demo`); later starts reuse them. `start` stays in the foreground and stops
every part on Ctrl+C; `start --detach` returns once every part answers, and `stop` stops them.

Run as root (a CI machine), PostgreSQL and PgBouncer run as the `postgres` user: both refuse root. The application
servers and workers reach the primary through PgBouncer with DATABASE_POOL_MODE=transaction, and the replica
directly. The caller's environment is passed on to them (JOB_LEASE_SECONDS, READ_YOUR_WRITES_SECONDS, SECRET_KEY, …:
docs/operations.md), but for the database, pool, replica, Redis, files and hosts, which are the cluster's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APPS = ("app1", "app2")
WORKERS = ("worker1", "worker2")


def _pg_bin(name: str) -> str:
    """A PostgreSQL program: the server's own folder (Debian keeps initdb off PATH), else PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else (shutil.which(name) or name)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL and PgBouncer refuse to run as root: as root, run them as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def answers(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def wait_for(port: int, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} does not answer on 127.0.0.1:{port} after {seconds:.0f} s")


def _descendants(pid: int) -> list[int]:
    """The processes below `pid` (Linux's /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, waiting = [], [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


#: Each part's port: the base (`--port-base`) plus its offset.
OFFSETS = {"primary": 0, "replica": 1, "pgbouncer": 2, "redis": 3, "nginx": 10, "app1": 11, "app2": 12}


def free_port_base(first: int = 41000, last: int = 49000) -> int:
    """A base whose parts' ports nobody listens on (a test's or a benchmark's cluster beside a running one)."""
    for base in range(first, last, 20):
        if not any(answers(base + offset, timeout=0.2) for offset in OFFSETS.values()):
            return base
    raise RuntimeError(f"no free ports for a cluster between {first} and {last}")


class Cluster:
    def __init__(
        self,
        directory: Path,
        port_base: int,
        *,
        python: str = sys.executable,
        app_workers: int = 2,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.dir = directory.resolve()
        self.settings = dict(settings or {})  # environment settings for the servers and workers (a test's lease)
        self.port_base = port_base
        self.ports = {part: port_base + offset for part, offset in OFFSETS.items()}
        self.python = python
        self.app_workers = app_workers
        self.pg = self.dir / "postgres"  # owned by the postgres user when run as root
        self.logs = self.dir / "logs"
        self.pids = self.dir / "pids"

    # --- addresses

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def primary_url(self, user: str = "eduboard") -> str:
        return f"postgres://{user}@127.0.0.1:{self.ports['primary']}/eduboard"

    def replica_url(self, user: str = "eduboard") -> str:
        return f"postgres://{user}@127.0.0.1:{self.ports['replica']}/eduboard"

    def environment(self) -> dict[str, str]:
        """What the application servers and workers run with (docs/operations.md, "A cluster")."""
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
        env.update(
            DATABASE_URL=f"postgres://eduboard@127.0.0.1:{self.ports['pgbouncer']}/eduboard",
            DATABASE_POOL_MODE="transaction",
            DATABASE_REPLICA_URL=self.replica_url(),
            REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            MEDIA_ROOT=str(self.dir / "media"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TRUSTED_PROXIES="127.0.0.1",
            PYTHONPATH=str(ROOT / "src"),
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(self.settings)
        return env

    # --- processes

    def _pid_file(self, name: str) -> Path:
        return self.pids / f"{name}.pid"

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> int:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - the cluster's own programs
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self._pid_file(name).write_text(str(process.pid))
        return process.pid

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self._pid_file(name).read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def signal_part(self, name: str, signum: int = signal.SIGTERM, *, wait: float = 40) -> None:
        """Send `signum` to a part started here (SIGTERM: gunicorn ends the requests in flight, then stops)."""
        pid = self.pid(name)
        if pid is None:
            return
        # SIGKILL stands for a machine that died: every process of the part goes at once, those in groups of their
        # own too (an RQ worker runs each job in a "work horse" child with a process group of its own).
        for descendant in _descendants(pid) if signum == signal.SIGKILL else []:
            with contextlib.suppress(OSError):
                os.kill(descendant, signum)
        try:
            os.killpg(pid, signum)
        except OSError:
            os.kill(pid, signum)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and self.pid(name) is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.1)
        if self.pid(name) is not None:
            os.killpg(pid, signal.SIGKILL)
        self._pid_file(name).unlink(missing_ok=True)

    def _run(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)  # noqa: S603

    def psql(self, port: int, statement: str, database: str = "postgres") -> str:
        result = self._run(
            [_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-tAc", statement]
        )
        return result.stdout.strip()

    # --- the parts

    def _prepare_folders(self) -> None:
        for folder in (self.dir, self.logs, self.pids, self.dir / "media", self.dir / "nginx", self.pg):
            folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg, "postgres", "postgres")
            os.chmod(self.dir / "nginx", 0o777)  # noqa: S103 - nginx's workers (nobody) write request bodies there

    def _start_primary(self) -> None:
        data = self.pg / "primary"
        if not (data / "PG_VERSION").exists():
            self._run(
                _as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
            )
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(
                    "\n# eduboard cluster (scripts/cluster.py)\n"
                    f"listen_addresses = '127.0.0.1'\nport = {self.ports['primary']}\n"
                    f"unix_socket_directories = '{self.pg}'\ntimezone = 'UTC'\n"
                    "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nmax_connections = 200\n"
                )
        if not answers(self.ports["primary"]):
            self._run(
                _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(self.pg / "primary.log"), "-w", "start"])
            )
        if self.psql(self.ports["primary"], "SELECT 1 FROM pg_roles WHERE rolname = 'eduboard'") != "1":
            # Not a superuser: row-level security holds it (docs/operations.md, "The database user").
            self.psql(self.ports["primary"], "CREATE ROLE eduboard LOGIN")
        if self.psql(self.ports["primary"], "SELECT 1 FROM pg_database WHERE datname = 'eduboard'") != "1":
            self.psql(self.ports["primary"], "CREATE DATABASE eduboard OWNER eduboard")

    def _start_replica(self) -> None:
        data = self.pg / "replica"
        if not (data / "PG_VERSION").exists():
            self._run(
                _as_postgres(
                    [
                        _pg_bin("pg_basebackup"),
                        *("-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres"),
                        *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
                    ]
                )
            )
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {self.ports['replica']}\nhot_standby_feedback = on\n")
        if not answers(self.ports["replica"]):
            self._run(
                _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(self.pg / "replica.log"), "-w", "start"])
            )

    def _start_pgbouncer(self) -> None:
        folder = self.pg / "pgbouncer"
        folder.mkdir(exist_ok=True)
        (folder / "users.txt").write_text('"eduboard" ""\n"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"eduboard = host=127.0.0.1 port={self.ports['primary']} dbname=eduboard\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.ports['pgbouncer']}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = 40\n"
            "ignore_startup_parameters = extra_float_digits\nadmin_users = postgres\n"
            f"logfile = {self.pg / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n"
        )
        if os.geteuid() == 0:
            for path in (folder, folder / "users.txt", folder / "pgbouncer.ini"):
                shutil.chown(path, "postgres", "postgres")
        if not answers(self.ports["pgbouncer"]):
            self._spawn("pgbouncer", _as_postgres(["pgbouncer", str(folder / "pgbouncer.ini")]))
            wait_for(self.ports["pgbouncer"], "PgBouncer")

    def _start_redis(self) -> None:
        if not answers(self.ports["redis"]):
            self._spawn(
                "redis",
                [
                    "redis-server",
                    *("--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                    *("--dir", str(self.dir)),
                ],
            )
            wait_for(self.ports["redis"], "Redis")

    def manage(self, *arguments: str, direct: bool = False, timeout: float | None = None) -> str:
        """`manage.py` with the cluster's environment (`direct`: on the primary itself, not through PgBouncer)."""
        env = self.environment()
        if direct:
            env["DATABASE_URL"] = self.primary_url()
            env.pop("DATABASE_POOL_MODE", None)
        result = self._run([self.python, "manage.py", *arguments], cwd=ROOT, env=env, timeout=timeout)
        return result.stdout

    def _prepare_database(self, boards: int | None) -> None:
        self.manage("migrate", "--noinput", direct=True)
        marker = self.dir / "demo-loaded"
        if boards and not marker.exists():
            self.manage("load_demo", "--boards", str(boards), direct=True)
            marker.write_text(str(boards))

    def start_app(self, name: str) -> None:
        port = self.ports[name]
        if answers(port):
            return
        self._spawn(
            name,
            [
                self.python,
                *("-m", "gunicorn", "eduboard.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(self.app_workers)),
                *("--no-control-socket", "--graceful-timeout", "30", "--timeout", "120", "--name", f"eduboard-{name}"),
            ],
            env=self.environment(),
        )
        wait_for(port, f"gunicorn {name}")

    def start_worker(self, name: str) -> None:
        if self.pid(name) is None:
            # At full priority: a figure a page waits for is computed here too. An import lowers its own weight
            # for its duration (core.priority, IMPORT_CPU_NICE).
            self._spawn(name, [self.python, "manage.py", "worker"], env=self.environment())

    def _start_nginx(self) -> None:
        folder = self.dir / "nginx"
        upstreams = "\n".join(f"    server 127.0.0.1:{self.ports[name]} max_fails=1 fail_timeout=5s;" for name in APPS)
        (folder / "nginx.conf").write_text(
            f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {self.logs / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  access_log {self.logs / "nginx-access.log"};
  client_body_temp_path {folder / "body"};
  proxy_temp_path {folder / "proxy"};
  fastcgi_temp_path {folder / "fastcgi"};
  uwsgi_temp_path {folder / "uwsgi"};
  scgi_temp_path {folder / "scgi"};
  client_max_body_size 70m;
  upstream eduboard {{
{upstreams}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{self.ports["nginx"]};
    location / {{
      proxy_pass http://eduboard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A server that stopped: the request goes to the other (GET and HEAD only; a form is never sent twice).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 300s;
      # Which application server answered (the cluster's test reads it; leave it out on a public host).
      add_header X-Eduboard-Upstream $upstream_addr always;
    }}
  }}
}}
"""
        )
        if not answers(self.ports["nginx"]):
            self._spawn(
                "nginx",
                [
                    "nginx",
                    "-p",
                    str(folder),
                    "-c",
                    str(folder / "nginx.conf"),
                    "-e",
                    str(self.logs / "nginx-error.log"),
                    "-g",
                    "daemon off;",
                ],
            )
            wait_for(self.ports["nginx"], "nginx")

    def start(self, *, boards: int | None = 1) -> None:
        missing = [program for program in ("pgbouncer", "nginx", "redis-server") if shutil.which(program) is None]
        if not Path(_pg_bin("initdb")).exists():
            missing.append("initdb (PostgreSQL server)")
        if missing:
            raise RuntimeError(
                f"missing: {', '.join(missing)}; install the Debian packages pgbouncer, nginx-light, redis-server and "
                "postgresql (scripts/system-deps.sh installs them with CLUSTER=1)."
            )
        self._prepare_folders()
        self._start_primary()
        self._start_replica()
        self._start_pgbouncer()
        self._start_redis()
        self._prepare_database(boards)
        for name in APPS:
            self.start_app(name)
        for name in WORKERS:
            self.start_worker(name)
        self._start_nginx()
        (self.dir / "cluster.json").write_text(
            json.dumps({"url": self.url, "port_base": self.port_base, "directory": str(self.dir)})
        )

    def stop(self) -> None:
        for name in ("nginx", *APPS, *WORKERS, "redis", "pgbouncer"):
            self.signal_part(name)
        for part in ("replica", "primary"):
            data = self.pg / part
            if (data / "postmaster.pid").exists():
                subprocess.run(  # noqa: S603 - pg_ctl of the cluster's own data folder
                    _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                    check=False,
                    capture_output=True,
                )

    # --- for tests and operators: the replica's lag

    def pause_replica(self) -> None:
        """Stop the replica replaying the primary's changes (it lags until `resume_replica`)."""
        self.psql(self.ports["replica"], "SELECT pg_wal_replay_pause()")

    def resume_replica(self) -> None:
        self.psql(self.ports["replica"], "SELECT pg_wal_replay_resume()")


def main() -> int:
    parser = argparse.ArgumentParser(description="eduboard on a cluster of real parts on this machine.")
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--dir", default=os.environ.get("CLUSTER_DIR", str(ROOT / "var" / "cluster")))
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("CLUSTER_PORT_BASE", "54300")))
    parser.add_argument("--boards", type=int, default=int(os.environ.get("BOARDS", "1")))
    parser.add_argument("--no-demo", action="store_true", help="migrate only, load no demonstration data")
    parser.add_argument("--detach", action="store_true", help="return once every part answers")
    options = parser.parse_args()
    cluster = Cluster(Path(options.dir), options.port_base)
    if options.action == "stop":
        cluster.stop()
        return 0
    if options.action == "status":
        for name, port in cluster.ports.items():
            print(f"{name:10} 127.0.0.1:{port:<6} {'answers' if answers(port) else 'down'}")
        for name in WORKERS:
            print(f"{name:10} {'running' if cluster.pid(name) else 'down'}")
        return 0
    try:
        cluster.start(boards=None if options.no_demo else options.boards)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"The cluster did not start: {error}\n{detail}", file=sys.stderr)
        cluster.stop()
        return 1
    print(f"eduboard's cluster answers on {cluster.url}/ (logs in {cluster.logs}).")
    if options.detach:
        print("Stop it with: make cluster-stop")
        return 0
    print("Ctrl+C stops every part.")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
