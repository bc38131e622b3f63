"""Every eduboard command answers bad input in one line: run as `manage.py` runs it (`run_from_argv`), on an empty
database, each command given no arguments where some are required, an option it does not have, an option without
its value, a value outside its choices, malformed and out-of-range dates, unknown boards, institutions and codes,
missing and unwritable files, exits non-zero with exactly one line on stderr and no traceback."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand
from django.db import connections

from eduboard.core.commands import iso_date
from eduboard.registry.boards import Board

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

#: The commands eduboard adds (Django's and the libraries' are theirs to answer).
COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("eduboard"))

#: The code of the board a fresh deployment has (made from the settings by the migrations).
FIRST_BOARD = str(settings.BOARD_CODE or "daugavpils")

#: What each command is given besides the one thing wrong: arguments valid in form ("{tmp}" is a folder of the
#: test's own), its required ones at least.
VALID: dict[str, list[str]] = {
    "apply_retention": ["--dry-run"],
    "assets_stats": ["--as-of", "2024-09-01"],
    "backup": [],
    "board_settlements": ["--from", "2024-09-01", "--to", "2025-05-31"],
    "build_report": ["readiness", "--as-of", "2024-09-01", "--format", "html", "--out", "{tmp}/report.html"],
    "census_reminders": [],
    "check_data": [],
    "create_board": ["--municipality", "Testpils", "--code", "tp"],
    "demo_otp": [],
    "export_oneroster": ["--out", "{tmp}/roster"],
    "finance_stats": ["--as-of", "2024-09-01"],
    "generate_dataset": ["--scale", "small"],
    "import_assets": ["assets", "{tmp}/missing.csv"],
    "import_finance": ["allocations", "{tmp}/missing.csv"],
    "import_innovation": ["activities", "{tmp}/missing.csv"],
    "import_interest": ["festival_participation", "{tmp}/missing.csv"],
    "import_people": ["staff", "{tmp}/missing.csv"],
    "import_prevention": ["absences", "{tmp}/missing.csv"],
    "import_projects": ["projects", "{tmp}/missing.csv"],
    "import_quality": ["observations", "{tmp}/missing.csv"],
    "import_reference": ["asset_kinds", "{tmp}/missing.csv"],
    "import_registry": ["institutions", "{tmp}/missing.csv"],
    "import_surveys": ["questions", "{tmp}/missing.csv"],
    "innovation_stats": ["visits", "--from", "2024-09-01", "--to", "2025-05-31"],
    "issue_credentials": [],
    "load_demo": [],
    "makemessages": ["--locale", "lv"],
    "meal_compensation": ["--institution", "0000000000", "--month", "2024-09"],
    "people_stats": ["--as-of", "2024-09-01"],
    "prevention_stats": [],
    "processing_records": ["--out", "{tmp}/records.json"],
    "projects_stats": ["--as-of", "2024-09-01"],
    "publish_open_data": [],
    "quality_stats": ["heads"],
    "registry_stats": ["--as-of", "2024-09-01"],
    "restore": ["{tmp}/missing.tar"],
    "rotate_credential_key": [],
    "subject_access": ["--personal-code", "010101-10000", "--out", "{tmp}/answer.json"],
    "survey_stats": ["S1"],
    "worker": ["--batch"],
}

#: The wrong things a command is given on purpose, beyond those found in its options (`generic_cases`).
SPECIFIC: dict[str, list[list[str]]] = {
    "processing_records": [["--out", "{tmp}/no/such/folder/r.json"]],
    "assets_stats": [["--as-of", "2024-09-01", "--board", "nosuch"]],
    "backup": [["--output", "{tmp}/file.txt/backup.tar"]],
    "board_settlements": [
        ["--from", "2025-05-31", "--to", "2024-09-01"],
        ["--from", "2024-09-01", "--to", "2025-05-31", "--board", "nosuch"],
    ],
    "build_report": [
        ["readiness", "--format", "html", "--out", "{tmp}/report.html"],
        ["readiness", "--edition", "7", "--format", "html", "--out", "{tmp}/report.html"],
        ["readiness", "--edition", "99999999999999999999", "--format", "html", "--out", "{tmp}/report.html"],
        ["readiness", "--as-of", "2024-09-01", "--year", "1999/2000", "--format", "html", "--out", "{tmp}/r.html"],
        ["readiness", "--as-of", "2024-09-01", "--year", "nonsense", "--format", "html", "--out", "{tmp}/r.html"],
        ["readiness", "--as-of", "2024-09-01", "--board", "nosuch", "--format", "html", "--out", "{tmp}/r.html"],
        ["readiness", "--as-of", "2024-09-01", "--format", "html", "--out", "{tmp}/no/such/folder/r.html"],
        ["readiness", "--as-of", "2024-09-01", "--money-as-of", "2025-09-01", "--format", "html", "--out", "{tmp}/r"],
        ["readiness", "--as-of", "2024-09-01", "--format", "html", "--out", "{tmp}"],
        ["self_assessment", "--format", "html", "--out", "{tmp}/r.html"],
        [
            "self_assessment",
            "--institution",
            "0000000000",
            "--year",
            "2024/2025",
            "--format",
            "pdf",
            "--out",
            "{tmp}/r",
        ],
        ["self_assessment", "--institution", "000", "--year", "nonsense", "--format", "pdf", "--out", "{tmp}/r"],
    ],
    "census_reminders": [["--today", "2024-02-30"]],
    "check_data": [
        ["--institution", "0000000000"],
        ["--institution", "0000000000", "--enqueue"],
        ["--census", "2024-13-01"],
    ],
    "create_board": [
        ["--municipality", "Testpils", "--code", "Ne Kods"],
        ["--municipality", "Testpils", "--code", ""],
        ["--municipality", "", "--code", "tp"],
        ["--municipality", "Testpils", "--code", "x" * 40],
        ["--municipality", "T" * 300, "--code", "tp"],
        ["--municipality", "Testpils", "--code", "tp", "--name", "N" * 300],
        ["--municipality", "Daugavpils", "--code", FIRST_BOARD],  # the code is taken,
    ],
    "export_oneroster": [
        ["--out", "{tmp}/roster", "--institution", "0000000000"],
        ["--out", "{tmp}/file.txt"],
        ["--out", "{tmp}/roster", "--as-of", "2024-09-01"],
    ],
    "finance_stats": [["--as-of", "2024-09-01", "--board", "nosuch"]],
    "generate_dataset": [["--scale", "small", "--year", "2024/2026"], ["--scale", "small", "--year", "1024/1025"]],
    "import_people": [["staff", "{tmp}/file.txt"]],
    "import_registry": [
        ["institutions", "{tmp}"],
        ["nonsense", "{tmp}/empty.csv"],
        ["institutions", "--template", "{tmp}/no/such/folder/template.csv"],
        ["institutions", "{tmp}/file.txt"],
        ["institutions", "{tmp}/empty.csv"],
        ["institutions"],
    ],
    "innovation_stats": [
        ["visits"],
        ["visits", "--from", "nonsense", "--to", "2025-05-31"],
        ["visits", "--from", "2025-05-31", "--to", "2024-09-01"],
        ["interest"],
        ["interest", "--as-of", "0001-01-01"],
        ["competitions", "--year", "twenty"],
        ["competitions", "--year", "0000"],
        ["courses", "--from", "2024-09-01"],
        ["programme", "--from", "2024-09-01", "--to", "2025-05-31", "--board", "nosuch"],
    ],
    "issue_credentials": [["--centre", "0000000000"]],
    "makemessages": [[]],
    "meal_compensation": [
        ["--institution", "0000000000", "--month", "2024-09", "--xlsx", "{tmp}/no/such/folder/meals.xlsx"],
        ["--institution", "0000000000", "--month", "2024-13"],
        ["--institution", "0000000000", "--month", "September"],
    ],
    "people_stats": [["--as-of", "2024-09-01", "--board", "nosuch"]],
    "prevention_stats": [["--board", "nosuch"]],
    "projects_stats": [
        ["--as-of", "2024-09-01", "--board", "nosuch"],
        ["--as-of", "2024-09-01", "--institution", "0000000000"],
    ],
    "publish_open_data": [
        ["--board", "nosuch"],
        ["--enqueue", "--out", "{tmp}/open"],
        ["--out", "{tmp}/file.txt"],
    ],
    "quality_stats": [
        ["observations"],
        ["observations", "--from", "2025-05-31", "--to", "2024-09-01"],
        ["exams"],
        ["exams", "--year", "2024"],
        ["exams", "--year", "99999999999999999999", "--exam", "ce_basic"],
        ["exams", "--year", "twenty", "--exam", "ce_basic"],
        ["self_assessment"],
        ["self_assessment", "--year", "2024"],
        ["heads", "--institution", "0000000000"],
        ["heads", "--board", "nosuch"],
    ],
    "registry_stats": [["--as-of", "2024-09-01", "--board", "nosuch"]],
    "restore": [["{tmp}/file.txt"], ["{tmp}"]],
    "rotate_credential_key": [["--centre", "0000000000"]],
    "subject_access": [
        ["--personal-code", "nonsense", "--out", "{tmp}/answer.json"],
    ],
    "survey_stats": [["S1", "--institution", "0000000000"], ["S1", "--board", "nosuch"]],
}


#: Commands not yet on EduboardCommand (strict: the case fails the test once the command answers in one line):
#: none left.
ELSEWHERE: set[str] = set()
ELSEWHERE_SPECIFIC: dict[str, list[list[str]]] = {}


def _value_actions(command: BaseCommand) -> list[argparse.Action]:
    """The command's own options that take a value (Django's --settings, --pythonpath and -v are Django's)."""
    parser = command.create_parser("manage.py", "x")
    own = {"--settings", "--pythonpath", "--verbosity", "--traceback", "--no-color", "--force-color", "--version"}
    return [
        action
        for action in parser._actions
        if action.option_strings
        and action.nargs is None
        and action.const is None
        and not set(action.option_strings) & own
        and not isinstance(action, argparse._HelpAction)
    ]


