"""`manage.py survey_stats CODE [--institution REG] [--type school|preschool]`: a survey's figures as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand
from eduboard.core.numbers import json_figures
from eduboard.registry.board_scope import add_board_argument, command_viewer
from eduboard.registry.models import Institution
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS, survey_by_code, survey_figures


class Command(EduboardCommand):
    help = (
        "Print a survey's figures as JSON (the same as GET /api/surveys/CODE/stats/): `response_rates` "
        "{audience: {responses, population, percent}} and `questions` {question code: {audience: {answer: percent}}}; "
        "a cut with fewer than 5 answers is null."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument("code", help="the survey's code")
        parser.add_argument("--institution", help="one institution's figures (registration number)")
        parser.add_argument("--type", dest="group", choices=sorted(INSTITUTION_GROUPS), help="schools or preschools")

    def handle(self, *args: Any, **options: Any) -> None:
        # One institution named: its figures, whoever founded it; else the board's own institutions'.
        viewer = command_viewer(options, boards_own=not options["institution"])
        try:
            survey = survey_by_code(options["code"], visible_to=viewer)
        except Survey.DoesNotExist:
            raise CommandError(
                f"No survey {options['code']}; import its questions first (import_surveys questions)."
            ) from None
        except Survey.MultipleObjectsReturned as error:
            raise CommandError(str(error)) from None
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(registration_number=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution {options['institution']}.")
        types = INSTITUTION_GROUPS[options["group"]] if options["group"] else None
        figures = survey_figures(survey=survey, visible_to=viewer, institution=institution, institution_types=types)
        self.stdout.write(json_figures(figures))
