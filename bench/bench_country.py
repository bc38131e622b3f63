"""The country on the cluster (issue 42, third point): 43 boards, and what their users do at once.

    .venv/bin/python bench/bench_country.py [--rows 30000] [--duration 10] [--writes-per-second 1]

Starts the cluster of `make cluster` (PostgreSQL primary and streaming replica, PgBouncer in transaction mode,
Redis, two gunicorn servers behind nginx, two RQ workers) on free ports in a folder of its own, with the
demonstration data and `generate_dataset --scale country` (43 boards, about 1,500 institutions, 224,000 pupils and
90,000 preschool children, Riga's board the biggest), and signs in an analyst of each of eight boards (Riga among
them) and the ministry. Then, through nginx, side by side in one run:

- `wrk` (4 connections, `--duration` seconds) on the empty signed-in page, the dashboards and the registry
  statistics, each request by the next of the eight boards' analysts (users of many boards at once);
- the dashboards again while `--writes-per-second` committed registry writes (an enrolment's leaving set or
  cleared, placed as its institution's, taken in turn over every board) run, and quiet again;
- cold (the figures removed from the cache before each of three tries): Riga's dashboard and the ministry's
  comparison of the 43 boards, one request each; Riga's readiness report built by `build_report`;
- a file of `--rows` new learners imported on a single server (`import_registry` on the primary, no queue) and
  through the cluster (sent to nginx, imported by a worker), then the dashboards again while a third file is
  imported by a worker.

Prints the figures and writes them, with the load average, to var/bench/country.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "deploy"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")

import requests  # noqa: E402
import test_cluster as helpers  # noqa: E402 - the cluster test's helpers: sign-in, the learners file, the import
from bench_load import WRK_SCRIPT, load_average, run_wrk  # noqa: E402
from common import BENCH_DIR, machine  # noqa: E402

AS_OF = "2025-01-15"
EMPTY = "/accounts/api-token/"
DASHBOARD = f"/?as_of={AS_OF}"
STATISTICS = f"/registry/statistics/?as_of={AS_OF}"
NATIONAL = f"/national/?as_of={AS_OF}"
#: The boards whose analysts load the pages (Riga the biggest, Daugavpils the demonstration's).
BOARDS = [
    "n-riga",
    "",
    "n-liepaja",
    "n-jelgava",
    "n-ogres-novads",
    "n-cesu-novads",
    "n-ludzas-novads",
    "n-valmieras-novads",
]
PASSWORD = helpers.PASSWORD

# Each request by the next user: `users` is filled in (their cookies); the path is the one wrk was given.
ROTATE = """
local users = {USERS}
local turn = 0
request = function()
  turn = turn % #users + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Cookie"] = users[turn]
  return wrk.format("GET", wrk.path, headers)
end
"""

MAKE_USERS = """
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.boards import Board
for code in {codes!r}:
    user, _made = User.objects.get_or_create(username="analyst-" + code, defaults={{"role": Role.BOARD_ANALYST}})
    user.set_password({password!r})
    user.save()
    user.boards.set([Board.objects.get(code=code)])
ministry, _made = User.objects.get_or_create(username="ministry", defaults={{"role": Role.MINISTRY}})
ministry.set_password({password!r})
ministry.save()
"""

# One committed write a second, each placed as its institution's (what a head's page does), over every board.
WRITER = """
import time
from datetime import date
from itertools import zip_longest
from eduboard.core.figures_cache import writing_as
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.registry.models import Enrolment
per_board = {{}}
rows = Enrolment.objects.filter(group__institution__registration_number__startswith="800000").order_by("pk")
for pk, institution, board in rows.values_list("pk", "group__institution_id", "group__institution__board_id")[::97]:
    per_board.setdefault(board, []).append((pk, institution))
order = [row for turn in zip_longest(*per_board.values()) for row in turn if row]
turn, gap, next_at = 0, 1 / {per_second}, time.monotonic()
while True:
    pk, institution = order[turn % len(order)]
    left = None if turn // len(order) % 2 else date(2024, 12, 31)
    with writing_as(Narrowed(WHOLE_CITY, {{institution}})):
        Enrolment.objects.filter(pk=pk).update(left_on=left)
    turn += 1
    print(turn, flush=True)
    next_at += gap
    time.sleep(max(0.0, next_at - time.monotonic()))
