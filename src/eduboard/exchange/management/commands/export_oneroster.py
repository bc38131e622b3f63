"""`manage.py export_oneroster --out DIR [--institution REG] [--as-of YYYY-MM-DD] [--since YYYY-MM-DD]`: the school
year and enrolments of a day as OneRoster 1.2 CSV files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from eduboard.core.audit import audit_command_read
from eduboard.core.commands import EduboardCommand, iso_date, output_folder
from eduboard.core.scope import WHOLE_CITY
from eduboard.exchange.oneroster import oneroster_roster, write_roster
from eduboard.registry.models import Institution, Learner
from eduboard.registry.selectors import default_as_of


class Command(EduboardCommand):
    help = (
        "Write manifest.csv, orgs.csv, academicSessions.csv, courses.csv, classes.csv, users.csv, roles.csv and "
        "enrollments.csv (OneRoster 1.2 CSV) into DIR: the school year and enrolments of --as-of (by default the day "
        "the pages show: today, or the first day of the latest school year with data), of every institution or of "
        "one; bulk, or with --since the delta of what changed since that day. A bulk export that finds no enrolment "
        "on its day still writes the board and its institutions (orgs.csv), says so and exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the folder to write the files into")
        parser.add_argument("--institution", help="an institution's registration number: its rows only")
        parser.add_argument(
            "--as-of", dest="as_of", type=iso_date, help="YYYY-MM-DD; by default the day the pages show"
        )
        parser.add_argument("--since", type=iso_date, help="YYYY-MM-DD: a delta of the rows changed since then")

    def handle(self, *args: Any, **options: Any) -> None:
        out = output_folder(options["out"], "--out")
        as_of = options["as_of"] or default_as_of()
        institutions = None
        if options["institution"]:
            found = Institution.objects.filter(registration_number=options["institution"].strip()).first()
            if found is None:
                raise CommandError(f"No institution has the registration number {options['institution']}.")
            institutions = [found.pk]
        roster = oneroster_roster(as_of=as_of, visible_to=WHOLE_CITY, since=options["since"], institutions=institutions)
        written = write_roster(roster, out)
        audit_command_read(
            model=Learner,
            rows=roster.learners,
            command="export_oneroster",
            as_of=as_of.isoformat(),
            institution=options["institution"] or "",
            since=options["since"].isoformat() if options["since"] else "",
        )
        counts = ", ".join(f"{path.name} {len(roster.rows.get(path.name, []))}" for path in written[1:])
        mode = "delta" if roster.delta else "bulk"
        self.stdout.write(f"OneRoster 1.2 ({mode}) as of {as_of.isoformat()} written to {options['out']}: {counts}.")
        if not roster.delta and roster.learners == 0:
            # A partner's system reads a bulk file without enrolments as every learner gone: say so, and fail.
            raise CommandError(
                f"No learner is enrolled on {as_of.isoformat()}: the files hold the board and its institutions "
                f"(orgs.csv: {len(roster.rows['orgs.csv'])} rows) and no enrolment; the pages show "
                f"{default_as_of().isoformat()} (choose the day with --as-of)."
            )
