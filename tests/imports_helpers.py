"""Shared helpers of the import tests: files written as CSV or XLSX, and an import command run as a user would."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from openpyxl import Workbook

ERROR_LINE = re.compile(r"^row \d+, column [^:]+: .+$")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_file(tmp_path: Path, fmt: str, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    target = tmp_path / f"{name}.{fmt}"
    return write_csv(target, header, rows) if fmt == "csv" else write_xlsx(target, header, rows)


@dataclass
class Outcome:
    """What an import command answered: its exit status and what it wrote."""

    status: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if ERROR_LINE.match(line)]

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("warning:")]


def run_import_command(command: str, *args: str) -> Outcome:
    """Run a management command, catching its exit status rather than stopping the test."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return Outcome(int(stop.code or 0), out.getvalue(), err.getvalue())
    except CommandError as refusal:  # on the command line: this one line on stderr, exit status 1
        return Outcome(1, out.getvalue(), err.getvalue() + f"CommandError: {refusal}\n")
    return Outcome(0, out.getvalue(), err.getvalue())


def imported_counts(outcome: Outcome) -> dict[str, int]:
    match = re.search(r"(\d+) rows, (\d+) created, (\d+) updated, (\d+) unchanged", outcome.out)
    assert match, outcome.out + outcome.err
    return dict(zip(["rows", "created", "updated", "unchanged"], map(int, match.groups()), strict=True))
