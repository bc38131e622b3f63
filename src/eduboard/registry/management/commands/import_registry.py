"""`manage.py import_registry KIND FILE`: import a CSV or XLSX file, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from eduboard.core.imports import ImportFailed
from eduboard.registry.importers import IMPORTERS


class Command(BaseCommand):
    help = "Import institutions, programmes, groups, learners or residents_elsewhere from CSV/XLSX (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", nargs="?", help="a .csv (UTF-8, comma, header row) or .xlsx file")
        parser.add_argument(
            "--template", action="store_true", help="write the template (header, example row) to FILE or print the CSV"
        )

    @no_translations  # messages on the command line stay in English, the file formats' language
    def handle(self, *args: Any, **options: Any) -> None:
        importer_class = IMPORTERS[options["kind"]]
        if options["template"]:
            target = options["file"]
            if not target:
                self.stdout.write(importer_class.template_csv(), ending="")
                for column, allowed in importer_class.codes.items():
                    self.stderr.write(f"{column}: {allowed}")
            elif target.endswith(".xlsx"):
                Path(target).write_bytes(importer_class.template_workbook())
            else:
                Path(target).write_text(importer_class.template_csv(), encoding="utf-8")
            return
        if not options["file"]:
            raise CommandError("Name the FILE to import.")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            result = importer_class().run(path)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            if failure.total_errors > len(failure.errors):
                self.stderr.write(f"… and {failure.total_errors - len(failure.errors)} more errors")
            self.stderr.write(f"Nothing was imported: {failure.total_errors} error(s) in {path.name}.")
            sys.exit(1)
        self.stdout.write(
            f"Imported {path.name}: {result.rows} rows, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
