"""Benchmarks of the registry on the national synthetic set: the figures (`registry_stats`) and the learners import.

    .venv/bin/python bench/bench_registry.py --db sqlite|postgres [--scale national] [--rows 100000] [--profile]

Builds the set into a fresh database (SQLite: var/bench/national.sqlite3; PostgreSQL: database
`eduboard_bench` on 127.0.0.1:5432, dropped and created again), then measures and prints a table;
the figures are also written to var/bench/results-<db>.json. See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import statistics
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import BENCH_DIR, analyze, database_version, machine, setup_django, timed
from common import drop_database as _drop_database
from common import fresh_database as _fresh_database

from eduboard.core.scope import WHOLE_CITY

SQLITE_PATH = BENCH_DIR / "national.sqlite3"
PG_NAME = "eduboard_bench"
YEAR = "2024/2025"
AS_OF = date(2024, 10, 1)
STATS_RUNS = 5


def fresh_database(db: str) -> str:
    """Remove this benchmark's database of `db` and make an empty one; returns its DATABASE_URL."""
    return _fresh_database(db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


def drop_database(db: str) -> None:
    """Remove this benchmark's database (after Django's connections are closed)."""
    _drop_database(db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


def vacuum() -> None:
    """PostgreSQL: clear the dead rows a rolled-back import leaves, so later runs do not pay for them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_learner, registry_enrolment")


def bench_stats(label: str) -> dict[str, Any]:
    """`registry_stats` warm: the median of STATS_RUNS runs, the queries of one run and the slowest three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from eduboard.registry.selectors import registry_stats

    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)  # warm-up: caches, the database's pages
    runs = [timed(lambda: registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF))[1] for _run in range(STATS_RUNS)]
    with CaptureQueriesContext(connection) as captured:
        registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    slowest = sorted(captured.captured_queries, key=lambda query: float(query["time"]), reverse=True)[:3]
    return {
        "label": label,
        "median_s": statistics.median(runs),
        "min_s": min(runs),
        "max_s": max(runs),
        "queries": len(captured.captured_queries),
        "slowest_queries": [{"time_s": float(q["time"]), "sql": q["sql"][:300]} for q in slowest],
        "learners_total": stats["learners_total"],
    }


def write_learners_csv(rows: int) -> tuple[Path, Path]:
    """The learners file of `rows` new learners in existing groups, and one of its first half."""
    from eduboard.registry.importers import LearnerImporter
    from eduboard.registry.national import learner_rows

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    full = BENCH_DIR / f"learners-{rows}.csv"
    half = BENCH_DIR / f"learners-{rows // 2}.csv"
    with (
        full.open("w", newline="", encoding="utf-8") as out_full,
        half.open("w", newline="", encoding="utf-8") as out_half,
    ):
        writers = [csv.writer(out_full), csv.writer(out_half)]
        for writer in writers:
            writer.writerow(LearnerImporter.columns)
        for number, row in enumerate(learner_rows(count=rows, year_code=YEAR)):
            writers[0].writerow(row)
            if number < rows // 2:
                writers[1].writerow(row)
    return full, half


def rolled_back(function: Callable[[], Any]) -> Any:
    """Call `function` in a transaction that is rolled back, so the database stays as it was."""
    from django.db import transaction

    with transaction.atomic():
        result = function()
        transaction.set_rollback(True)
    return result


