"""Load benchmark of the innovation centre's public pages and of booking (issue 20: the catalogue and a slot page
≥ 200 requests/s with p95 under 100 ms; a booking under 300 ms p95 at 20 concurrent bookers).

    .venv/bin/python bench/bench_centre.py --db sqlite|postgres [--keep] [--reuse] [--duration 10]
                                           [--connections 4] [--workers 2] [--bookers 20] [--bookings 400]

Loads the demonstration data into its own database (SQLite: var/bench/centre.sqlite3; PostgreSQL: database
`eduboard_bench_centre` on 127.0.0.1:5432), starts gunicorn with `--workers` sync workers on a free loopback port
(DEBUG off), and:
1. for the catalogue, an activity's page and a slot's booking form (anonymous, as schools see them): `wrk` with
   `--connections` connections for `--duration` seconds; requests per second and latency percentiles;
2. booking: `--bookers` threads post `--bookings` bookings in all (each a group of 1 on one slot of 100,000 places,
   each with the form's CSRF token), timing each POST to its redirect; the median, p95 and p99. The per-address
   limit is lifted for the run (CENTRE_BOOKINGS_PER_HOUR), every booking's e-mail is enqueued as a task (the
   database backend), as in production.
Needs `wrk` (Debian: `apt-get install wrk`). Results in var/bench/centre-<db>.json; figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench_load import WRK_SCRIPT, free_port, load_average, wrk
from common import BENCH_DIR, ROOT, database_version, machine, setup_django
from common import drop_database as _drop_database
from common import fresh_database as _fresh_database

SQLITE_PATH = BENCH_DIR / "centre.sqlite3"
PG_NAME = "eduboard_bench_centre"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def book_many(base: str, slot_id: int, *, bookers: int, bookings: int) -> dict[str, Any]:
    """`bookers` threads, each with its own CSRF cookie and token, post `bookings` bookings in all."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    each = [bookings // bookers + (1 if n < bookings % bookers else 0) for n in range(bookers)]
    url = f"{base}/centre/lv/slots/{slot_id}/book/"
    start = threading.Barrier(bookers)

    def booker(count: int, number: int) -> None:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        form = opener.open(url, timeout=60).read().decode()
        token = TOKEN.search(form)
        assert token is not None
        start.wait()
        for index in range(count):
            data = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token.group(1), "school_name": f"Bench school {number}",
                "municipality": "Krāslavas novads", "contact_name": "Bench", "email": f"bench{number}@example.lv",
                "phone": "+37120000000", "group_size": "1", "grade": "5", "language": "lv", "action": "book",
            }).encode()  # fmt: skip
            request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 - loopback
            began = time.perf_counter()
            try:
                response = opener.open(request, timeout=60)
                status = response.status
                response.read()
            except urllib.error.HTTPError as error:
                status = error.code
            took = time.perf_counter() - began
            with lock:
                if status == 302:
                    latencies.append(took)
                else:
                    failures.append(f"{status} (booker {number}, booking {index})")

    threads = [threading.Thread(target=booker, args=(count, n)) for n, count in enumerate(each)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {
        "bookers": bookers,
        "bookings": len(latencies),
        "failures": len(failures),
        "failure_examples": failures[:5],
        "seconds": seconds,
        "bookings_per_s": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A booking answers 302 to the booking's page: the benchmark times the booking, not the page after it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        return fp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep run left")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bookers", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=400)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_centre: wrk is not installed (Debian: apt-get install wrk)")

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

    from eduboard.centre.models import Activity, Slot

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
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    activity = Activity.objects.filter(published=True, slots__date__gt=date.today()).order_by("code").first()
    assert activity is not None, "the demonstration data has no slot to come"
    slot = activity.slots.filter(date__gt=date.today()).order_by("date").first()
    assert slot is not None
    big, _created = Slot.objects.update_or_create(
        activity=activity, date=date.today() + timedelta(days=60), start=datetime.strptime("08:00", "%H:%M").time(),
        defaults={"end": datetime.strptime("09:00", "%H:%M").time(), "places": 30000, "room": "Bench"},
    )  # fmt: skip
    results["bookings_before"] = big.booked
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
        "CENTRE_BOOKINGS_PER_HOUR": "1000000",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    log = (BENCH_DIR / f"centre-{args.db}-gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [str(Path(sys.executable).parent / "gunicorn"), "eduboard.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("catalogue", "/centre/lv/"),
        ("catalogue, filtered", "/centre/ru/?module=physics_robotics&age=10-15"),
        ("activity and its slots", f"/centre/lv/activities/{activity.code}/"),
        ("a slot's booking form", f"/centre/lv/slots/{slot.pk}/book/"),
    ]
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for name, path in pages:
            for _ in range(args.workers * 2):
                urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310 - loopback
            measured = wrk(base + path, "", duration=args.duration, connections=args.connections, script=script)
            rows.append({"page": name, "path": path, **measured})
            print(
                f"{name:24} {measured['requests_per_s']:7.1f} req/s  p50 {measured['p50_us'] / 1000:6.1f} ms  "
                f"p95 {measured['p95_us'] / 1000:6.1f} ms  p99 {measured['p99_us'] / 1000:6.1f} ms  "
                f"errors {measured['errors']}"
            )
        results["pages"] = rows
        booking = book_many(base, big.pk, bookers=args.bookers, bookings=args.bookings)
        results["booking"] = booking
        print(
            f"booking, {args.bookers} at once: {booking['bookings']} booked, {booking['failures']} failed, "
            f"p50 {booking['p50_ms']:.1f} ms  p95 {booking['p95_ms']:.1f} ms  p99 {booking['p99_ms']:.1f} ms  "
            f"({booking['bookings_per_s']:.1f} bookings/s)"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(cache_dir, ignore_errors=True)

    big.refresh_from_db()
    results["places_booked_after"] = big.booked
    assert big.booked == results["bookings_before"] + results["booking"]["bookings"], "places and bookings differ"
    results["load_average_end"] = load_average()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"centre-{args.db}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"load average {results['load_average_start']} → {results['load_average_end']}")
    if not args.keep:
        connections.close_all()
        _drop_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


if __name__ == "__main__":
    main()
