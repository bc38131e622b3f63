"""Benchmark of the readiness report on the national synthetic set: the figures, then each file format.

    .venv/bin/python bench/bench_report.py --db sqlite|postgres [--scale national] [--keep]

Builds the set into its own database (SQLite: var/bench/report-national.sqlite3; PostgreSQL: database
`eduboard_bench_report` on 127.0.0.1:5432, dropped and created again): the registry's synthetic country
(`eduboard.registry.national.generate`), then its staff, finance and quality rows (`report_rows.generate_rows`),
so that every section of the report is full; runs `ANALYZE`, then measures
`build_readiness` (warm, median of 3, and its queries) and the HTML, PDF, DOCX and XLSX renderers (median
of 3 each), and
prints a table against the targets (issue: all figures under 3 s, the PDF under 8 s, on both databases); the
figures are also written to var/bench/report-results-<db>.json. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
from datetime import date, datetime
from typing import Any

from common import BENCH_DIR, analyze, database_version, drop_database, fresh_database, machine, setup_django, timed

from eduboard.core.scope import WHOLE_CITY

SQLITE_PATH = BENCH_DIR / "report-national.sqlite3"
PG_NAME = "eduboard_bench_report"
YEAR = "2024/2025"
AS_OF = date(2024, 10, 1)
RUNS = 3
FIGURES_TARGET_S = 3.0  # all figures (`build_readiness`), warm median
PDF_TARGET_S = 8.0  # the PDF, median


def bench_figures() -> dict[str, Any]:
    """`build_readiness` warm: median of RUNS runs, and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from eduboard.reports.readiness import build_readiness

    _first, first_s = timed(lambda: build_readiness(visible_to=WHOLE_CITY, as_of=AS_OF))
    runs = [timed(lambda: build_readiness(visible_to=WHOLE_CITY, as_of=AS_OF))[1] for _run in range(RUNS)]
    with CaptureQueriesContext(connection) as captured:
        content = build_readiness(visible_to=WHOLE_CITY, as_of=AS_OF)
    slowest = sorted(captured.captured_queries, key=lambda query: float(query["time"]), reverse=True)[:5]
    tables = [block for section in content["sections"] for block in section["blocks"] if block["type"] == "table"]
    return {
        "cold_s": first_s,
        "median_s": statistics.median(runs),
        "min_s": min(runs),
        "max_s": max(runs),
        "queries": len(captured.captured_queries),
        "slowest_queries": [{"time_s": float(q["time"]), "sql": q["sql"][:400]} for q in slowest],
        "tables": len(tables),
        "table_rows": sum(len(block["rows"]) for block in tables),
        "content": content,
    }


def bench_files(content: dict[str, Any]) -> dict[str, Any]:
    """Each renderer RUNS times, in Latvian: the median, min and max seconds, and the bytes."""
    from eduboard.reports.renderers import render_report

    results = {}
    for fmt in ("html", "pdf", "docx", "xlsx"):
        runs = [timed(lambda fmt=fmt: render_report(content, {}, fmt=fmt)) for _run in range(RUNS)]
        data = runs[0][0]
        (BENCH_DIR / f"report-national.{fmt}").write_bytes(data)
        seconds = [run[1] for run in runs]
        results[fmt] = {
            "seconds": statistics.median(seconds),
            "min_s": min(seconds),
            "max_s": max(seconds),
            "bytes": len(data),
        }
        if fmt == "pdf":
            import io

            import pikepdf

            results[fmt]["pages"] = len(pikepdf.open(io.BytesIO(data)).pages)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--scale", choices=["national", "city", "small"], default="national")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database and files afterwards")
    args = parser.parse_args()

    setup_django(fresh_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME))
    from django.core.management import call_command
    from django.db import connections
    from report_rows import generate_rows  # imports the models: after setup_django

    from eduboard.registry import national

    results: dict[str, Any] = {
        "db": args.db,
        "database": database_version(args.db),
        "scale": args.scale,
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
    }
    print(f"== {results['database']} on {results['machine']}")
    results["load_average_before"] = _load_average()
    call_command("migrate", verbosity=0)
    print(f"generating the {args.scale} set …")
    results["counts"], results["generate_s"] = timed(
        lambda: national.generate(scale=args.scale, seed=1, year_code=YEAR, report=lambda m: print(f"  {m}"))
    )
    print("generating the staff, finance and quality rows …")
    results["rows"], results["rows_s"] = timed(
        lambda: generate_rows(
            national.generated_institutions(), YEAR, random.Random(1), report=lambda m: print(f"  {m}")
        )
    )
    analyze()
    results["load_average_measuring"] = _load_average()
    print("the report's figures …")
    figures = bench_figures()
    content = figures.pop("content")
    results["figures"] = figures
    print("the files …")
    results["files"] = bench_files(content)
    results["load_average_after"] = _load_average()
    (BENCH_DIR / f"report-results-{args.db}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    counts, rows = results["counts"], results["rows"]
    print(
        f"data set: {counts['institutions']} institutions, {counts['groups']} groups, {counts['learners']} learners "
        f"(generated in {results['generate_s']:.0f} s); staff, finance and quality rows in {results['rows_s']:.0f} s:"
    )
    print("  " + ", ".join(f"{key} {value}" for key, value in rows.items()))
    print(
        f"load average (1, 5, 15 min): before {results['load_average_before']}, "
        f"measuring {results['load_average_measuring']}, after {results['load_average_after']}"
    )
    print(
        f"figures: cold {figures['cold_s']:.2f} s, warm median {figures['median_s']:.2f} s "
        f"(min {figures['min_s']:.2f}, max {figures['max_s']:.2f}), {figures['queries']} queries, "
        f"{figures['tables']} tables with {figures['table_rows']} rows"
    )
    for query in figures["slowest_queries"]:
        print(f"  slow query {query['time_s']:.3f} s: {query['sql'][:160]}")
    for fmt, run in results["files"].items():
        print(
            f"{fmt}: median {run['seconds']:.2f} s (min {run['min_s']:.2f}, max {run['max_s']:.2f}), "
            f"{run['bytes'] / 1024:.0f} KiB" + (f", {run['pages']} pages" if "pages" in run else "")
        )
    pdf = results["files"]["pdf"]["seconds"]
    for what, value, target in (("figures", figures["median_s"], FIGURES_TARGET_S), ("PDF", pdf, PDF_TARGET_S)):
        verdict = "met" if value < target else "MISSED"
        print(f"target: {what} under {target:.0f} s: {value:.2f} s, {verdict}")
    if not args.keep:
        connections.close_all()
        drop_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)
        for fmt in results["files"]:
            (BENCH_DIR / f"report-national.{fmt}").unlink(missing_ok=True)


def _load_average() -> list[float]:
    """The load average over 1, 5 and 15 minutes (the machine is shared: see docs/performance.md)."""
    return [round(value, 2) for value in os.getloadavg()]


if __name__ == "__main__":
    main()
