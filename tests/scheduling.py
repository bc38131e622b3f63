"""The order in which the test processes take the test files: the slowest first (a pytest plugin; tests/conftest.py
loads it).

pytest-xdist (`--dist loadfile`) hands each process a whole file at a time, in the order the files were collected
(`--no-loadscope-reorder`). Were a file of three minutes handed out last, one process would work through it while
the other had nothing left to do; handed out first, the short files fill in around it. tests/durations.json holds
each file's seconds in a measured run (the SQLite pass, with line coverage); a file not in it (a new one) counts as
its number of tests times `NEW_TEST_SECONDS`. `--store-durations` writes the file again from the run it ends.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")
NEW_TEST_SECONDS = 0.3  # about the mean of a test in the durations measured


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-durations",
        action="store_true",
        help="write each test file's seconds in this run to tests/durations.json (the order the files are taken in)",
    )


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def slowest_first(items: list[pytest.Item], durations: dict[str, float]) -> list[pytest.Item]:
    """The items grouped by file, the files in descending order of their seconds; a file's own order is kept."""
    by_file: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        by_file[file_of(item.nodeid)].append(item)
    cost = {name: durations.get(name, NEW_TEST_SECONDS * len(tests)) for name, tests in by_file.items()}
    return [item for name in sorted(by_file, key=lambda name: (-cost[name], name)) for item in by_file[name]]


def read_durations() -> dict[str, float]:
    try:
        return {str(name): float(seconds) for name, seconds in json.loads(DURATIONS.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}  # no file, or not one of ours: every file counts by its number of tests


@pytest.hookimpl(trylast=True)  # after the other plugins' orderings (pytest-django's), file by file
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput"):  # a test process of pytest-xdist: the order the files are handed out in
        items[:] = slowest_first(items, read_durations())


class DurationRecorder:
    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self) -> None:
        measured = {name: round(seconds, 1) for name, seconds in sorted(self.seconds.items())}
        DURATIONS.write_text(json.dumps(measured, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("store_durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(DurationRecorder(), "eduboard-durations")
