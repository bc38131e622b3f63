"""`manage.py projects_stats --as-of YYYY-MM-DD [--institution REG]`: the projects figures as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.numbers import json_figures
from eduboard.projects.selectors import projects_stats
from eduboard.registry.board_scope import add_board_argument, command_viewer
from eduboard.registry.models import Institution


class Command(EduboardCommand):
    help = (
        "Print the projects by status and programme, running grants, payments received and due, prefinancing "
        "outstanding, mobilities and partner countries as of a date as JSON (the same JSON as "
        "GET /api/projects/stats/?as_of=); --institution: the projects that institution takes part in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument("--as-of", dest="as_of", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--institution", help="registration number")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(registration_number=options["institution"]).first()
            if institution is None:
                raise CommandError(f"Unknown institution {options['institution']}")
        self.stdout.write(
            json_figures(
                projects_stats(
                    as_of=options["as_of"],
                    visible_to=command_viewer(options, boards_own=False),
                    institution=institution,
                )
            )
        )
