"""Benchmark of the name search on the national synthetic set (issue 15: under 100 ms over 330,000 learners).

    .venv/bin/python bench/bench_search.py --db sqlite|postgres [--scale national] [--keep] [--reuse]

Builds the set into a fresh database (SQLite: var/bench/search.sqlite3; PostgreSQL: database `eduboard_bench_search`
on 127.0.0.1:5432), then times, as a board user who sees every learner:
- the learners list's search (`LearnerFilter`: the count and the first page of 25 in the Latvian order), the work
  the page does in the database;
- the whole page `/registry/learners/?q=…` through Django's test client (the search, the template, the session);
- the learner picker (`/pickers/learner/?q=…`, 20 rows with their masked codes and institutions).
Each figure is the median of RUNS warm runs. With --reuse an existing database of an earlier --keep run is used.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import datetime
from typing import Any

from common import BENCH_DIR, analyze, database_version, machine, setup_django, timed
from common import drop_database as _drop_database
from common import fresh_database as _fresh_database

SQLITE_PATH = BENCH_DIR / "search.sqlite3"
PG_NAME = "eduboard_bench_search"
YEAR = "2024/2025"
RUNS = 7
# Typed as people type them: a whole surname in capitals, without diacritics, a start, two words.
QUERIES = ["BĒRZIŅA", "berzina", "Kalniņš", "ozol", "anna berz", "jānis ozoliņš", "zzzz"]


def median_ms(function: Any) -> float:
    function()  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--scale", choices=["national", "city", "small"], default="national")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep run left")
    args = parser.parse_args()

    reuse = args.reuse and (
        SQLITE_PATH.exists() if args.db == "sqlite" else True  # PostgreSQL: assumed there when asked
    )
    url = (
        f"sqlite:///{SQLITE_PATH}"
        if reuse and args.db == "sqlite"
        else f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
        if reuse
        else _fresh_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)
    )
    setup_django(url)
    from django.core.management import call_command
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from eduboard.accounts.models import User
    from eduboard.accounts.roles import Role
    from eduboard.core.latvian import found_order
    from eduboard.registry import national
    from eduboard.registry.filters import LearnerFilter
    from eduboard.registry.models import Learner

    results: dict[str, Any] = {
        "db": args.db,
        "database": database_version(args.db),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_start": load_average(),
    }
    print(f"== {results['database']} on {results['machine']}")
    call_command("migrate", verbosity=0)  # with --reuse: nothing to do, or the search indexes made again
    if not reuse:
        print(f"generating the {args.scale} set …")
        _counts, results["generate_s"] = timed(lambda: national.generate(scale=args.scale, seed=1, year_code=YEAR))
        analyze()
    results["learners"] = Learner.objects.count()
    board, _created = User.objects.get_or_create(username="bench-board", defaults={"role": Role.BOARD_ADMIN})
    device = TOTPDevice.objects.filter(user=board).first() or TOTPDevice.objects.create(
        user=board, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(board)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def search(query: str) -> tuple[int, list[Learner]]:
        rows = LearnerFilter({"q": query}, queryset=Learner.objects.visible_to(board)).qs.order_by(found_order(), "pk")
        return rows.count(), list(rows[:25])

    def page(query: str) -> None:
        response = client.get("/registry/learners/", {"q": query})
        assert response.status_code == 200, response.status_code

    def picker(query: str) -> None:
        response = client.get("/pickers/learner/", {"q": query})
        assert response.status_code == 200, response.status_code

    rows = []
    for query in QUERIES:
        found, first = search(query)
        rows.append(
            {
                "query": query,
                "found": found,
                "first": f"{first[0].first_name} {first[0].last_name}" if first else "",
                "search_ms": median_ms(lambda q=query: search(q)),
                "page_ms": median_ms(lambda q=query: page(q)),
                "picker_ms": median_ms(lambda q=query: picker(q)),
            }
        )
        print(
            f"{query!r:18} {found:>7} found  search {rows[-1]['search_ms']:7.1f} ms  "
            f"page {rows[-1]['page_ms']:7.1f} ms  picker {rows[-1]['picker_ms']:7.1f} ms"
        )
    results["queries"] = rows
    results["load_average_end"] = load_average()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"search-{args.db}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"{results['learners']} learners; load average {results['load_average_start']} → {results['load_average_end']}"
    )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _drop_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


if __name__ == "__main__":
    main()
