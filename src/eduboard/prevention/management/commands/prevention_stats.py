"""`manage.py prevention_stats --as-of YYYY-MM-DD`: learners at risk of leaving school early, as JSON (counts only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.numbers import json_figures
from eduboard.prevention.selectors import default_as_of, prevention_figures
from eduboard.registry.board_scope import add_board_argument, command_viewer


class Command(EduboardCommand):
    help = (
        "Print the prevention figures as JSON: at_risk_by_rule {rule code: learners}, at_risk_total, "
        "with_support_plan, left_without_destination, repeating (the city, counts only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=iso_date,
            help="YYYY-MM-DD; by default the day the prevention pages open on (today, or the last day with an "
            "absence when this school year has none yet)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = command_viewer(options)
        as_of = options["as_of"] or default_as_of(visible_to=viewer, today=timezone.localdate())
        self.stdout.write(json_figures(prevention_figures(as_of=as_of, visible_to=viewer)))