def _requires_arguments(command: BaseCommand) -> bool:
    parser = command.create_parser("manage.py", "x")
    return any(action.required for action in parser._actions)


def generic_cases(name: str) -> Iterator[tuple[str, list[str]]]:
    """The wrong inputs every command is given: nothing where something is required, an option it lacks, each of
    its options without a value, a value outside its choices, a date that is not one or is out of range."""
    command = load_command_class(get_commands()[name], name)
    valid = VALID[name]
    if _requires_arguments(command):
        yield "no arguments", []
    yield "an unknown option", [*valid, "--no-such-option"]
    for action in _value_actions(command):
        option = action.option_strings[-1]
        yield f"{option} without its value", [*valid, option]
        if action.choices:
            yield f"{option} outside its choices", [*valid, option, "nonsense"]
        if action.type is iso_date:
            yield f"{option} not a date", [*valid, option, "2024-02-30"]
            yield f"{option} out of range", [*valid, option, "0001-01-01"]
        elif action.type in (int, float):
            yield f"{option} not a number", [*valid, option, "many"]


def all_cases() -> Iterator[Any]:
    for name in COMMANDS:
        elsewhere = [pytest.mark.xfail(strict=True, reason="owned elsewhere")] if name in ELSEWHERE else []
        for what, argv in generic_cases(name):
            yield pytest.param(name, argv, id=f"{name}: {what}", marks=elsewhere)
        for number, argv in enumerate(SPECIFIC.get(name, []), start=1):
            yield pytest.param(name, argv, id=f"{name}: case {number}")
        for number, argv in enumerate(ELSEWHERE_SPECIFIC.get(name, []), start=1):
            yield pytest.param(name, argv, id=f"{name}: owned elsewhere {number}", marks=elsewhere)


