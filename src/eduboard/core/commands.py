"""Helpers shared by management commands: the base every eduboard command stands on (`EduboardCommand`: bad input
and failures answered in one line, never a traceback), argument types, and the import commands' shared body."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError, no_translations
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from eduboard.core.import_preview import ImportPreview, import_preview
from eduboard.core.imports import Importer, ImportFailed
from eduboard.core.jobs import area_importers
from eduboard.core.schoolyears import parse_school_year_code
from eduboard.core.scope import WHOLE_CITY

T = TypeVar("T")

#: The days a command takes (`iso_date`): wide enough for any school's data, narrow enough that a year before or
#: after a day is still a day (Python's dates end at 9999-12-31).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def iso_date(value: str) -> date:
    """argparse type for `YYYY-MM-DD`, a day from FIRST_DAY to LAST_DAY."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date written YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{value} is outside the days eduboard counts with ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
        )
    return day


def iso_month(value: str) -> date:
    """argparse type for `YYYY-MM`: the month's first day."""
    try:
        return iso_date(f"{value.strip()}-01")
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a month written YYYY-MM") from None


def calendar_year(value: str) -> int:
    """argparse type for a calendar year `YYYY` within the days eduboard counts with."""
    text = value.strip()
    if not (text.isdigit() and len(text) == 4) or not FIRST_DAY.year <= int(text) <= LAST_DAY.year:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a year written YYYY from {FIRST_DAY.year} to {LAST_DAY.year}"
        )
    return int(text)


def school_year(value: str) -> str:
    """argparse type for a school year written `2024/2025` (two consecutive years): the code."""
    try:
        start = parse_school_year_code(value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a school year written like 2024/2025") from None
    if not FIRST_DAY.year <= start < LAST_DAY.year:
        raise argparse.ArgumentTypeError(f"{value} is outside the years eduboard counts with")
    return value.strip()


#: The largest id a database column of ours holds on every engine (a 32-bit signed integer on PostgreSQL).
LARGEST_ID = 2**31 - 1


def record_id(value: str) -> int:
    """argparse type for the number of a stored record (an edition, …): a whole number from 1 to LARGEST_ID."""
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= LARGEST_ID:
        raise argparse.ArgumentTypeError(f"“{value}” is not a record's number (a whole number from 1 to {LARGEST_ID})")
    return int(text)


def output_file(value: str, option: str) -> Path:
    """The file a command is to write (`option` names it in the message): refused in one line when its folder is
    missing or it is a folder, before any work is done."""
    path = Path(value)
    if path.is_dir():
        raise CommandError(f"{option} {value} is a folder; name the file to write.")
    if not path.parent.is_dir():
        raise CommandError(f"{option} {value}: the folder {path.parent} does not exist.")
    return path


def output_folder(value: str, option: str) -> Path:
    """The folder a command writes its files into (made when missing): refused in one line when it is a file."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise CommandError(f"{option} {value} is a file; name a folder (it is made if missing).")
    return path


def read_argument(option: str, kind: Callable[[str], T], value: str) -> T:
    """`value` read by the argparse type `kind`, or the command refused in one line naming `option`: for an
    option whose type depends on another argument (`quality_stats --year`: a calendar or a school year)."""
    try:
        return kind(value)
    except argparse.ArgumentTypeError as error:
        raise CommandError(f"{option}: {error}.") from None


def one_line(text: str) -> str:
    """`text` on one line: its lines joined, runs of spaces made one."""
    return " ".join(str(text).split())


def database_problem(error: DatabaseError) -> str:
    """What a database error means for the operator, in one line."""
    text = one_line(str(error)) or error.__class__.__name__
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return f"The database is not set up for this version: {text}. Run `manage.py migrate` first."
    if isinstance(error, IntegrityError):
        return f"The database refused the change (a row like it exists, or one it needs does not): {text}"
    if isinstance(error, InterfaceError | OperationalError) and any(
        word in lowered for word in ("connect", "server closed", "terminat", "timeout", "unable to open")
    ):
        return f"The database could not be reached: {text}"
    return f"The database refused the command: {text}"


def command_failure(error: Exception) -> str:
    """An unexpected failure of a command as one line that says what went wrong."""
    if isinstance(error, ValidationError):
        return one_line(" ".join(error.messages))
    if isinstance(error, PermissionDenied):
        return one_line(str(error)) or "Not allowed."
    if isinstance(error, DatabaseError):
        return database_problem(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return one_line(f"{where}{error.strerror or error}")
    if isinstance(error, OverflowError):
        return one_line(f"A number or date is too large: {error}")
    return one_line(f"{error.__class__.__name__}: {error} (run again with --traceback to see where)")


class OneLineParser(CommandParser):
    """A command's parser that refuses bad arguments in one line (what is wrong, and how to see the usage) instead
    of argparse's usage block; called from code, it raises CommandError as Django's does."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {one_line(message)} (`{self.prog} --help` shows the usage)\n")
        raise CommandError(f"Error: {message}")


class OneLineErrors:
    """What makes a command an eduboard one (mixed into BaseCommand or a command of Django's): bad arguments are
    refused in one line, and on the command line any failure is one line on stderr with exit status 1
    (`CommandError`), never a traceback (`--traceback` shows it). Called from code (`call_command`), errors other
    than `CommandError` reach the caller as they are."""

    _called_from_command_line: bool

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)  # type: ignore[misc]
        parser.__class__ = OneLineParser  # the same parser, refusing in one line (it adds no state)
        return parser  # type: ignore[no-any-return]

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)  # type: ignore[misc]
        except SystemCheckError:
            raise  # Django writes the checks' report itself
        except CommandError as error:
            message = str(error)
            if options.get("traceback") or "\n" not in message.strip():
                raise
            raise CommandError(one_line(message), returncode=error.returncode) from error
        except Exception as error:
            if options.get("traceback") or not getattr(self, "_called_from_command_line", False):
                raise
            raise CommandError(command_failure(error)) from error


class EduboardCommand(OneLineErrors, BaseCommand):
    """The base of every eduboard command (`OneLineErrors`); each still checks its own arguments and answers
    a wrong one with a precise `CommandError`."""


class ImportCommand(EduboardCommand):
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
        if path.is_dir():
            raise CommandError(f"{path} is a folder; name the file to import.")
        if path.stat().st_size == 0:
            raise CommandError(f"Nothing was imported from {path.name}: the file is empty.")
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
            output_file(target, "FILE").write_bytes(importer_class.template_workbook())
        else:
            output_file(target, "FILE").write_text(importer_class.template_csv(), encoding="utf-8")
