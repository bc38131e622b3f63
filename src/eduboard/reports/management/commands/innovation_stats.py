"""`manage.py innovation_stats visits|programme|interest|competitions|courses …`: the figures of the innovation centre
and interest education, as JSON.

- `visits --from YYYY-MM-DD --to YYYY-MM-DD`: the centre's visits (the same as GET /api/innovation/stats/);
- `programme --from YYYY-MM-DD --to YYYY-MM-DD`: the centre's programme (student companies and fairs, camps,
  hackathons, conferences and seminars, partners and the centre's projects: `centre.selectors.programme_figures`);
- `interest --as-of YYYY-MM-DD`: interest education on a day (programmes, STEM programmes, groups, clubs,
  participants, pedagogues, employments);
- `competitions --year YYYY`: robotics competitions of a year (competitions, teams, participants, schools);
- `courses --from YYYY-MM-DD --to YYYY-MM-DD`: courses for teachers in a period (courses, teachers trained, hours,
  certificates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand, calendar_year, iso_date, read_argument
from eduboard.core.numbers import json_figures
from eduboard.registry.board_scope import add_board_argument, command_viewer


def _day(value: str | None, option: str) -> date:
    if not value:
        raise CommandError(f"{option} is required: a date written YYYY-MM-DD.")
    return read_argument(option, iso_date, value)


def _period(options: dict[str, Any]) -> tuple[date, date]:
    date_from, date_to = _day(options["date_from"], "--from"), _day(options["date_to"], "--to")
    if date_to < date_from:
        raise CommandError("--to is before --from.")
    return date_from, date_to


class Command(EduboardCommand):
    help = (
        "Print figures as JSON. visits --from --to: the innovation centre's visits (as GET /api/innovation/stats/); "
        "programme --from --to: student_companies, fairs, events_by_kind, event_participants, partners, projects; "
        "interest --as-of: programmes, stem_programmes, groups, clubs, participants, pedagogues, employments; "
        "competitions --year: competitions, teams, participants, schools; courses --from --to: courses, "
        "teachers_trained, hours, certificates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_board_argument(parser)
        parser.add_argument(
            "what", choices=["visits", "programme", "interest", "competitions", "courses"], help="the figures"
        )
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (visits, programme, courses)")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (visits, programme, courses)")
        parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (interest)")
        parser.add_argument("--year", dest="year", help="the calendar year, YYYY (competitions)")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "visits":
            from eduboard.centre.selectors import innovation_figures

            date_from, date_to = _period(options)
            figures = innovation_figures(date_from=date_from, date_to=date_to, visible_to=command_viewer(options))
        elif what == "programme":
            from eduboard.centre.selectors import programme_figures

            date_from, date_to = _period(options)
            figures = programme_figures(date_from=date_from, date_to=date_to, visible_to=command_viewer(options))
        elif what == "interest":
            from eduboard.interest.selectors import interest_figures

            figures = interest_figures(as_of=_day(options["as_of"], "--as-of"), visible_to=command_viewer(options))
        elif what == "competitions":
            from eduboard.competitions.selectors import competition_figures

            if not options["year"]:
                raise CommandError("--year is required: a year written YYYY.")
            figures = competition_figures(year=read_argument("--year", calendar_year, options["year"]))
        else:
            from eduboard.courses.selectors import course_figures

            date_from, date_to = _period(options)
            figures = course_figures(date_from=date_from, date_to=date_to)
        self.stdout.write(json_figures(figures))
