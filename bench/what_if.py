"""What-if measurements behind the fixes docs/performance.md proposes; prototypes, not used by eduboard.

    .venv/bin/python bench/bench_registry.py --db sqlite --keep     # first: build and keep the national set
    .venv/bin/python bench/what_if.py --db sqlite|postgres

Runs against the database `bench_registry.py --keep` left, and changes nothing in it (every import is
rolled back). It compares, on the same data:
- `registry_stats` and its two heavy parts with a leaner shape of the same reads (tuples instead of
  model instances; per-group counts from one scan of the enrolments instead of COUNT(DISTINCT));
- `LearnerImporter` with a prototype whose `write` reads tuples, skips the enrolment lookup for learners
  made in the same chunk and inserts new rows with executemany (SQLite) or COPY (PostgreSQL).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registry import AS_OF, BENCH_DIR, PG_NAME, PG_SERVER, SQLITE_PATH, YEAR, rolled_back, setup_django, vacuum


def median_time(function: Callable[[], Any], runs: int = 5) -> float:
    """The median seconds of `runs` calls after one warm-up call."""
    function()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def lean_figures(as_of: date) -> dict[str, Any]:
    """Learners by level, in all, per group and from other municipalities from two scans of the enrolments."""
    from collections import defaultdict

    from django.db.models import Count, Q

    from eduboard.registry.models import Group
    from eduboard.registry.selectors import active_enrolments, reporting_school_year

    year = reporting_school_year(as_of=as_of)
    assert year is not None
    active = active_enrolments(school_year=year, as_of=as_of)
    per_group = {
        group_id: (n, other)
        for group_id, n, other in active.values("group_id")
        .annotate(n=Count("pk"), other=Count("pk", filter=Q(learner__declared_municipality__is_home=False)))
        .values_list("group_id", "n", "other")
    }
    groups = Group.objects.filter(school_year=year).values_list(
        "pk", "institution__registration_number", "institution__type", "programme__level", "grade", "capacity"
    )
    by_level: dict[str, int] = defaultdict(int)
    enrolled = free = 0
    for pk, _number, _type, level, _grade, capacity in groups:
        n, _other = per_group.get(pk, (0, 0))
        by_level[level] += n
        enrolled += n
        free += max(capacity - n, 0) if capacity is not None else 0
    # Learners counted twice above: those with two or more active enrolments (few); a real fix would
    # correct by_level for them with one more small query on exactly these learners.
    repeated = active.values("learner_id").annotate(n=Count("pk")).filter(n__gt=1).values_list("learner_id", "n")
    total = enrolled - sum(n - 1 for _learner, n in repeated)
    return {"total": total, "by_level": dict(by_level), "enrolled": enrolled, "free": free}


def stats_what_if() -> list[tuple[str, float]]:
    """The current reads against the leaner shape, median seconds."""
    from django.db.models import Count

    from eduboard.registry.models import Group
    from eduboard.registry.selectors import (
        active_enrolments,
        groups_with_places,
        learner_figures,
        registry_stats,
        reporting_school_year,
    )

    year = reporting_school_year(as_of=AS_OF)
    assert year is not None
    active = active_enrolments(school_year=year, as_of=AS_OF)

    def lean_groups() -> int:
        counts = dict(active.values_list("group_id").annotate(n=Count("pk")).values_list("group_id", "n"))
        rows = Group.objects.filter(school_year=year).values_list(
            "pk", "institution__registration_number", "institution__type", "programme__level", "capacity"
        )
        return sum(counts.get(row[0], 0) for row in rows)

    now, lean = registry_stats(as_of=AS_OF), lean_figures(AS_OF)
    assert lean["total"] == now["learners_total"], (lean["total"], now["learners_total"])
    assert lean["enrolled"] == now["enrolled_total"] and lean["free"] == now["free_places_total"]
    measured = [
        ("registry_stats, as it is", lambda: registry_stats(as_of=AS_OF)),
        ("  groups_with_places (model instances, GROUP BY every column)", lambda: groups_with_places(as_of=AS_OF)),
        ("  the same as tuples + per-group counts (2 queries)", lean_groups),
        ("  learner_figures (4 COUNT(DISTINCT) + a DISTINCT count)", lambda: learner_figures(as_of=AS_OF)),
        ("  floor: COUNT(*) of the active enrolments", active.count),
        ("lean figures: per-group counts + repeated learners (2 scans)", lambda: lean_figures(AS_OF)),
    ]
    return [(label, median_time(function)) for label, function in measured]


def fast_learner_importer() -> type:
    """A LearnerImporter whose `write` avoids model instances and Django's per-field insert compilation."""
    from django.db import connection
    from django.utils import timezone

    from eduboard.core.imports import ImportResult
    from eduboard.registry.importers import LearnerImporter, LearnerRow, municipality_get_or_create
    from eduboard.registry.models import Enrolment, Learner

    learner_columns = (
        "created_at, updated_at, personal_code, first_name, last_name, birth_date, "
        "declared_municipality_id, large_family_card, ukrainian_civilian"
    )
    enrolment_columns = "created_at, updated_at, learner_id, group_id, enrolled_on, left_on, leaving_reason"

    def insert(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - our names

    class FastLearnerImporter(LearnerImporter):
        def write(self, records: list[LearnerRow], result: ImportResult) -> None:
            """Save one chunk: tuples in, bulk inserts out, the same results as LearnerImporter.write."""
            now = timezone.now()
            by_code = {record.personal_code: record for record in records}
            existing = {
                row[1]: row
                for row in Learner.objects.filter(personal_code__in=list(by_code)).values_list(
                    "pk", "personal_code", "first_name", "last_name", "birth_date", "declared_municipality_id"
                )
            }
            new: list[tuple[Any, ...]] = []
            changed = []
            for code, record in by_code.items():
                municipality_id = (
                    municipality_get_or_create(record.municipality, self.municipalities)
                    if record.municipality
                    else None
                )
                values = (record.first_name, record.last_name, record.birth_date, municipality_id)
                row = existing.get(code)
                if row is None:
                    new.append((now, now, code, *values, False, False))
                elif row[2:] != values:
                    changed.append(
                        Learner(
                            pk=row[0],
                            personal_code=code,
                            first_name=values[0],
                            last_name=values[1],
                            birth_date=values[2],
                            declared_municipality_id=municipality_id,
                        )
                    )
            insert(Learner._meta.db_table, learner_columns, new)
            if changed:
                Learner.objects.bulk_update(changed, ["first_name", "last_name", "birth_date", "declared_municipality"])
            ids = {code: row[0] for code, row in existing.items()}
            if new:
                made = Learner.objects.filter(personal_code__in=[row[2] for row in new])
                ids.update(made.values_list("personal_code", "pk"))
            current = {}
            if existing:  # learners made in this chunk have no enrolments yet
                current = {
                    (learner_id, group_id): (pk, enrolled_on, left_on)
                    for pk, learner_id, group_id, enrolled_on, left_on in Enrolment.objects.filter(
                        learner_id__in=[row[0] for row in existing.values()]
                    ).values_list("pk", "learner_id", "group_id", "enrolled_on", "left_on")
                }
            new_enrolments: list[tuple[Any, ...]] = []
            changed_enrolments = []
            for record in records:
                learner_id = ids[record.personal_code]
                found = current.get((learner_id, record.group_id))
                if found is None:
                    new_enrolments.append(
                        (now, now, learner_id, record.group_id, record.enrolled_on, record.left_on, "")
                    )
                    result.created += 1
                elif found[1:] != (record.enrolled_on, record.left_on):
                    changed_enrolments.append(
                        Enrolment(pk=found[0], enrolled_on=record.enrolled_on, left_on=record.left_on)
                    )
                    result.updated += 1
                else:
                    result.unchanged += 1
            insert(Enrolment._meta.db_table, enrolment_columns, new_enrolments)
            if changed_enrolments:
                Enrolment.objects.bulk_update(changed_enrolments, ["enrolled_on", "left_on"])

    return FastLearnerImporter


def import_what_if(rows: int) -> list[tuple[str, float]]:
    """Rows per second of the current importer and of the prototype, first and second run, rolled back."""
    from eduboard.registry.importers import LearnerImporter
    from eduboard.registry.national import learner_rows

    path = BENCH_DIR / f"what-if-{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(LearnerImporter.columns)
        writer.writerows(learner_rows(count=rows, seed=123, year_code=YEAR))
    results = []
    for importer in (LearnerImporter, fast_learner_importer()):
        vacuum()

        def both_runs(importer: type = importer) -> tuple[Any, float, Any, float]:
            started = time.perf_counter()
            first = importer().run(path)
            middle = time.perf_counter()
            second = importer().run(path)
            return first, middle - started, second, time.perf_counter() - middle

        first, first_s, second, second_s = rolled_back(both_runs)
        assert first.created == rows and second.created == 0 and second.unchanged == rows
        results.append((f"{importer.__name__}, first run (rows/s)", first.rows / first_s))
        results.append((f"{importer.__name__}, second run (rows/s)", second.rows / second_s))
    path.unlink()
    vacuum()
    return results


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the import file (default 50000)")
    args = parser.parse_args()
    if args.db == "sqlite" and not SQLITE_PATH.exists():
        sys.exit("No benchmark database: run bench/bench_registry.py --db sqlite --keep first.")
    setup_django(f"sqlite:///{SQLITE_PATH}" if args.db == "sqlite" else f"{PG_SERVER}/{PG_NAME}")
    from eduboard.registry.models import Enrolment

    print(f"{args.db}: {Enrolment.objects.count()} enrolments")
    for label, seconds in stats_what_if():
        print(f"{seconds:8.3f} s  {label}")
    for label, rate in import_what_if(args.rows):
        print(f"{rate:8,.0f}    {label}")


if __name__ == "__main__":
    main()