def import_peak_memory(path: Path) -> dict[str, Any]:
    """Peak Python memory (tracemalloc) of importing `path` into the current set, rolled back afterwards."""
    from eduboard.registry.importers import LearnerImporter

    def run() -> Any:
        tracemalloc.start()
        try:
            result = LearnerImporter(viewer=WHOLE_CITY).run(path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return result, peak

    (result, peak), seconds = timed(lambda: rolled_back(run))
    return {"rows": result.rows, "created": result.created, "peak_mib": peak / 2**20, "seconds_traced": seconds}


def import_profile(path: Path, top: int) -> str:
    """cProfile of one import of `path` (rolled back): the functions with the most own time."""
    from eduboard.registry.importers import LearnerImporter

    profile = cProfile.Profile()
    rolled_back(lambda: profile.runcall(LearnerImporter(viewer=WHOLE_CITY).run, path))
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def stats_profile(top: int) -> str:
    """cProfile of one warm `registry_stats` run: the functions with the most cumulative time."""
    from eduboard.registry.selectors import registry_stats

    profile = cProfile.Profile()
    profile.runcall(registry_stats, visible_to=WHOLE_CITY, as_of=AS_OF)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def load_average() -> str:
    """The load averages over 1, 5 and 15 minutes: how busy the (shared) machine was."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    """Build the set, measure, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--scale", choices=["national", "city", "small"], default="national")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the learners file (default 100000)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables of the stats and import")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--stats-only", action="store_true", help="build the set and time registry_stats only")
    args = parser.parse_args()

    setup_django(fresh_database(args.db))
    from django.core.management import call_command

    from eduboard.core.imports import TableFile
    from eduboard.registry import national
    from eduboard.registry.importers import LearnerImporter

    results: dict[str, Any] = {
        "db": args.db,
        "database": database_version(args.db),
        "scale": args.scale,
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_start": load_average(),
    }
    say = print
    say(f"== {results['database']} on {results['machine']}")
    _none, results["migrate_s"] = timed(lambda: call_command("migrate", verbosity=0))
    say(f"migrated in {results['migrate_s']:.1f} s; generating the {args.scale} set …")
    results["counts"], results["generate_s"] = timed(
        lambda: national.generate(scale=args.scale, seed=1, year_code=YEAR, report=lambda m: say(f"  {m}"))
    )

    say("registry_stats …")
    results["stats"] = [bench_stats("as loaded")]
    analyze()
    results["stats"].append(bench_stats("after ANALYZE"))
    if args.profile:
        say(stats_profile(25))
    if args.stats_only:
        finish(args, results, [])
        return

    say(f"writing the learners files ({args.rows} and {args.rows // 2} rows) …")
    (full, half), results["csv_write_s"] = timed(lambda: write_learners_csv(args.rows))

    say("peak memory of the import (tracemalloc, rolled back) …")
    results["memory"] = [import_peak_memory(half), import_peak_memory(full)]
    if args.profile:
        say(import_profile(half, 30))
    vacuum()

    say("importing (first run: every row new) …")
    first, first_s = timed(lambda: LearnerImporter(viewer=WHOLE_CITY).run(full))
    say("importing again (second run: nothing new) …")
    second, second_s = timed(lambda: LearnerImporter(viewer=WHOLE_CITY).run(full))
    check_s = timed(lambda: LearnerImporter(viewer=WHOLE_CITY).check_file(TableFile(full)))[1]
    assert second.created == 0 and second.updated == 0, second.as_dict()
    results["import"] = {
        "rows": first.rows,
        "first": {**first.as_dict(), "seconds": first_s, "rows_per_s": first.rows / first_s},
        "second": {**second.as_dict(), "seconds": second_s, "rows_per_s": second.rows / second_s},
        "check_pass_s": check_s,
    }
    say("registry_stats with the imported learners …")
    results["stats"].append(bench_stats(f"after importing {first.rows} rows"))
    finish(args, results, [full, half])


def finish(args: argparse.Namespace, results: dict[str, Any], files: list[Path]) -> None:
    """Write the JSON, print the table, and remove the database and files unless --keep."""
    from django.db import connections

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results["load_average_end"] = load_average()
    name = f"results-{args.db}{'-stats' if args.stats_only else ''}.json"
    (BENCH_DIR / name).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    if not args.keep:
        connections.close_all()
        drop_database(args.db)
        for path in files:
            path.unlink(missing_ok=True)


def print_table(results: dict[str, Any]) -> None:
    """The results as a plain table."""
    counts = results["counts"]
    lines = [
        ("database", results["database"]),
        ("machine", results["machine"]),
        ("date", results["date"]),
        (
            "load average (1, 5, 15 min)",
            f"at the start {results['load_average_start']}, at the end {results['load_average_end']}",
        ),
        (
            "data set",
            f"{counts['institutions']} institutions, {counts['groups']} groups, {counts['learners']} learners",
        ),
        (
            "generate_dataset",
            f"{results['generate_s']:.1f} s ({counts['learners'] / results['generate_s']:,.0f} learners/s)",
        ),
    ]
    for run in results["stats"]:
        lines.append(
            (
                f"registry_stats, {run['label']}",
                f"median {run['median_s']:.3f} s (min {run['min_s']:.3f}, max {run['max_s']:.3f}), "
                f"{run['queries']} queries, {run['learners_total']} learners",
            )
        )
    imported = results.get("import")
    if imported:
        for name in ("first", "second"):
            run = imported[name]
            lines.append(
                (
                    f"import {imported['rows']} rows, {name} run",
                    f"{run['seconds']:.1f} s = {run['rows_per_s']:,.0f} rows/s "
                    f"(created {run['created']}, updated {run['updated']}, unchanged {run['unchanged']})",
                )
            )
        lines.append(("import: the check pass alone", f"{imported['check_pass_s']:.1f} s"))
    for run in results.get("memory", []):
        lines.append((f"import peak memory, {run['rows']} rows", f"{run['peak_mib']:.1f} MiB (tracemalloc)"))
    width = max(len(name) for name, _value in lines)
    print()
    for name, value in lines:
        print(f"{name:<{width}}  {value}")
    for run in results["stats"][-1:]:
        print("\nslowest queries of registry_stats (" + run["label"] + "):")
        for query in run["slowest_queries"]:
            print(f"  {query['time_s']:.3f} s  {query['sql'][:160]}")


if __name__ == "__main__":
    main()
