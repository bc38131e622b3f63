"""`manage.py load_demo`: load (or refresh) the demonstration data. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from eduboard.accounts import demo as accounts_demo
from eduboard.accounts.roles import Role
from eduboard.assets import demo as assets_demo
from eduboard.centre import demo as centre_demo
from eduboard.competitions import demo as competitions_demo
from eduboard.core.commands import EduboardCommand
from eduboard.core.imports import analyze_database
from eduboard.courses import demo as courses_demo
from eduboard.credentials import demo as credentials_demo
from eduboard.dataquality.choices import Trigger
from eduboard.dataquality.services import data_check_boards
from eduboard.events import demo as events_demo
from eduboard.finance import demo as finance_demo
from eduboard.interest import demo as interest_demo
from eduboard.materials import demo as materials_demo
from eduboard.opendata.services import opendata_publish_boards
from eduboard.people import demo as people_demo
from eduboard.prevention import demo as prevention_demo
from eduboard.projects import demo as projects_demo
from eduboard.quality import demo as quality_demo
from eduboard.registry import demo as registry_demo
from eduboard.registry import demo_boards
from eduboard.registry.selectors import default_as_of
from eduboard.surveys import demo as surveys_demo


class Command(EduboardCommand):
    help = "Load the demonstration data (users of every role, Daugavpils institutions). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--boards",
            type=int,
            choices=[1, 2],
            default=1,
            help="2: add a second board (Rēzekne) with its institutions, a learner who moved between the two, its "
            "analyst and a ministry user",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demonstration data is never loaded when DJANGO_ENV=production.")
        second = None
        with transaction.atomic():
            institutions = registry_demo.load()
            people_demo.load(institutions)
            interest_demo.load(institutions)
            finance_demo.load(institutions)
            quality_demo.load(institutions)
            assets_demo.load(institutions)
            projects_demo.load(institutions)
            assets_demo.link_projects()
            surveys_demo.load(institutions)
            survey_codes = surveys_demo.load_open_round(institutions)
            prevention_demo.load(institutions)
            centre_demo.load(institutions)
            events_demo.load(institutions)
            competitions_demo.load(institutions)
            courses_demo.load(institutions)
            materials_demo.load(institutions)
            credentials_demo.load()
            users = accounts_demo.load(institutions)
            people_demo.link_head_user(next(user for user in users if user.role == Role.INSTITUTION_HEAD))
            competitions_demo.link_head_referee(next(user for user in users if user.role == Role.CENTRE_STAFF))
            if options["boards"] == 2:
                second = demo_boards.load_second_board()
                users += accounts_demo.load_boards_users()
            analyze_database()  # pages and reports planned on the data just loaded, not on empty tables
        # The data-quality page shows what the board's rules find in the demonstration data from the start, on the
        # day every page opens on (the demonstration's school year, whatever today is).
        runs = data_check_boards(board_ids=None, as_of=default_as_of(), trigger=Trigger.COMMAND)
        # The open data page lists the demonstration data's datasets from the start (then daily, from cron).
        opendata_publish_boards(board_ids=None)
        self.stdout.write(self.style.SUCCESS(f"Demonstration data loaded: {len(institutions)} institutions."))
        found = sum(run.total for run in runs)
        self.stdout.write(f"The data-quality rules found {found} things to look at (/data-quality/).")
        self.stdout.write("The open datasets are published at /open-data/.")
        if second is not None:
            self.stdout.write(
                f"A second board, {second.board.name} ({second.board.code}), with {len(second.institutions)} "
                f"institutions; {second.moved} moved from Daugavpils to Rēzekne on {demo_boards.MOVED_ON:%d.%m.%Y}."
            )
        self.stdout.write("")
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with one of these users:")
        for user in users:
            scope = ", ".join(i.short_name or i.name for i in user.institutions.all()) or (
                "figures of every board" if user.is_national else "all institutions of the board"
            )
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<28} ({scope})")
        self.stdout.write(f"Password of every demonstration user: {accounts_demo.DEMO_PASSWORD}")
        self.stdout.write(
            "The board administrator (admin) must enter a second-factor code: add the key "
            f"{accounts_demo.demo_admin_totp_key()} to an authenticator app, or run "
            "`.venv/bin/python manage.py demo_otp` to print the current code."
        )
        if survey_codes:
            self.stdout.write(
                f"Answer the open survey {surveys_demo.OPEN_CODE} without signing in at "
                f"http://127.0.0.1:8000/answer/lv/ with a one-time code, e.g. {', '.join(survey_codes[:3])}."
            )
