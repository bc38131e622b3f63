"""Helpers shared by management commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from eduboard.core.import_preview import ImportPreview, import_preview
from eduboard.core.imports import Importer, ImportFailed
from eduboard.core.jobs import area_importers
from eduboard.core.scope import WHOLE_CITY


def iso_date(value: str) -> date:
    """argparse type for `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date written YYYY-MM-DD") from None


class ImportCommand(BaseCommand):
    """`manage.py import_<area> KIND FILE [--encoding E] [--template] [--dry-run]`: the shared body of every area's
    import command. A file that cannot be imported at all (missing, not CSV/XLSX, too big, not in its encoding) is
    refused in one line and exit status 1, never a traceback; bad rows are listed one a line, as on the page."""

    importers: Mapping[str, type[Importer]] = {}
    area = ""  # or: the kinds every app registered under this import area (core.jobs.register_importers)

    def kinds(self) -> Mapping[str, type[Importer]]:
        if self.area:
            return area_importers(self.area)
        return self.importers

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(self.kinds()))
        parser.add_argument(
            "file",
            nargs="?",
            help="a .csv (UTF-8, header row; separated by commas, semicolons or tabs) or .xlsx file",
        )
        parser.add_argument(
            "--encoding",
            choices=["auto", "utf-8", "cp1257"],
            default="auto",
            help="the encoding of a CSV file: auto (UTF-8 with or without BOM, UTF-16 with BOM; the default), "
            "utf-8, or cp1257 (Windows Baltic, as older Excel saves CSV)",
        )
        parser.add_argument(
            "--template", action="store_true", help="write the template (header, example row) to FILE or print the CSV"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what the file would create, change and leave, and the data-quality issues it would add; "
            "save nothing",
        )

    @no_translations  # messages on the command line stay in English, the file formats' language
    def handle(self, *args: Any, **options: Any) -> None:
        importer_class = self.kinds()[options["kind"]]
        if options["template"]:
            self.write_template(importer_class, options["file"])
            return
        if not options["file"]:
            raise CommandError("Name the FILE to import.")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        encoding = None if options["encoding"] == "auto" else options["encoding"]
        importer = importer_class(viewer=WHOLE_CITY)  # commands are the board's own tools
        preview = None
        try:
            if options["dry_run"]:
                preview = import_preview(importer, path, encoding=encoding)
                result = preview.result
            else:
                result = importer.run(path, encoding=encoding)
        except ImportFailed as failure:
            if all(error.row == 0 for error in failure.errors):  # the file as a whole: one line
                reasons = "; ".join(error.message for error in failure.errors)
                self.stderr.write(f"Nothing was imported from {path.name}: {reasons}")
                sys.exit(1)
            for error in failure.errors:
                self.stderr.write(str(error))
            if failure.total_errors > len(failure.errors):
                self.stderr.write(f"… and {failure.total_errors - len(failure.errors)} more errors")
            self.stderr.write(f"Nothing was imported: {failure.total_errors} error(s) in {path.name}.")
            sys.exit(1)
        except OSError as error:  # the file went away or became unreadable while it was read
            self.stderr.write(f"Nothing was imported from {path.name}: {error.strerror or error}")
            sys.exit(1)
        for warning in getattr(importer, "warnings", []):
            self.stderr.write(f"warning: {warning}")
        if preview is not None:
            self.write_preview(path, preview)
            return
        self.stdout.write(
            f"Imported {path.name}: {result.rows} rows, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )

    def write_preview(self, path: Path, preview: ImportPreview) -> None:
        """The dry run's answer: the counts, the first rows of each action, the data-quality issues it would add."""
        result = preview.result
        self.stdout.write(
            f"Would import {path.name}: {result.rows} rows, {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged. Nothing was saved (--dry-run)."
        )
        for action, rows in preview.first.items():
            if rows:
                self.stdout.write(f"{action}, the first rows:")
            for row in rows:
                changes = "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, (old, new) in row.changes.items())
                self.stdout.write(f"  row {row.row}: {row.object}" + (f" ({changes})" if changes else ""))
        self.stdout.write(f"data-quality issues it would add: {len(preview.findings)}")
        for finding in preview.findings:
            self.stdout.write(
                f"  {finding['severity']} {finding['rule']} {finding['institution'] or '—'} {finding['message']}"
            )

    def write_template(self, importer_class: type[Importer], target: str | None) -> None:
        if not target:
            self.stdout.write(importer_class.template_csv(), ending="")
            for column, allowed in importer_class.codes.items():
                self.stderr.write(f"{column}: {allowed}")
        elif target.endswith(".xlsx"):
            Path(target).write_bytes(importer_class.template_workbook())
        else:
            Path(target).write_text(importer_class.template_csv(), encoding="utf-8")
