"""Load benchmark of the dashboard and the statistics pages (issue 15: ≥ 100 requests/s, p95 under 100 ms).

    .venv/bin/python bench/bench_load.py --db sqlite|postgres [--scale national] [--keep] [--reuse]
                                         [--duration 10] [--connections 4] [--workers 2]

Builds the national synthetic set into its own database (SQLite: var/bench/load.sqlite3; PostgreSQL: database
`eduboard_bench_load` on 127.0.0.1:5432), starts gunicorn with `--workers` sync workers on a free loopback port
(DEBUG off, the project's default file cache in a fresh directory, or Redis with `--redis`) and a task worker
(`manage.py worker`), signs a board administrator in (a session
past the second factor), and for each page:
1. times the first request (the figures computed and cached: what the first reader after a change waits),
2. runs `wrk` with `--connections` connections and 2 threads for `--duration` seconds against it, and reads the
   requests per second and the latency percentiles (median, p95, p99) that a small Lua script prints;
3. after the pages, writes one enrolment (a committed change in the registry) and times the first request of
   the dashboard again: a reader who did not write is served the previous answer while the worker computes the
   new one (core.freshness; the author of a change would wait for it).
With `--writes-per-second N` (issue 42), the dashboard is then measured side by side with and without a writer:
`--duration` seconds of load with no writes, the same with a thread committing N registry writes a second (an
enrolment's leaving day set or cleared, on enrolments spread over every institution), and again without: requests/s
and p95 of each, and the ratios of the loaded run to the mean of the two quiet ones.
Needs `wrk` (Debian: `apt-get install wrk`). Results in var/bench/load-<db>.json; figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import BENCH_DIR, ROOT, analyze, database_version, machine, setup_django, timed
from common import drop_database as _drop_database
from common import fresh_database as _fresh_database

SQLITE_PATH = BENCH_DIR / "load.sqlite3"
PG_NAME = "eduboard_bench_load"
YEAR = "2024/2025"
AS_OF = "2024-10-01"
PAGES = [
    # The yardstick of issue 42: a signed-in page that reads almost nothing (the user's API tokens: none).
    ("empty signed-in page", "/accounts/api-token/"),
    ("dashboard", f"/?as_of={AS_OF}"),
    ("registry statistics", f"/registry/statistics/?as_of={AS_OF}"),
    ("finance overview", f"/finance/?as_of={AS_OF}"),
    ("lesson observations", "/quality/"),
    ("exam comparison", "/quality/exams/"),
    ("settlements", "/finance/settlements/"),
    ("mandatory training", "/people/training/"),
    ("learner search", "/registry/learners/?q=berzina"),
]
DASHBOARD = PAGES[1][1]
# The API's statistics answer from the same cached selectors, but the API throttles each user (429 after its
# rate), so a load of one user measures the throttle: they are not in this benchmark.

# Printed by wrk when it is done: requests/s, latency percentiles in µs, and the error counts.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"seconds\\": %.3f, \\"p50_us\\": %d, \\"p95_us\\": %d, \\"p99_us\\": %d, "
    .. "\\"max_us\\": %d, \\"errors\\": %d, \\"non_2xx\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def get(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - loopback http only
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - loopback only
        response.read()
        status = response.status
    return status, time.perf_counter() - started


def wrk(url: str, cookie: str, *, duration: int, connections: int, script: Path) -> dict[str, Any]:
    command = [
        "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
        "-s", str(script), "-H", f"Cookie: {cookie}", url,
    ]  # fmt: skip
    return run_wrk(command)


def run_wrk(command: list[str]) -> dict[str, Any]:
    """Run `wrk` (its script ending with WRK_SCRIPT) and read what it printed: requests, seconds, errors, p95…, and
    `requests_per_s`."""
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own arguments
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["requests_per_s"] = result["requests"] / result["seconds"]
    return result


def writer(stop: Any, per_second: float, counted: list[int]) -> None:
    """Commit `per_second` registry writes a second until `stop` is set: an enrolment's leaving day set or cleared,
    the enrolments taken in turn over every institution (its own database connection)."""
    import random

    from django.db import connection

    from eduboard.registry.models import Enrolment

    rng = random.Random(42)
    ids = list(Enrolment.objects.filter(group__school_year__code=YEAR).values_list("pk", flat=True)[::97])
    rng.shuffle(ids)
    gap = 1 / per_second
    turn = 0
    next_at = time.monotonic()
    while not stop.is_set():
        pk = ids[turn % len(ids)]
        left = None if turn // len(ids) % 2 else date(2025, 5, 31)
        Enrolment.objects.filter(pk=pk).update(left_on=left)  # autocommit: committed at once
        counted.append(1)
        turn += 1
        next_at += gap
        stop.wait(max(0.0, next_at - time.monotonic()))
    connection.close()


def under_writes(url: str, cookie: str, args: Any, script: Path) -> dict[str, Any]:
    """The dashboard without writes, with `--writes-per-second`, and without again, each `--duration` seconds."""
    import threading

    runs: dict[str, Any] = {}
    for name in ("quiet", "writes", "quiet_after"):
        stop, counted = threading.Event(), []
        thread = None
        if name == "writes":
            thread = threading.Thread(target=writer, args=(stop, args.writes_per_second, counted))
            thread.start()
        measured = wrk(url, cookie, duration=args.duration, connections=args.connections, script=script)
        stop.set()
        if thread is not None:
            thread.join()
        measured["writes"] = len(counted)
        measured["load_average"] = load_average()
        runs[name] = measured
        print(
            f"dashboard {name:12} {measured['requests_per_s']:7.1f} req/s  p95 {measured['p95_us'] / 1000:7.1f} ms  "
            f"writes {len(counted)}  errors {measured['errors']}  load {measured['load_average']}"
        )
    quiet_rate = (runs["quiet"]["requests_per_s"] + runs["quiet_after"]["requests_per_s"]) / 2
    quiet_p95 = (runs["quiet"]["p95_us"] + runs["quiet_after"]["p95_us"]) / 2
    runs["rate_kept"] = runs["writes"]["requests_per_s"] / quiet_rate
    runs["p95_ratio"] = runs["writes"]["p95_us"] / quiet_p95
    print(f"under writes: {runs['rate_kept']:.2f} of the requests/s kept, p95 {runs['p95_ratio']:.2f} times")
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--scale", choices=["national", "city", "small"], default="national")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep run left")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--writes-per-second", type=float, default=0, help="measure the dashboard under writes")
    parser.add_argument("--redis", action="store_true", help="the cache (and task queue) on Redis at 127.0.0.1:6379")
    parser.add_argument(
        "--rows", action="store_true", help="add bench_report's staff, finance and quality rows to a new set"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_load: wrk is not installed (Debian: apt-get install wrk)")

    reuse = args.reuse and (SQLITE_PATH.exists() if args.db == "sqlite" else True)
    url = (
        f"sqlite:///{SQLITE_PATH}"
        if reuse and args.db == "sqlite"
        else f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
        if reuse
        else _fresh_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)
    )
    setup_django(url)
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from eduboard.accounts.models import User
    from eduboard.accounts.roles import Role
    from eduboard.registry import national
    from eduboard.registry.models import Enrolment, Group, Learner

    results: dict[str, Any] = {
        "db": args.db,
        "database": database_version(args.db),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "load_average_start": load_average(),
    }
    print(f"== {results['database']} on {results['machine']}")
    call_command("migrate", verbosity=0)
    if not reuse:
        print(f"generating the {args.scale} set …")
        _counts, results["generate_s"] = timed(lambda: national.generate(scale=args.scale, seed=1, year_code=YEAR))
        if args.rows:
            import random

            from report_rows import generate_rows  # imports the models: after setup_django

            print("generating the staff, finance and quality rows …")
            results["rows"], results["rows_s"] = timed(
                lambda: generate_rows(national.generated_institutions(), YEAR, random.Random(1), report=None)
            )
        analyze()
    results["learners"] = Learner.objects.count()
    board, _created = User.objects.get_or_create(username="bench-load-board", defaults={"role": Role.BOARD_ADMIN})
    device = TOTPDevice.objects.filter(user=board).first() or TOTPDevice.objects.create(
        user=board, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(board)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    cookie = f"sessionid={session.session_key}"
    connections.close_all()

    port = free_port()
    cache_dir = tempfile.mkdtemp(prefix="eduboard-bench-cache-")
    script = Path(cache_dir) / "report.lua"
    script.write_text(WRK_SCRIPT)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "CACHE_DIR": cache_dir,
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        **({"REDIS_URL": "redis://127.0.0.1:6379/15"} if args.redis else {}),
    }
    if args.redis:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    log = (BENCH_DIR / f"load-{args.db}-gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [str(Path(sys.executable).parent / "gunicorn"), "eduboard.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    # The task worker beside the servers, as in production: it computes figures again after a change (issue 42).
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, start_new_session=True, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for name, path in PAGES:
            status, first = get(base + path, cookie)
            assert status == 200, (path, status)
            for _ in range(args.workers * 2):  # each worker process computes once (per-process connections)
                get(base + path, cookie)
            measured = wrk(base + path, cookie, duration=args.duration, connections=args.connections, script=script)
            row = {"page": name, "path": path, "first_request_ms": first * 1000, **measured}
            rows.append(row)
            print(
                f"{name:22} first {first * 1000:8.1f} ms  {measured['requests_per_s']:7.1f} req/s  "
                f"p50 {measured['p50_us'] / 1000:7.1f} ms  p95 {measured['p95_us'] / 1000:7.1f} ms  "
                f"p99 {measured['p99_us'] / 1000:7.1f} ms  errors {measured['errors']}"
            )
        results["pages"] = rows
        empty = rows[0]["requests_per_s"]
        for row in rows[1:]:
            row["of_empty_page"] = row["requests_per_s"] / empty
        print("of the empty page's rate: " + ", ".join(f"{r['page']} {r['of_empty_page']:.2f}" for r in rows[1:]))

        # A committed change in the registry: the dashboard's next answer is computed anew, not served stale.
        before = get(base + DASHBOARD, cookie)[1]
        group = Group.objects.filter(school_year__code=YEAR, grade=1).first()
        pupil = Learner.objects.filter(enrolments__group=group).first()
        assert group is not None and pupil is not None
        Enrolment.objects.filter(learner=pupil, group=group).update(left_on=date(2024, 9, 15))
        connections.close_all()
        status, after = get(base + DASHBOARD, cookie)
        assert status == 200
        results["after_write"] = {"cached_ms": before * 1000, "first_after_write_ms": after * 1000}
        print(f"dashboard after a write: {after * 1000:.1f} ms (cached before it: {before * 1000:.1f} ms)")
        if args.writes_per_second:
            results["under_writes"] = under_writes(base + DASHBOARD, cookie, args, script)
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(cache_dir, ignore_errors=True)

    results["load_average_end"] = load_average()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"load-{args.db}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    start, end = results["load_average_start"], results["load_average_end"]
    print(f"{results['learners']} learners; load average {start} → {end}")
    if not args.keep:
        connections.close_all()
        _drop_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


if __name__ == "__main__":
    main()
