"""`manage.py census_reminders [--today YYYY-MM-DD]`: e-mail the heads of the institutions late with a census's data
(weekly, from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.dataquality.services import census_reminders_send


class Command(EduboardCommand):
    help = (
        "E-mail the head of each institution that is late with the learners, staff or money of a census day of its "
        "board (the census days whose data was due in the last 120 days), naming what is missing. Weekly, from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=iso_date, help="YYYY-MM-DD, today by default")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = census_reminders_send(today=options["today"] or timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
