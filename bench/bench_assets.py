"""Benchmark of the assets area at scale (issue 16: a bulk loan for 1,000 learners under 2 s; `assets_stats` under
0.3 s with 200,000 devices and 500,000 loans, on both databases).

    .venv/bin/python bench/bench_assets.py --db sqlite|postgres [--assets 200000] [--loans 500000] [--keep] [--reuse]

Builds its own database (SQLite: var/bench/assets.sqlite3; PostgreSQL: database `eduboard_bench_assets`): the
city set of `generate_dataset` (institutions, groups, learners), then `--assets` Chromebooks spread over the
schools and `--loans` loans (past loans returned, and one open loan for a device in four), written with the
importers' bulk insert. Then it times, warm, the median of 5:
- `assets_stats` as of a day after every loan began (the devices' status read from the devices) and as of a day
  in the past (read from their history), for the whole city and for one school's head;
- a bulk loan (`loans_bulk_create`) to a class of 1,000 learners, inside a transaction that is rolled back, so
  each run lends to the same class.
The figures go to var/bench/assets-<db>.json; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import date, timedelta
from typing import Any

from common import BENCH_DIR, analyze, database_version, machine, setup_django
from common import drop_database as _drop_database
from common import fresh_database as _fresh_database

SQLITE_PATH = BENCH_DIR / "assets.sqlite3"
PG_NAME = "eduboard_bench_assets"
YEAR = "2024/2025"
RUNS = 5


def median_s(function: Any) -> tuple[float, float, float]:
    function()  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--assets", type=int, default=200_000)
    parser.add_argument("--loans", type=int, default=500_000)
    parser.add_argument("--class-size", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
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
    from django.db import connections, transaction

    from eduboard.accounts.models import User
    from eduboard.accounts.roles import Role
    from eduboard.assets import services
    from eduboard.assets.choices import ensure_standard_kinds
    from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Loan
    from eduboard.assets.selectors import assets_stats
    from eduboard.core.imports import insert_rows
    from eduboard.core.schoolyears import school_year_get_or_create
    from eduboard.core.scope import WHOLE_CITY
    from eduboard.registry import national
    from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme

    results: dict[str, Any] = {
        "db": args.db,
        "database": database_version(args.db),
        "date": datetime_now(),
        "machine": machine(),
        "load_average_start": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    print(f"== {results['database']} on {results['machine']}")
    call_command("migrate", verbosity=0)
    ensure_standard_kinds()
    kind = AssetKind.objects.get(code="chromebook")
    if not reuse:
        print("generating the city set …")
        national.generate(scale="city", seed=1, year_code=YEAR)
        schools = list(Institution.objects.filter(type__in=["basic", "secondary", "gymnasium"]).order_by("pk"))
        learners = list(Learner.objects.order_by("pk").values_list("pk", flat=True))
        # The big class: 1,000 new learners in one group of the first school.
        year = school_year_get_or_create(code=YEAR)
        programme = Programme.objects.filter(level="basic").first()
        group = Group.objects.create(
            institution=schools[0], school_year=year, programme=programme, name="BENCH", grade=7
        )
        started = time.perf_counter()
        ids = insert_rows(
            Learner,
            ["personal_code", "first_name", "last_name", "birth_date"],
            [(f"0101{10 + n // 100000:02d}-{n % 100000:05d}", "Bench", f"Klase{n:04d}", date(2011, 1, 1))
             for n in range(args.class_size)],
            with_ids=True,
        )  # fmt: skip
        class_ids = ids or list(
            Learner.objects.filter(last_name__startswith="Klase").order_by("pk").values_list("pk", flat=True)
        )
        insert_rows(
            Enrolment, ["learner", "group", "enrolled_on"], [(pk, group.pk, date(2024, 9, 1)) for pk in class_ids]
        )
        print(f"writing {args.assets} devices and {args.loans} loans …")
        rows = [
            (f"BA-{n:07d}", kind.pk, schools[n % len(schools)].pk, date(2022, 8, 1), "in_stock", date(2022, 8, 1))
            for n in range(args.assets)
        ]
        for start in range(0, len(rows), 20000):
            insert_rows(
                Asset,
                ["inventory_number", "kind", "institution", "acquired_on", "status", "status_since"],
                rows[start : start + 20000],
            )
        asset_ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
        changes = [(pk, "in_stock", date(2022, 8, 1)) for pk in asset_ids]
        for start in range(0, len(changes), 20000):
            insert_rows(AssetStatusChange, ["asset", "status", "changed_on"], changes[start : start + 20000])
        # Every device lent again and again: each loan a fortnight, returned; one device in four still out.
        base, extra = divmod(args.loans, len(asset_ids))
        loans, open_ids = [], []
        for index, pk in enumerate(asset_ids):
            per_device = base + (1 if index < extra else 0)
            for turn in range(per_device):
                lent_on = date(2022, 9, 1) + timedelta(days=14 * turn)
                still_out = turn == per_device - 1 and (index // len(schools)) % 4 == 0
                returned = None if still_out else lent_on + timedelta(days=10)
                loans.append(
                    (
                        pk,
                        learners[(index * per_device + turn) % len(learners)],
                        lent_on,
                        lent_on + timedelta(days=30),
                        returned,
                        "" if still_out else "ok",
                    )
                )
                if still_out:
                    open_ids.append(pk)
        for start in range(0, len(loans), 20000):
            insert_rows(
                Loan,
                ["asset", "learner", "lent_on", "due_on", "returned_on", "condition"],
                loans[start : start + 20000],
            )
        Asset.objects.filter(pk__in=open_ids).update(status="lent")
        analyze()
        results["build_s"] = time.perf_counter() - started
    results["assets"] = Asset.objects.count()
    results["loans"] = Loan.objects.count()
    group = Group.objects.get(name="BENCH")
    head, _created = User.objects.get_or_create(username="bench-assets-head", defaults={"role": Role.INSTITUTION_HEAD})
    head.institutions.set([group.institution])
    late, early = date(2025, 10, 1), date(2023, 1, 15)
    figures = {
        "assets_stats, city, late date": median_s(lambda: assets_stats(as_of=late, visible_to=WHOLE_CITY)),
        "assets_stats, city, early date": median_s(lambda: assets_stats(as_of=early, visible_to=WHOLE_CITY)),
        "assets_stats, one school": median_s(lambda: assets_stats(as_of=late, visible_to=head)),
    }
    # Free devices for the class: its school's devices in stock (plenty).

    def bulk() -> int:
        with transaction.atomic():
            result = services.loans_bulk_create(group=group, kind=kind, lent_on=late, due_on=None, viewer=WHOLE_CITY)
            transaction.set_rollback(True)
        return len(result.lent)

    lent = bulk()
    figures[f"bulk loan to {args.class_size} learners (lent {lent})"] = median_s(bulk)
    results["figures"] = {name: {"median_s": m, "min_s": lo, "max_s": hi} for name, (m, lo, hi) in figures.items()}
    for name, (m, lo, hi) in figures.items():
        print(f"{name:46} median {m:.3f} s (min {lo:.3f}, max {hi:.3f})")
    results["load_average_end"] = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    counts = f"{results['assets']} devices, {results['loans']} loans"
    print(f"{counts}; load average {results['load_average_start']} → {results['load_average_end']}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"assets-{args.db}.json").write_text(json.dumps(results, indent=2))
    if not args.keep:
        connections.close_all()
        _drop_database(args.db, sqlite_path=SQLITE_PATH, pg_name=PG_NAME)


def datetime_now() -> str:
    from datetime import datetime

    return datetime.now().astimezone().isoformat(timespec="seconds")


if __name__ == "__main__":
    main()
