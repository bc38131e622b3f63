"""The size limits every function keeps (pyproject.toml, [tool.ruff.lint.mccabe]): at most 80 lines, decorators and
docstring included, outside the demonstration loaders and the national set's generator (tables of data written as
code). Ruff holds the complexity (C901, at most 15); this holds the length, which ruff does not measure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database

SOURCE = Path(__file__).resolve().parents[2] / "src" / "eduboard"
LONGEST = 80
#: Data written as code, left out (as from ruff's C901).
LEFT_OUT = {"demo.py"}
LEFT_OUT_PATHS = {SOURCE / "registry" / "national.py"}


def function_lengths(path: Path) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function and method of a module."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(decorator.lineno for decorator in child.decorator_list)])
                found.append((f"{prefix}{child.name}", (child.end_lineno or child.lineno) - first + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def test_no_function_is_longer_than_80_lines() -> None:
    too_long = {
        f"{path.relative_to(SOURCE)}:{name}": lines
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts and path.name not in LEFT_OUT and path not in LEFT_OUT_PATHS
        for name, lines in function_lengths(path)
        if lines > LONGEST
    }
    assert too_long == {}, "split these functions (at most 80 lines each)"


def test_the_measure_counts_a_functions_decorators_docstring_and_body(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('@decorator\ndef f():\n    """Doc."""\n' + "    x = 1\n" * 80, encoding="utf-8")
    assert function_lengths(probe) == [("f", 83)]
