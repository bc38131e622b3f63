"""`manage.py check_data [--institution REG] [--as-of YYYY-MM-DD] [--json] [--census YYYY-MM-DD] [--enqueue]`:
run the data-quality rules of every board (of one institution's), print what they found, and the census of a day."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from eduboard.core.commands import iso_date
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.dataquality.choices import Trigger
from eduboard.dataquality.selectors import census_completeness, census_summary, findings_as_rows
from eduboard.dataquality.services import data_check_run, data_check_task
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution


class Command(BaseCommand):
    help = (
        "Run the data-quality rules of every board (of one institution with --institution) on a date (today by "
        'default), keep what they found for the data-quality page, and print it; with --json as {"by_rule": '
        '{code: count}, "issues": [{"rule", "severity", "institution", "object", "message"}]}, and with --census '
        'YYYY-MM-DD also "census": {"complete": [REG...], "late": [REG...]}. --enqueue hands the run to a worker '
        "instead (the nightly run from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", help="an institution's registration number: its rows only")
        parser.add_argument("--as-of", dest="as_of", type=iso_date, help="YYYY-MM-DD, today by default")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--enqueue", action="store_true", help="queue the run for a worker (nightly)")
        parser.add_argument(
            "--census",
            type=iso_date,
            help='YYYY-MM-DD: add "census": {"complete": [REG...], "late": [REG...]} for that census day',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(registration_number=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution has the registration number {options['institution']}.")
        if options["enqueue"]:
            if institution is not None:
                raise CommandError("--enqueue runs every board: leave --institution out.")
            data_check_task.enqueue(board_ids=None, as_of=as_of.isoformat(), trigger=Trigger.NIGHTLY)
            self.stdout.write("The data checks of every board were queued for a worker.")
            return
        boards = [institution.board] if institution is not None else list(Board.objects.order_by("pk"))
        by_rule: dict[str, int] = {}
        found = []
        for board in boards:
            run, findings = data_check_run(board=board, as_of=as_of, trigger=Trigger.COMMAND, institution=institution)
            for code, count in run.by_rule.items():
                by_rule[code] = by_rule.get(code, 0) + count
            found.extend(findings)
        with translation.override(settings.LANGUAGE_CODE):
            issues = findings_as_rows(found)
        answer: dict[str, Any] = {"by_rule": by_rule, "issues": issues}
        if options["census"]:
            viewer = WHOLE_CITY if institution is None else Narrowed(WHOLE_CITY, {institution.pk})
            rows = census_completeness(day=options["census"], visible_to=viewer, today=timezone.localdate())
            answer["census"] = census_summary(rows)
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        for code, count in by_rule.items():
            self.stdout.write(f"{code:<26} {count:>6}")
        for issue in issues:
            self.stdout.write(
                f"{issue['severity']:<7} {issue['rule']:<26} {issue['institution'] or '—':<12} {issue['message']}"
            )
        if "census" in answer:
            self.stdout.write(f"census {options['census'].isoformat()}")
            for state in ("complete", "late"):
                self.stdout.write(f"  {state}: {', '.join(answer['census'][state]) or '—'}")
