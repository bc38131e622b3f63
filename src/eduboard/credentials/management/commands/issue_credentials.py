"""`manage.py issue_credentials [--centre REGNR]`: the verifiable credential of every course certificate and every
certificate of the competitions held by today whose results are final that has none yet (idempotent; those issued
before stay, except one stating a result corrected since: it is withdrawn and a new one issued)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.competitions.models import Competition
from eduboard.core.commands import EduboardCommand
from eduboard.core.scope import WHOLE_CITY
from eduboard.courses.models import Course, Participant
from eduboard.credentials.services import competition_credentials_issue, course_credentials_issue
from eduboard.registry.models import Institution


class Command(EduboardCommand):
    help = _("Issue the verifiable credentials of the certificates given so far (once each).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", metavar="REGNR", help=_("only this centre's (its registration number)"))

    def handle(self, *args: Any, **options: Any) -> None:
        certified = Participant.objects.exclude(certificate_number="").values("course_id")
        courses = Course.objects.filter(pk__in=certified).order_by("pk")
        competitions = Competition.objects.filter(date__lte=timezone.localdate()).order_by("pk")
        if options["centre"]:
            centre = Institution.objects.filter(registration_number=options["centre"]).first()
            if centre is None:
                raise CommandError(_("No institution has the registration number %s.") % options["centre"])
            courses, competitions = courses.filter(centre=centre), competitions.filter(centre=centre)
        total = 0
        for course in courses:
            total += len(course_credentials_issue(viewer=WHOLE_CITY, course=course))
        for competition in competitions:
            try:
                total += len(competition_credentials_issue(viewer=WHOLE_CITY, competition=competition))
            except ValidationError as error:  # results not final: its credentials wait
                self.stdout.write(f"{competition.code}: {' '.join(error.messages)}")
        self.stdout.write(_("%d certificates have their credentials.") % total)
