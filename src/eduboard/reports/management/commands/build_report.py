"""`manage.py build_report readiness --year 2024/2025 --as-of 2024-08-20 --format pdf --out FILE` and
`manage.py build_report self_assessment --institution REG --year 2024/2025 --format pdf --out FILE`: a report file.

The readiness report may read some areas on dates of their own, as seed 002 does:
`--general-as-of 2024-08-19 --staff-as-of 2024-08-19 --money-as-of 2024-08-14`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from eduboard.core.commands import EduboardCommand, iso_date, output_file, record_id, school_year
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality.models import SelfAssessment
from eduboard.registry.board_scope import board_report_viewer, whole_board
from eduboard.registry.selectors import reporting_school_year
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import DATE_AREAS
from eduboard.reports.renderers import FORMATS, render_report
from eduboard.reports.selectors import edition_content, readiness_content
from eduboard.reports.self_assessment import build_self_assessment_report, report_title, self_assessment_for
from eduboard.reports.services import clean_dates


class Command(EduboardCommand):
    help = (
        "Write a report as HTML, PDF, DOCX or XLSX: the figures computed now (whole city), or a stored "
        "edition's (--edition N, with its narrative; a published one as frozen)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["readiness", "self_assessment"], help="which report")
        parser.add_argument(
            "--year",
            type=school_year,
            help="school year, e.g. 2024/2025 (readiness: checked against --as-of; self_assessment: its year)",
        )
        parser.add_argument("--institution", help="self_assessment: the institution's registration number")
        parser.add_argument("--as-of", dest="as_of", type=iso_date, help="YYYY-MM-DD: the date of the figures")
        for area in DATE_AREAS:
            parser.add_argument(
                f"--{area}-as-of",
                dest=f"{area}_as_of",
                type=iso_date,
                help=f"readiness: YYYY-MM-DD, the {area} figures' own date (when not given: "
                + (
                    "the day of the last spending up to the report's date)" if area == "money" else "the report's date)"
                ),
            )
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), required=True)
        parser.add_argument("--out", required=True, help="the file to write (- for standard output)")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )
        parser.add_argument("--edition", type=record_id, help="render this stored edition instead")
        parser.add_argument(
            "--board",
            help="readiness: the board's code (needed on a deployment of several boards; an edition has its own)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["out"] != "-":
            output_file(options["out"], "--out")
        narrative: dict[str, str] = {}
        title = ""
        area_dates = {area: options[f"{area}_as_of"] for area in DATE_AREAS}
        if options["report"] == "self_assessment":
            content, title = self._self_assessment(options, dated=any(area_dates.values()))
        elif options["edition"]:
            content, narrative, title = self._edition(options, dated=any(area_dates.values()))
        else:
            content = self._readiness(options, area_dates)
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

    def _edition(self, options: dict[str, Any], *, dated: bool) -> tuple[dict[str, Any], dict[str, str], str]:
        """A stored edition's content (its frozen figures once published), narrative and title."""
        if options["as_of"] or dated:
            raise CommandError("An edition has its own dates; give --edition N without --as-of or --*-as-of.")
        edition = ReportEdition.objects.select_related("school_year", "board").filter(pk=options["edition"]).first()
        if edition is None:
            raise CommandError(f"No report edition {options['edition']}.")
        content = edition_content(edition=edition, viewer=whole_board(edition.board))
        return content, edition.narrative, edition.title

    def _readiness(self, options: dict[str, Any], area_dates: dict[str, Any]) -> dict[str, Any]:
        """The readiness report's content as of --as-of (and each area's own date), for the board's whole scope."""
        as_of = options["as_of"]
        if as_of is None:
            raise CommandError("Give --as-of YYYY-MM-DD (or --edition N).")
        year = reporting_school_year(as_of=as_of)
        if year is None:
            raise CommandError(
                f"No school year holds {as_of.isoformat()}: load its data first, or give another --as-of."
            )
        if options["year"]:
            if not SchoolYear.objects.filter(code=options["year"]).exists():
                raise CommandError(f"No school year {options['year']}; load the data first.")
            if year.code != options["year"]:
                raise CommandError(
                    f"The figures as of {as_of} describe the school year {year.code}, not {options['year']}."
                )

        def progress(done: int, total: int, section: str) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"  {done}/{total} {section}")

        try:
            dates = clean_dates(as_of=as_of, dates=area_dates)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"--{area}-as-of: {' '.join(texts)}" for area, texts in error.message_dict.items())
            ) from error
        viewer = board_report_viewer(options)
        return readiness_content(as_of=as_of, visible_to=viewer, progress=progress, dates=dates)

    def _self_assessment(self, options: dict[str, Any], *, dated: bool) -> tuple[dict[str, Any], str]:
        """The self-assessment report's content and title, for the whole city (the command is the board's)."""
        if not options["institution"] or not options["year"]:
            raise CommandError("Give --institution REG and --year YYYY/YYYY for the self_assessment report.")
        if options["edition"] or options["as_of"] or dated:
            raise CommandError(
                "--edition, --as-of and --*-as-of are for the readiness report; self_assessment counts on 1 October."
            )
        try:
            assessment = self_assessment_for(
                institution_number=options["institution"], year=options["year"], viewer=WHOLE_CITY
            )
        except SelfAssessment.DoesNotExist as error:
            raise CommandError(str(error)) from error
        content = build_self_assessment_report(assessment=assessment, visible_to=WHOLE_CITY)
        with translation.override(options["language"]):
            return content, report_title(assessment)
