"""`manage.py subject_access --personal-code CODE --out FILE [--format json|pdf] [--language lv|ru|en]
[--requester NAME]`: everything the system holds about one learner, for the board (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from eduboard.core.commands import EduboardCommand, output_file
from eduboard.core.scope import WHOLE_CITY
from eduboard.privacy.documents import answer_pdf
from eduboard.privacy.services import access_request_given, access_request_prepare
from eduboard.registry.models import Learner
from eduboard.registry.validators import normalise_personal_code


class Command(EduboardCommand):
    help = (
        "Write everything the system holds about the learner of a personal code (GDPR Art. 15) to a file: JSON "
        "(default) or a PDF for the parent in Latvian, Russian or English. The request and its answer are recorded "
        "(prepared and signed off by the board's command) and are in the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--personal-code", required=True, dest="personal_code", help="the learner's personal code")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--format", choices=("json", "pdf"), default="json", dest="fmt")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )
        parser.add_argument("--requester", default="", help="who asked (the parent); recorded with the request")

    def handle(self, *args: Any, **options: Any) -> None:
        out = output_file(options["out"], "--out")  # before the request is recorded
        code = normalise_personal_code(options["personal_code"])
        learner = Learner.objects.filter(personal_code=code).first()
        if learner is None:
            raise CommandError(f"No learner has the personal code {code[:6]}-*****.")
        request = access_request_prepare(
            viewer=WHOLE_CITY,
            learner=learner,
            requester=options["requester"] or "manage.py subject_access",
            received_on=timezone.localdate(),
            language=options["language"],
            command=True,
        )
        if options["fmt"] == "pdf":
            out.write_bytes(answer_pdf(request))
        else:
            out.write_text(json.dumps(request.answer, ensure_ascii=False, indent=2), encoding="utf-8")
        access_request_given(viewer=WHOLE_CITY, request=request, fmt=options["fmt"])
        rows = sum(len(section["rows"]) for section in request.answer["sections"])
        self.stdout.write(f"{out}: {rows} records in {len(request.answer['sections'])} categories")
