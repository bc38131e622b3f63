"""One definition of each rule the figures rest on: these checks fail the day a module outside the rule's owner
filters the rule's fields inline, instead of calling the owner's queryset method (docs/figures.md):

- an enrolment holding on a day (`enrolled_on`, `left_on`): `registry.models.EnrolmentQuerySet`;
- an institution active on a day (`opened_on`, `closed_on`): `registry.models.InstitutionQuerySet` (a club opens and
  closes by the same rule, `institution_active_q`);
- the board's own institutions (`founder`): `InstitutionQuerySet.boards_own` / `state_founded`;
- who is a pedagogue (`is_pedagogical`): `people.models.EmploymentQuerySet.pedagogical` / `pedagogical_q`.

The source is read as Python (every keyword argument and every string of a lookup path, so `Q(**{"…": …})` and
`values("…")` are seen too), not as text. Every exception below is listed by file with its reason; a stale entry (the
file is gone or now conforms) fails too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database

SRC = Path(__file__).resolve().parents[2] / "src" / "eduboard"

#: field -> the modules (relative to src/eduboard) that own its rule and may filter it.
OWNERS: dict[str, set[str]] = {
    "enrolled_on": {"registry/models.py"},
    "left_on": {"registry/models.py"},
    "opened_on": {"registry/models.py"},
    "closed_on": {"registry/models.py"},
    "founder": {"registry/models.py"},
    "is_pedagogical": {"people/models.py"},
}
#: A lookup on a rule's field: the field as a step of a lookup path that compares (`left_on__gt`, `founder=`,
#: `group__institution__closed_on__isnull`) or filters it by value (`position__is_pedagogical=True`).
LOOKUP = re.compile(r"(?:^|__)(" + "|".join(OWNERS) + r")(?:__(?:lt|lte|gt|gte|isnull|range|year|in|exact))?$")
#: Modules that name a rule's field for another purpose than filtering by the rule, and why.
ALLOWED: dict[str, str] = {
    "registry/leaving.py": "reads the rows the leaving rule (registry.rules) judges in memory",
}
#: Calls whose keyword arguments are not filters (a model's fields given values when created or saved).
WRITES = {"create", "get_or_create", "update_or_create", "update", "Institution", "Enrolment", "PositionKind", "Club"}
#: Calls where a bare field name (no `__`) is a filter; elsewhere (a dataclass, a function's own parameter) it is not.
FILTERS = {"filter", "exclude", "get", "Q", "first", "aggregate", "annotate"}


def modules() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def inline_uses(path: Path) -> Iterator[tuple[int, str]]:
    """(line, lookup) of every filter on a rule's field in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WRITES:
                continue
            for keyword in node.keywords:
                if keyword.arg and LOOKUP.search(keyword.arg) and ("__" in keyword.arg or name in FILTERS):
                    yield node.lineno, keyword.arg
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                is_path = isinstance(key, ast.Constant) and isinstance(key.value, str) and "__" in key.value
                if is_path and LOOKUP.search(key.value):  # type: ignore[union-attr]
                    yield key.lineno, key.value  # type: ignore[union-attr]
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
            if LOOKUP.search(text):
                yield node.lineno, text


def relative(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def test_no_module_filters_a_rules_fields_inline_outside_its_owner() -> None:
    found = []
    for path in modules():
        name = relative(path)
        if name in ALLOWED:
            continue
        for line, lookup in inline_uses(path):
            field = LOOKUP.search(lookup).group(1)  # type: ignore[union-attr]
            if name not in OWNERS[field]:
                found.append(f"{name}:{line}: {lookup}")
    assert not found, (
        "These filter a rule's field inline; call the owner's queryset method instead (docs/figures.md):\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_every_exception_is_still_needed(name: str) -> None:
    path = SRC / name
    assert path.exists(), f"{name} is gone: remove it from ALLOWED"
    assert any(True for _ in inline_uses(path)), f"{name} names no rule's field any more: remove it from ALLOWED"


def test_the_check_sees_an_inline_copy_of_the_enrolment_rule(tmp_path: Path) -> None:
    """The walker is not blind: the shapes an inline copy takes are all found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "Enrolment.objects.filter(enrolled_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))\n"
        "Q(**{f'{prefix}closed_on__gt': day})\n"
        "Institution.objects.filter(founder=Founder.MUNICIPALITY)\n"
        "Employment.objects.filter(position__is_pedagogical=True)\n"
        "Enrolment.objects.create(enrolled_on=day)\n",
        encoding="utf-8",
    )
    lookups = sorted(lookup for _line, lookup in inline_uses(sample))
    assert lookups == [
        "closed_on__gt",
        "enrolled_on__lte",
        "founder",
        "left_on__gt",
        "left_on__isnull",
        "position__is_pedagogical",
    ]
