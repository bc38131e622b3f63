"""`manage.py check_data [--institution REG] [--as-of YYYY-MM-DD] [--json] [--census YYYY-MM-DD] [--enqueue]`:
run the data-quality rules of every board (of one institution's), print what they found, and the census of a day.
The day is the pages' (`registry.selectors.default_as_of`) unless --as-of names another; the census's lateness is
today's."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone, translation

from eduboard.core.commands import EduboardCommand, iso_date
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.dataquality.choices import Trigger
from eduboard.dataquality.selectors import census_completeness, census_summary, findings_as_rows
from eduboard.dataquality.services import data_check_run, data_check_task
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Institution
from eduboard.registry.selectors import default_as_of, reporting_school_year


class Command(EduboardCommand):
    help = (
        "Run the data-quality rules of every board (of one institution with --institution) on a date (by default "
        "the day the pages show: today, or the first day of the latest school year with data), keep what they "
        'found for the data-quality page, and print it; with --json as {"by_rule": {code: count}, "issues": '
        '[{"rule", "severity", "institution", "object", "message"}]}, and with --census YYYY-MM-DD also "census": '
        '{"complete": [REG...], "late": [REG...]}. --enqueue hands the run to a worker instead (the nightly run '
        "from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", help="an institution's registration number: its rows only")
        parser.add_argument(
            "--as-of", dest="as_of", type=iso_date, help="YYYY-MM-DD; by default the day the pages show"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--enqueue", action="store_true", help="queue the run for a worker (nightly)")
        parser.add_argument(
            "--census",
            type=iso_date,
            help='YYYY-MM-DD: add "census": {"complete": [REG...], "late": [REG...]} for that census day',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"] and options["institution"]:
            raise CommandError("--enqueue runs every board: leave --institution out.")
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(registration_number=options["institution"].strip()).first()
            if institution is None:
                raise CommandError(f"No institution has the registration number {options['institution']}.")
        if options["enqueue"]:
            # Without --as-of the worker takes the pages' day when it starts (data may arrive in between).
            as_of_text = options["as_of"].isoformat() if options["as_of"] else None
            data_check_task.enqueue(board_ids=None, as_of=as_of_text, trigger=Trigger.NIGHTLY)
            self.stdout.write("The data checks of every board were queued for a worker.")
            return
        as_of = options["as_of"] or default_as_of()
        self.say_if_nothing_is_enrolled(as_of, institution)
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

    def say_if_nothing_is_enrolled(self, as_of: date, institution: Institution | None) -> None:
        """One line on stderr when no learner is enrolled on the day (in the institution) in the school year its
        figures describe (`reporting_school_year`): the rules that read enrolments find nothing then, and the
        operator should know the day is empty rather than the data clean."""
        year = reporting_school_year(as_of=as_of)
        holding = (
            Enrolment.objects.holding_on(as_of, school_year=year) if year is not None else Enrolment.objects.none()
        )
        if institution is not None:
            holding = holding.filter(group__institution=institution)
        if holding.exists():
            return
        where = f" in {institution.registration_number}" if institution is not None else ""
        self.stderr.write(
            f"No learner is enrolled on {as_of.isoformat()}{where}: the rules that read enrolments had nothing to "
            f"check (the pages show {default_as_of().isoformat()}; choose the day with --as-of)."
        )
