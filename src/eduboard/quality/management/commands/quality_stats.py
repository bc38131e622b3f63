"""`manage.py quality_stats observations --from --to` and `quality_stats exams --year --exam`: figures as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from eduboard.core.commands import EduboardCommand, calendar_year, iso_date, read_argument
from eduboard.core.commands import school_year as school_year_code
from eduboard.core.models import SchoolYear
from eduboard.core.numbers import json_figures
from eduboard.quality import selectors
from eduboard.quality.choices import ExamKind, ExamLevel, ObservationKind
from eduboard.registry.board_scope import add_board_argument, command_viewer
from eduboard.registry.models import Institution


class Command(EduboardCommand):
    help = (
        "Print quality figures as JSON: `observations --from --to` (lessons and % meeting each criterion, keyed "
        "by criterion code; the same JSON as GET /api/quality/stats/observations/), or `exams --year --exam` "
        "(city against nation per subject; with --institution, the institution against its type and the nation), "
        "`self_assessment --year 2024/2025` (levels given to each criterion, submitted, late, published), or "
        "`heads --as-of YYYY-MM-DD` (heads' overall levels and unified-school statuses)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument("figures", choices=["observations", "exams", "self_assessment", "heads"])
        parser.add_argument("--from", dest="date_from", type=iso_date, help="YYYY-MM-DD (observations)")
        parser.add_argument("--to", dest="date_to", type=iso_date, help="YYYY-MM-DD, included (observations)")
        parser.add_argument("--kind", choices=ObservationKind.values, help="observations of one kind only")
        parser.add_argument("--subject", help="subject name (observations)")
        parser.add_argument("--institution", help="registration number")
        parser.add_argument(
            "--year", help="calendar year of the exams (exams); school year, e.g. 2024/2025 (self_assessment)"
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=iso_date,
            help="YYYY-MM-DD (heads; self_assessment: lateness), today by default",
        )
        parser.add_argument("--exam", choices=ExamKind.values, help="exam code (exams)")
        parser.add_argument("--level", choices=[v for v in ExamLevel.values if v], help="optimal|higher (exams)")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(registration_number=options["institution"]).first()
            if institution is None:
                raise CommandError(f"Unknown institution {options['institution']}")
        if options["figures"] in ("self_assessment", "heads"):
            self.stdout.write(json_figures(self.evaluation_figures(options)))
            return
        if options["figures"] == "observations":
            if not options["date_from"] or not options["date_to"]:
                raise CommandError("Give the period: --from YYYY-MM-DD --to YYYY-MM-DD")
            if options["date_to"] < options["date_from"]:
                raise CommandError("--to is before --from")
            data: Any = selectors.observation_figures(
                visible_to=command_viewer(options, boards_own=institution is None),
                date_from=options["date_from"],
                date_to=options["date_to"],
                kind=options["kind"],
                subject=options["subject"],
                institution=institution,
            )
        else:
            if not options["year"]:
                raise CommandError("Give the year: --year 2024")
            options["year"] = read_argument("--year", calendar_year, options["year"])
            if institution is not None:
                data = selectors.institution_exam_comparison(
                    visible_to=command_viewer(options, boards_own=institution is None),
                    institution=institution,
                    year=options["year"],
                    exam=options["exam"],
                )
            else:
                if not options["exam"]:
                    raise CommandError("Give the exam: --exam " + "|".join(ExamKind.values))
                data = selectors.exam_comparison(
                    visible_to=command_viewer(options, boards_own=institution is None),
                    year=options["year"],
                    exam=options["exam"],
                    level=options["level"],
                )
        self.stdout.write(json_figures(data))

    def evaluation_figures(self, options: dict[str, Any]) -> Any:
        """The self-assessment or heads' figures (whole city)."""
        today = options["as_of"] or timezone.localdate()
        if options["figures"] == "heads":
            return selectors.heads_figures(visible_to=command_viewer(options), as_of=today)
        if not options["year"]:
            raise CommandError("Give the school year: --year 2024/2025")
        code = read_argument("--year", school_year_code, options["year"])
        school_year = SchoolYear.objects.filter(code=code).first()
        if school_year is None:
            raise CommandError(f"No school year {code} in the database; load its data first.")
        return selectors.self_assessment_figures(
            visible_to=command_viewer(options), school_year=school_year, today=today
        )
