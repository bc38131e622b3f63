"""`manage.py innovation_stats visits --from YYYY-MM-DD --to YYYY-MM-DD`: the centre's figures as JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduboard.core.numbers import json_figures
from eduboard.core.scope import WHOLE_CITY
from eduboard.innovation.selectors import innovation_figures


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date written YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Print the innovation centre's figures for a period as JSON (the same as GET /api/innovation/stats/): "
        "visits, visitors, visitors_by_age_band, visits_by_module, visits_by_municipality, schools_reached, "
        "bookings_by_status, occupancy_percent, points_total."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["visits"], help="the figures: visits")
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _day(options["date_from"]), _day(options["date_to"])
        if date_to < date_from:
            raise CommandError("--to is before --from.")
        self.stdout.write(json_figures(innovation_figures(date_from=date_from, date_to=date_to, visible_to=WHOLE_CITY)))
