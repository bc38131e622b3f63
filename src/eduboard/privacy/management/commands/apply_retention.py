"""`manage.py apply_retention [--dry-run] [--json] [--today YYYY-MM-DD] [--enqueue]`: apply the retention rules, kind
by kind (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.scope import WHOLE_CITY
from eduboard.privacy.services import retention_apply, retention_task


class Command(EduboardCommand):
    help = (
        "Anonymise or delete the personal data past its retention period, kind by kind, by the board's rules "
        '(/privacy/retention/); print the rows of each kind, with --json as {"by_kind": {kind: rows}}. --dry-run '
        "counts without changing anything; --today takes another day as today; --enqueue hands the run to a worker "
        "(the nightly run from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the rows only; change nothing")
        parser.add_argument("--json", action="store_true", help='print {"by_kind": {kind: rows}}')
        parser.add_argument("--today", type=iso_date, help="YYYY-MM-DD: the day taken as today (default: today)")
        parser.add_argument("--enqueue", action="store_true", help="queue the run for a worker (nightly)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        if options["enqueue"]:
            retention_task.enqueue(today=today.isoformat())
            self.stdout.write("The retention run was queued for a worker.")
            return
        answer = retention_apply(viewer=WHOLE_CITY, today=today, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        verb = "due" if options["dry_run"] else "done"
        for kind, rows in answer["by_kind"].items():
            self.stdout.write(f"{kind:<20} {rows:>8} {verb}")
