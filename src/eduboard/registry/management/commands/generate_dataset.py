"""`manage.py generate_dataset --scale national|city|small|country|boards`: a synthetic country (logic in
registry.national)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from eduboard.core.commands import EduboardCommand, school_year
from eduboard.registry import national


class Command(EduboardCommand):
    help = (
        "Make a synthetic set of institutions, groups, learners and enrolments for one school year "
        "(national: about 1,200 institutions and 330,000 learners; city: 40 and 15,000; small: 5 and 500; "
        "country: 43 boards, one per municipality, with about 1,500 institutions, 224,000 pupils and 90,000 "
        "preschool children; boards: 3 boards of 3 institutions). "
        f"Registration numbers are {national.PREFIX}NNNN; --replace removes an earlier generated set first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(national.SCALES), default="national")
        parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed makes the same set)")
        parser.add_argument("--year", default="2024/2025", type=school_year, help="school year, e.g. 2024/2025")
        parser.add_argument("--replace", action="store_true", help="delete an earlier generated set first")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            if options["replace"]:
                removed = national.remove_generated()
                self.stdout.write(
                    "Removed the earlier generated set: "
                    + ", ".join(f"{count} {name}" for name, count in removed.items())
                    + f" ({time.perf_counter() - started:.1f} s)"
                )
            try:
                counts = national.generate(
                    scale=options["scale"], seed=options["seed"], year_code=options["year"], report=self.stdout.write
                )
            except national.GeneratedDataExists as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                "Made "
                + ", ".join(f"{count} {name}" for name, count in counts.items())
                + f" in {time.perf_counter() - started:.1f} s."
            )
        )
