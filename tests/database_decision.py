"""The rule for which tests run on which database (README, "Tests"), as a pytest plugin (tests/conftest.py loads it).

Every test module declares one of DATABASE_MARKERS in its `pytestmark` (a test may override its module's with its
own). `both_databases`: its result can differ between SQLite and PostgreSQL (queries, constraints, concurrency,
row-level security, migrations, import paths, figure definitions); `one_database`: it cannot (browser crawls and
layout, HTML and accessibility checks, pure functions, renderers fed with built data, structural tests that read the
source), so the PostgreSQL pass (`--second-database`) leaves it to the SQLite pass. A test without a decision stops
the run before it starts, naming its file.
"""

from __future__ import annotations

import pytest

#: Which database a test runs on (README, "Tests"): every test module declares one of these in its `pytestmark`, and
#: a test may override its module's with its own. `both_databases`: its result can differ between SQLite and
#: PostgreSQL (queries, constraints, concurrency, row-level security, migrations, import paths, figure definitions);
#: `one_database`: it cannot (browser crawls and layout, HTML and accessibility checks, pure functions, renderers
#: fed with built data, structural tests that read the source), so the PostgreSQL pass (`--second-database`) leaves
#: it to the SQLite pass.
DATABASE_MARKERS = ("both_databases", "one_database")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--second-database",
        action="store_true",
        help="the second pass (PostgreSQL): run only the tests marked both_databases",
    )


def database_decision(item: pytest.Item) -> str | None:
    """The test's own marker among DATABASE_MARKERS, else its class's, else its module's; None when undecided."""
    for marker in item.iter_markers():
        if marker.name in DATABASE_MARKERS:
            return marker.name
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test module that has not decided its databases; on the second pass, deselect the tests that run on
    one database only."""
    undecided = sorted({str(item.path.relative_to(config.rootpath)) for item in items if not database_decision(item)})
    if undecided:
        raise pytest.UsageError(
            "Decide which databases these tests run on: pytestmark = pytest.mark.both_databases or "
            "pytest.mark.one_database (README, Tests): " + ", ".join(undecided)
        )
    if not config.getoption("second_database"):
        return
    kept = [item for item in items if database_decision(item) == "both_databases"]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if database_decision(item) != "both_databases"])
        items[:] = kept
