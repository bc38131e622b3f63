"""`manage.py assets_stats --as-of YYYY-MM-DD`: the assets figures as JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from eduboard.assets.selectors import assets_stats
from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.numbers import json_figures
from eduboard.registry.board_scope import add_board_argument, command_viewer


class Command(EduboardCommand):
    help = (
        "Print the devices by kind and status, by institution, loans, value by funding source, licence seats and "
        "rooms as of a date as JSON (the same JSON as GET /api/assets/stats/?as_of=)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument("--as-of", dest="as_of", type=iso_date, required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json_figures(assets_stats(visible_to=command_viewer(options), as_of=options["as_of"])))
