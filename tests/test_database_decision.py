"""One rule for which tests run on which database (README, "Tests"): every test module decides, in its `pytestmark`,
whether its result can differ between SQLite and PostgreSQL (`both_databases`: both passes run it) or not
(`one_database`: the SQLite pass runs it, the PostgreSQL pass leaves it). A new test file without a decision fails
here, and the run refuses to start (tests/database_decision.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.database_decision import DATABASE_MARKERS

pytestmark = pytest.mark.one_database

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def module_markers(path: Path) -> list[str] | None:
    """The database markers of a module's `pytestmark`, or None when it takes its `pytestmark` from another module
    (whose own decision is then checked there)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(alias.name == "pytestmark" for alias in node.names):
            return None
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            found += [
                sub.attr
                for sub in ast.walk(node.value)
                if isinstance(sub, ast.Attribute) and sub.attr in DATABASE_MARKERS
            ]
    return found


def test_every_test_module_decides_its_databases_once() -> None:
    undecided = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        markers = module_markers(path)
        if markers is not None and len(markers) != 1:
            undecided[str(path.relative_to(ROOT))] = markers
    assert undecided == {}, "each test module's pytestmark names one of both_databases, one_database"


def test_the_second_pass_runs_only_the_tests_whose_result_can_differ(tmp_path: Path) -> None:
    """Collected as the PostgreSQL pass collects them (`--second-database`), a module of both kinds keeps only its
    tests marked both_databases; a module without a decision stops the run with one line that names it."""
    (tmp_path / "test_decided.py").write_text(
        "import pytest\n"
        "pytestmark = pytest.mark.one_database\n"
        "def test_once(): pass\n"
        "@pytest.mark.both_databases\n"
        "def test_twice(): pass\n"
    )
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django", "--collect-only", "-q"]
    command += ["-p", "tests.database_decision"]
    command += ["-c", "/dev/null", "--rootdir", str(tmp_path)]
    environment = {"PYTHONPATH": str(ROOT)}

    def collected(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - this Python, pytest, fixed arguments
            [*command, *extra, str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environment,
            check=False,
        )

    both = collected()
    assert "test_once" in both.stdout and "test_twice" in both.stdout, both.stdout + both.stderr
    second = collected("--second-database")
    assert "test_twice" in second.stdout and "test_once" not in second.stdout, second.stdout + second.stderr

    (tmp_path / "test_undecided.py").write_text("def test_new(): pass\n")
    refused = collected()
    assert refused.returncode != 0
    assert "test_undecided.py" in refused.stderr + refused.stdout
    assert "Decide which databases" in refused.stderr + refused.stdout
