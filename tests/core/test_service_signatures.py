"""Issue 38: every service is `<entity>_<action>(*, viewer: Viewer, ...)`. Read from the source of every area's
`services.py`: a public function takes keyword-only arguments, names the acting user `viewer` (typed
`eduboard.core.scope.Viewer`, never `Any`), and is named entity first (`booking_move`, not `move_booking`). Pure
rules that take no viewer and write nothing live in the area's `rules.py`, where positional arguments are fine.
Everywhere in `src/`, a parameter that holds a viewer is typed `Viewer`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database

SRC = Path(__file__).resolve().parents[2] / "src" / "eduboard"
ACTING_NAMES = {"actor", "by", "user", "acting"}
VIEWER_NAMES = {"viewer", "visible_to", "editable_by", "actor"}
# A service's name starts with its entity; these verbs starting a name mean the action came first.
VERBS = {
    "add", "book", "cancel", "change", "check", "copy", "create", "delete", "draw", "issue", "join", "make", "move",
    "open", "record", "register", "save", "set", "update", "close", "publish", "import", "link", "start", "send",
}  # fmt: skip
PROBE = """
def save_thing(thing, *, actor): ...
def thing_save(*, viewer: Any, thing): ...
def thing_move(*, viewer: Viewer, to: int): ...
"""


def public_functions(source: str) -> list[ast.FunctionDef]:
    tree = ast.parse(source)
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


def problems_of(function: ast.FunctionDef) -> list[str]:
    found = []
    arguments = function.args
    positional = [a.arg for a in arguments.posonlyargs + arguments.args]
    if positional:
        found.append(f"{function.name}: positional {positional} (write `def {function.name}(*, ...)`)")
    for argument in arguments.kwonlyargs:
        if argument.arg in ACTING_NAMES:
            found.append(f"{function.name}: the acting user is `viewer`, not `{argument.arg}`")
    if function.name.split("_", 1)[0] in VERBS:
        found.append(f"{function.name}: name the entity first (<entity>_<action>)")
    return found


def viewer_typing_problems(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args
        for argument in arguments.posonlyargs + arguments.args + arguments.kwonlyargs:
            if argument.arg in VIEWER_NAMES:
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                if "Viewer" not in annotation:
                    found.append(f"{node.name}({argument.arg}: {annotation or 'untyped'})")
    return found


def test_the_reader_catches_each_kind_of_problem() -> None:
    functions = public_functions(PROBE)
    assert [bool(problems_of(f)) for f in functions] == [True, False, False]
    assert len(problems_of(functions[0])) == 3
    assert viewer_typing_problems(PROBE) == ["save_thing(actor: untyped)", "thing_save(viewer: Any)"]


def test_every_service_is_keyword_only_entity_first_and_takes_a_viewer_by_that_name() -> None:
    found = []
    for path in sorted(SRC.glob("*/services.py")):
        for function in public_functions(path.read_text()):
            found += [f"{path.parent.name}.{problem}" for problem in problems_of(function)]
    assert found == []


def test_a_parameter_that_holds_a_viewer_is_typed_viewer() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found += [f"{path.relative_to(SRC)}: {problem}" for problem in viewer_typing_problems(path.read_text())]
    assert found == []
