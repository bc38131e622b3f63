"""The layering of docs/architecture.md is one list: the import-linter contracts in `.importlinter` (which `make
test` runs) and the table of allowed arrows in the document say the same, and a contract catches an import written
inside a function as well as one at the top of a module."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_arrows() -> set[tuple[str, str]]:
    """The arrows `.importlinter` allows: the `# allowed: a -> b: why` lines of the per-area contracts, checked
    against each contract's forbidden list (an allowed target is never forbidden, every other area is)."""
    text = (ROOT / ".importlinter").read_text()
    arrows = {(a, b) for a, b in re.findall(r"^# allowed: (\w+) -> (\w+): ", text, re.MULTILINE)}
    parser = configparser.ConfigParser()
    parser.read_string(text)
    areas = {path.parent.name for path in (ROOT / "src" / "eduboard").glob("*/apps.py")}
    for section in parser.sections():
        if not section.startswith("importlinter:contract:"):
            continue
        sources = {m.rsplit(".", 1)[1] for m in parser[section]["source_modules"].split()}
        forbidden = {m.rsplit(".", 1)[1] for m in parser[section]["forbidden_modules"].split()}
        if len(sources) != 1 or section.endswith(":core"):
            continue
        (source,) = sources
        allowed = {b for a, b in arrows if a == source}
        assert forbidden == areas - allowed - {source, "core"}, f"{section}: forbid every area but {allowed}"
    return arrows


def document_arrows() -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    return set(re.findall(r"^\| `(\w+)` \| `(\w+)` \| ", text, re.MULTILINE))


def test_the_document_lists_exactly_the_arrows_the_contracts_allow() -> None:
    arrows = contract_arrows()
    assert arrows, "no allowed arrow found in .importlinter"
    assert document_arrows() == arrows


def test_every_area_has_a_contract() -> None:
    text = (ROOT / ".importlinter").read_text()
    areas = {path.parent.name for path in (ROOT / "src" / "eduboard").glob("*/apps.py")} - {"core", "reports", "demo"}
    missing = [area for area in sorted(areas) if f"[importlinter:contract:{area}]" not in text]
    assert missing == []


def test_a_function_local_import_breaks_a_contract(tmp_path: Path) -> None:
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text(
        textwrap.dedent(
            """
            def figure():
                from probe.high import total  # the arrow a contract forbids, hidden in a function
                return total()
            """
        )
    )
    (package / "high.py").write_text("def total():\n    return 1\n")
    (tmp_path / ".importlinter").write_text(
        textwrap.dedent(
            """
            [importlinter]
            root_package = probe

            [importlinter:contract:low]
            name = low imports nothing above it
            type = forbidden
            source_modules =
                probe.low
            forbidden_modules =
                probe.high
            """
        )
    )
    run = subprocess.run(  # noqa: S603 - the venv's own lint-imports on a probe package
        [str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": "."}
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "probe.low -> probe.high" in run.stdout