"""


#: The parts of the cluster whose CPU time is measured, by words of their command line (the first role that matches;
#: an RQ worker's job runs in a forked "work horse", named "rq:…" where RQ renames its processes).
ROLES = (
    ("rq workers", ("manage.py worker", "rq:")),
    ("gunicorn", ("gunicorn",)),
    ("pgbouncer", ("pgbouncer",)),
    ("postgres", ("postgres",)),
    ("redis", ("redis-server",)),
    ("nginx", ("nginx",)),
)


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """{pid: (role, CPU seconds so far, user and system)} of the cluster's processes, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        role = next((role for role, words in ROLES if any(word in command for word in words)), None)
        if role is not None:
            found[int(entry.name)] = (role, (int(fields[11]) + int(fields[12])) / tick)  # utime, stime
    return found


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds each role used between the two readings: a process's growth, a new one's whole (one that ended
    between them is not counted, e.g. a short-lived PostgreSQL backend)."""
    used = {role: 0.0 for role, _words in ROLES}
    for pid, (role, seconds) in after.items():
        start = before.get(pid)
        used[role] += seconds - (start[1] if start is not None and start[0] == role else 0.0)
    return {role: round(seconds, 2) for role, seconds in used.items()}


def wrk(cluster: Any, path: str, cookies: list[str], *, duration: int, folder: Path) -> dict[str, Any]:
    """`wrk` on `path` through nginx, each request by the next of `cookies`' users; with the CPU seconds each part
    of the cluster used meanwhile (a process that ended meanwhile is not counted)."""
    script = folder / "rotate.lua"
    users = "{" + ", ".join(json.dumps(cookie) for cookie in cookies) + "}"
    script.write_text(ROTATE.replace("{USERS}", users) + WRK_SCRIPT)
    command = ["wrk", "-t2", "-c4", f"-d{duration}s", "--timeout", "30s", "-s", str(script), cluster.url + path]
    before = cpu_by_process()
    result = run_wrk(command)
    after = cpu_by_process()
    result["load_average"] = load_average()
    result["cpu_seconds"] = cpu_used(before, after)
    return result


def show(name: str, measured: dict[str, Any]) -> None:
    print(
        f"{name:44} {measured['requests_per_s']:7.1f} req/s  p95 {measured['p95_us'] / 1000:7.1f} ms  "
        f"errors {measured['errors']}  non-2xx {measured['non_2xx']}  load {measured['load_average']}",
        flush=True,
    )
    print(f"  CPU s: {measured['cpu_seconds']}", flush=True)


def forget_figures(cluster: Any) -> int:
    """Remove every cached figure from Redis (sessions and queues stay): the next reader computes them cold."""
    import redis

    client = redis.Redis(port=cluster.ports["redis"])
    keys = list(client.scan_iter(match="*figures*", count=10_000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


def wait_for_quiet_queue(cluster: Any, seconds: float = 1800) -> float:
    """Wait until the workers have nothing queued or running (the data checks an import started, figures being
    computed again), so that the next phase starts on a quiet cluster; the seconds waited."""
    import redis
    from rq import Queue
    from rq.registry import StartedJobRegistry

    client = redis.Redis(port=cluster.ports["redis"])
    queues = [Queue(name, connection=client) for name in ("default",)]
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if all(queue.count == 0 and StartedJobRegistry(queue=queue).count == 0 for queue in queues):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise AssertionError(f"the workers were still busy after {seconds:.0f} s")


def cold(cluster: Any, browser: requests.Session, path: str, tries: int = 3) -> dict[str, Any]:
    """Seconds of one request of `path` with no figure cached, `tries` times (the median kept)."""
    seconds = []
    for _ in range(tries):
        forget_figures(cluster)
        started = time.perf_counter()
        response = browser.get(cluster.url + path, timeout=600)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return {"seconds": seconds, "median_s": statistics.median(seconds), "load_average": load_average()}


def sign_in_all(cluster: Any) -> tuple[list[requests.Session], requests.Session]:
    analysts = [helpers.sign_in(cluster, f"analyst-{code}" if code else "analyst") for code in BOARDS]
    return analysts, helpers.sign_in(cluster, "ministry")


def cookie_of(browser: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def import_on_a_single_server(cluster: Any, folder: Path, rows: int) -> dict[str, Any]:
    path = folder / "single.csv"
    path.write_bytes(helpers.learners_file(rows, seed=11))
    started = time.perf_counter()
    cluster.manage("import_registry", "learners", str(path), direct=True, timeout=3600)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}


def import_through_the_cluster(cluster: Any, head: requests.Session, rows: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    job_id = helpers.send_import(cluster, head, helpers.learners_file(rows, seed=seed))
    status, _done, created, _retakes = helpers.wait_for_job(cluster, job_id, ("done", "failed"))
    seconds = time.perf_counter() - started
    return {"rows": rows, "status": status, "created": created, "seconds": seconds, "rows_per_s": rows / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=30000, help="learners in each imported file")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--writes-per-second", type=float, default=1.0)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_country: wrk is not installed (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="eduboard-bench-country-"))
    folder.chmod(0o755)  # PostgreSQL's user reaches its folders inside
    module = helpers.load_cluster_module()
    cluster = module.Cluster(folder, module.free_port_base())
    results: dict[str, Any] = {"date": datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine()}
    writer = None
    try:
        started = time.monotonic()
        cluster.start(boards=1)
        results["start_s"] = time.monotonic() - started
        started = time.monotonic()
        print(cluster.manage("generate_dataset", "--scale", "country", direct=True, timeout=7200)[-300:], flush=True)
        results["generate_s"] = time.monotonic() - started
        counted = (
            cluster.manage(
                "shell",
                "-c",
                "from eduboard.registry.models import *; from eduboard.registry.boards import Board;"
                "print(Board.objects.count(), Institution.objects.count(),"
                " Enrolment.objects.filter(group__programme__level__in=['basic', 'secondary']).count(),"
                " Enrolment.objects.filter(group__programme__level='preschool').count(),"
                " Enrolment.objects.filter(group__institution__board__code='n-riga').count())",
                direct=True,
            )
            .splitlines()[-1]
            .split()
        )  # fmt: skip (the shell says first how many objects it imported)
        results["data"] = dict(
            zip(
                ["boards", "institutions", "pupils", "preschool_children", "riga_learners"],
                map(int, counted),
                strict=True,
            )
        )
        print(results["data"], flush=True)
        codes = [code for code in BOARDS if code]
        cluster.manage("shell", "-c", MAKE_USERS.format(codes=codes, password=PASSWORD), direct=True)
        analysts, ministry = sign_in_all(cluster)
        cookies = [cookie_of(browser) for browser in analysts]
        results["load_average_start"] = load_average()

        # Cold first (nothing has been read yet): Riga's dashboard, the ministry's comparison, Riga's report.
        riga = analysts[0]
        results["cold"] = {
            "riga_dashboard": cold(cluster, riga, DASHBOARD),
            "daugavpils_dashboard": cold(cluster, analysts[1], DASHBOARD),
            "ministry_comparison": cold(cluster, ministry, NATIONAL),
        }
        forget_figures(cluster)
        started = time.perf_counter()
        cluster.manage(
            "build_report", "readiness", "--board", "n-riga", "--as-of", AS_OF, "--format", "html",
            "--out", str(folder / "riga.html"), timeout=3600,
        )  # fmt: skip
        results["cold"]["riga_readiness_report_command_s"] = time.perf_counter() - started
        ratio = results["cold"]["ministry_comparison"]["median_s"] / results["cold"]["riga_dashboard"]["median_s"]
        results["cold"]["ministry_over_riga_dashboard"] = ratio
        for name, value in results["cold"].items():
            print(f"cold {name}: {value if isinstance(value, float) else value['median_s']:.2f}", flush=True)

        # Warm: every user's pages computed once, then wrk with the eight boards' analysts in turn.
        for browser in analysts:
            for path in (DASHBOARD, STATISTICS, EMPTY):
                for _ in range(4):  # each server's processes
                    browser.get(cluster.url + path, timeout=600)
        pages = {}
        for name, path in (("empty signed-in page", EMPTY), ("dashboard", DASHBOARD), ("statistics", STATISTICS)):
            pages[name] = wrk(cluster, path, cookies, duration=args.duration, folder=folder)
            show(f"{name} (8 boards' analysts)", pages[name])
        results["pages"] = pages

        # Writes spread over the boards, one a second, committed by a process of their own.
        under: dict[str, Any] = {}
        for name in ("quiet", "writes", "quiet_after"):
            if name == "writes":
                env = cluster.environment()
                writer = subprocess.Popen(  # noqa: S603 - our own program
                    [sys.executable, "manage.py", "shell", "-c", WRITER.format(per_second=args.writes_per_second)],
                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                )  # fmt: skip
                time.sleep(8)  # its start and its list of enrolments, before the load
            under[name] = wrk(cluster, DASHBOARD, cookies, duration=args.duration, folder=folder)
            if writer is not None:
                writer.terminate()
                out, _err = writer.communicate(timeout=30)
                under[name]["writes"] = len(out.split())
                writer = None
            show(f"dashboard {name}", under[name])
        quiet_rate = (under["quiet"]["requests_per_s"] + under["quiet_after"]["requests_per_s"]) / 2
        quiet_p95 = (under["quiet"]["p95_us"] + under["quiet_after"]["p95_us"]) / 2
        under["rate_kept"] = under["writes"]["requests_per_s"] / quiet_rate
        under["p95_ratio"] = under["writes"]["p95_us"] / quiet_p95
        results["under_writes"] = under
        print(
            f"under writes: {under['rate_kept']:.2f} of the rate kept, p95 {under['p95_ratio']:.2f} times", flush=True
        )

        # Imports: a single server, then the cluster's worker, then the dashboards while a worker imports.
        head = helpers.sign_in(cluster, "head")
        results["import_single_server"] = import_on_a_single_server(cluster, folder, args.rows)
        # The data checks after that import (of every board: a command writes for the whole deployment) run in a
        # worker; each import below starts on a quiet cluster, and the wait is the checks' time.
        results["background_after_single_import_s"] = wait_for_quiet_queue(cluster)
        results["import_cluster"] = import_through_the_cluster(cluster, head, args.rows, seed=12)
        results["background_after_cluster_import_s"] = wait_for_quiet_queue(cluster)
        results["import_rate_ratio"] = (
            results["import_cluster"]["rows_per_s"] / results["import_single_server"]["rows_per_s"]
        )
        print(
            f"the workers' work after the imports (data checks): {results['background_after_single_import_s']:.1f} s "
            f"after the single server's (every board), {results['background_after_cluster_import_s']:.1f} s after "
            "the cluster's (the head's board)",
            flush=True,
        )
        print(
            f"import of {args.rows} rows: single server {results['import_single_server']['seconds']:.1f} s, "
            f"cluster {results['import_cluster']['seconds']:.1f} s ({results['import_rate_ratio']:.2f} of the rate)",
            flush=True,
        )
        job_id = helpers.send_import(cluster, head, helpers.learners_file(args.rows, seed=13))
        helpers.wait_for_job(cluster, job_id, ("running", "done", "failed"))
        during = wrk(cluster, DASHBOARD, cookies, duration=args.duration, folder=folder)
        during["import_still_running_when_load_ended"] = helpers.job(cluster, job_id)[0] == "running"
        status = helpers.wait_for_job(cluster, job_id, ("done", "failed"))[0]
        during["import_status"] = status
        during["rate_kept"] = during["requests_per_s"] / pages["dashboard"]["requests_per_s"]
        results["dashboard_during_import"] = during
        show("dashboard during the import", during)
        print(f"during the import: {during['rate_kept']:.2f} of the dashboard's rate; import {status}", flush=True)
        results["load_average_end"] = load_average()
    finally:
        if writer is not None:
            writer.kill()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "country.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