def run(name: str, argv: list[str]) -> tuple[int, str, str]:
    """`manage.py NAME ARGV` in this process: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        command = load_command_class(get_commands()[name], name)
        try:
            command.run_from_argv(["manage.py", name, *argv])
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
        else:
            status = 0
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a text file and an empty CSV, on a database as a fresh deployment's (the migrations' first
    board, made from the settings, and nothing else); the test's connection stays open (manage.py closes it at the
    end of a command, which would end the test's transaction)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    Board.objects.for_new_institution()  # the first board, unless a test that committed took it away
    (tmp_path / "file.txt").write_text("not what the command wants\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    return tmp_path


def test_every_command_has_its_valid_arguments_written_here() -> None:
    assert len(COMMANDS) >= 40
    assert set(VALID) == set(COMMANDS)


@pytest.mark.parametrize(("name", "argv"), list(all_cases()))
def test_a_command_answers_bad_input_in_one_line(name: str, argv: list[str], folder: Path) -> None:
    argv = [part.replace("{tmp}", str(folder)) for part in argv]
    try:
        status, out, err = run(name, argv)
    except Exception as error:
        pytest.fail(f"manage.py {name} {' '.join(argv)} ended in a traceback: {error.__class__.__name__}: {error}")
    lines = err.strip().splitlines()
    assert status != 0, f"exit status 0 for bad input; stdout: {out[-500:]} stderr: {err[-500:]}"
    assert "Traceback" not in err
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {err[-1500:]}"


ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` in a process of its own, on the database of `database_url`."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, env=environment, check=False
    )


@pytest.mark.parametrize(
    ("database", "says"),
    [
        ("sqlite:///{tmp}/never-migrated.sqlite3", "manage.py migrate"),
        ("postgres://nobody@127.0.0.1:1/nowhere", "could not be reached"),
    ],
    ids=["a database never migrated", "a database that does not answer"],
)
def test_a_command_on_a_database_it_cannot_use_says_so_in_one_line(database: str, says: str, tmp_path: Path) -> None:
    run = manage("check_data", database_url=database.replace("{tmp}", str(tmp_path)))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert says in run.stderr
