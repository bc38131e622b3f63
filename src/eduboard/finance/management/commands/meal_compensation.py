"""`manage.py meal_compensation --institution REG --month YYYY-MM [--xlsx FILE]`: a month's meal compensation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand, iso_month, output_file
from eduboard.core.numbers import json_figures
from eduboard.finance.exports import meal_workbook
from eduboard.finance.selectors import meal_compensation
from eduboard.registry.models import Institution


class Command(EduboardCommand):
    help = "Compute a month's meal compensation of one institution: JSON on stdout, or XLSX for accounting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", required=True, help="registration number")
        parser.add_argument("--month", required=True, type=iso_month, help="YYYY-MM")
        parser.add_argument("--xlsx", help="write the XLSX for accounting to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"]
        xlsx = output_file(options["xlsx"], "--xlsx") if options["xlsx"] else None
        institution = Institution.objects.filter(registration_number=options["institution"].strip()).first()
        if institution is None:
            raise CommandError(f"No institution with registration number {options['institution']}")
        computation = meal_compensation(institution=institution, month=month)
        if xlsx is not None:
            xlsx.write_bytes(meal_workbook(computation))
            self.stdout.write(f"Wrote {options['xlsx']}: {len(computation.lines)} learners.")
            return
        self.stdout.write(json_figures(computation.as_dict()))
