"""`manage.py processing_records --out FILE`: the record of processing activities (GDPR Art. 30) and a DPIA template
filled with what the system knows, generated from the models (docs/privacy.md). FILE ending in .json gets JSON, .pdf
a PDF, anything else the HTML page."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation

from eduboard.core.commands import EduboardCommand, output_file
from eduboard.core.scope import WHOLE_CITY
from eduboard.privacy.documents import records_html, records_pdf
from eduboard.privacy.selectors import processing_records


class Command(EduboardCommand):
    help = (
        "Write the record of processing activities (GDPR Art. 30) with a DPIA template filled with what the system "
        "knows: FILE.json as JSON, FILE.pdf as PDF, any other name as HTML."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the file to write (.json, .pdf or .html)")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = output_file(options["out"], "--out")
        with translation.override(options["language"]):
            records = processing_records(visible_to=WHOLE_CITY)
            if out.suffix.lower() == ".json":
                out.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
            elif out.suffix.lower() == ".pdf":
                out.write_bytes(records_pdf(records))
            else:
                out.write_text(records_html(records), encoding="utf-8")
        self.stdout.write(f"{out}: {len(records['categories'])} categories of personal data")
