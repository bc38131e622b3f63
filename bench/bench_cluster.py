"""Pages through the cluster of `make cluster` (issue 42), and the dashboard while an import runs on a worker.

    .venv/bin/python bench/bench_cluster.py [--rows 30000] [--duration 10]

Starts the cluster (scripts/cluster.py: PostgreSQL primary and replica, PgBouncer, Redis, two gunicorn servers behind
nginx, two RQ workers) on free ports in a folder of its own, with the demonstration data (one board: not the
country's set of issue 42's third point), and stops it afterwards. Through nginx, as the board's analyst, `wrk`
with 4 connections measures the empty signed-in page, the dashboard and the registry statistics for `--duration`
seconds each; then the dashboard again while the demonstration head's file of `--rows` new learners is imported by
a worker. Prints the figures and writes them to var/bench/cluster.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "deploy"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")

import test_cluster as helpers  # noqa: E402 - the cluster test's helpers: sign-in, the learners file, the import
from bench_load import WRK_SCRIPT, wrk  # noqa: E402
from common import BENCH_DIR, machine  # noqa: E402

AS_OF = "2025-01-15"
PAGES = [
    ("empty signed-in page", "/accounts/api-token/"),
    ("dashboard", f"/?as_of={AS_OF}"),
    ("registry statistics", f"/registry/statistics/?as_of={AS_OF}"),
]


def load_average() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=30000, help="learners in the file imported meanwhile")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_cluster: wrk is not installed (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="eduboard-bench-cluster-"))
    folder.chmod(0o755)  # PostgreSQL's user reaches its folders inside
    script = folder / "report.lua"
    script.write_text(WRK_SCRIPT)
    module = helpers.load_cluster_module()
    cluster = module.Cluster(folder, module.free_port_base())
    results: dict[str, Any] = {"date": datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine()}
    try:
        started = time.monotonic()
        cluster.start(boards=1)
        results["start_s"] = time.monotonic() - started
        analyst = helpers.sign_in(cluster, "analyst")
        cookie = "; ".join(f"{name}={value}" for name, value in analyst.cookies.items())
        results["load_average_start"] = load_average()
        pages = []
        for name, path in PAGES:
            for _ in range(4):  # each server's processes compute and keep their figures once
                analyst.get(cluster.url + path, timeout=60)
            measured = wrk(cluster.url + path, cookie, duration=args.duration, connections=4, script=script)
            pages.append({"page": name, "path": path, **measured})
            print(f"{name:22} {measured['requests_per_s']:7.1f} req/s  p95 {measured['p95_us'] / 1000:6.1f} ms  "
                  f"errors {measured['errors']}")  # fmt: skip
        results["pages"] = pages
        head = helpers.sign_in(cluster, "head")
        job_id = helpers.send_import(cluster, head, helpers.learners_file(args.rows, seed=7))
        helpers.wait_for_job(cluster, job_id, ("running", "done", "failed"))
        import_started = time.monotonic()
        during = wrk(cluster.url + PAGES[1][1], cookie, duration=args.duration, connections=4, script=script)
        still_running = helpers.job(cluster, job_id)[0] == "running"
        status, rows, created, _retakes = helpers.wait_for_job(cluster, job_id, ("done", "failed"))
        results["during_import"] = {
            **during,
            "import": {"status": status, "rows": rows, "created": created},
            "import_still_running_when_load_ended": still_running,
            "import_ended_s_after_load_began": time.monotonic() - import_started,
            "rate_kept": during["requests_per_s"] / pages[1]["requests_per_s"],
        }
        print(
            f"dashboard during the import {during['requests_per_s']:7.1f} req/s  p95 {during['p95_us'] / 1000:6.1f} ms "
            f"({results['during_import']['rate_kept']:.2f} of its rate); import {status}, {created} created, ended "
            f"{results['during_import']['import_ended_s_after_load_began']:.1f} s after the load began"
        )
        results["load_average_end"] = load_average()
        print(f"load average {results['load_average_start']} → {results['load_average_end']}")
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "cluster.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
