"""`manage.py build_report readiness --year 2024/2025 --as-of 2024-08-20 --format pdf --out FILE`: a report file."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduboard.core.commands import iso_date
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.selectors import reporting_school_year
from eduboard.reports.models import ReportEdition
from eduboard.reports.renderers import FORMATS, render_report
from eduboard.reports.selectors import edition_content, readiness_content


class Command(BaseCommand):
    help = (
        "Write a report as HTML, PDF, DOCX or XLSX: the figures computed now (whole city), or a stored "
        "edition's (--edition N, with its narrative; a published one as frozen)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["readiness"], help="which report")
        parser.add_argument("--year", help="school year, e.g. 2024/2025 (checked against --as-of)")
        parser.add_argument("--as-of", dest="as_of", type=iso_date, help="YYYY-MM-DD: the date of the figures")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), required=True)
        parser.add_argument("--out", required=True, help="the file to write (- for standard output)")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )
        parser.add_argument("--edition", type=int, help="render this stored edition instead")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        narrative: dict[str, str] = {}
        title = ""
        if options["edition"]:
            edition = ReportEdition.objects.select_related("school_year").filter(pk=options["edition"]).first()
            if edition is None:
                raise CommandError(f"No report edition {options['edition']}.")
            content = edition_content(edition=edition, viewer=WHOLE_CITY)
            narrative, title = edition.narrative, edition.title
        else:
            as_of = options["as_of"]
            if as_of is None:
                raise CommandError("Give --as-of YYYY-MM-DD (or --edition N).")
            year = reporting_school_year(as_of=as_of)
            if options["year"]:
                if not SchoolYear.objects.filter(code=options["year"]).exists():
                    raise CommandError(f"No school year {options['year']}; load the data first.")
                if year is None or year.code != options["year"]:
                    raise CommandError(
                        f"The figures as of {as_of} describe the school year {year.code if year else 'none'}, "
                        f"not {options['year']}."
                    )

            def progress(done: int, total: int, section: str) -> None:
                if options["verbosity"] > 1:
                    self.stderr.write(f"  {done}/{total} {section}")

            content = readiness_content(as_of=as_of, visible_to=WHOLE_CITY, progress=progress)
        data = render_report(content, narrative, fmt=options["fmt"], language=options["language"], title=title)
        if options["out"] == "-":
            sys.stdout.buffer.write(data)
            return
        Path(options["out"]).write_bytes(data)
        if options["verbosity"]:
            self.stderr.write(
                f"Wrote {options['out']} ({len(data)} bytes, {options['fmt']}, {options['language']}) "
                f"in {time.perf_counter() - started:.1f} s."
            )
