"""`manage.py board_settlements --from YYYY-MM-DD --to YYYY-MM-DD [--board CODE]`: settlements between the boards
of the deployment, computed from the enrolments, as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.numbers import json_figures
from eduboard.finance.board_settlements import board_settlements
from eduboard.registry.board_scope import add_board_argument, command_viewer


class Command(EduboardCommand):
    help = (
        "Print, for each pair of boards, the learner-months by level and the amount the board of the learners' "
        "residence owes the board that teaches them, computed from the enrolments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument("--from", dest="date_from", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=iso_date, required=True, help="YYYY-MM-DD, included")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date_to"] < options["date_from"]:
            raise CommandError("--to is before --from")
        figures = board_settlements(
            date_from=options["date_from"], date_to=options["date_to"], visible_to=command_viewer(options)
        )
        self.stdout.write(json_figures(figures))
