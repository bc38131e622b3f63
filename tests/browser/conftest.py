"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eduboard.accounts.models import User
from tests.browser.crawl import ROLES
from tests.demo_data import load_demo

CHROMIUM = Path(os.environ.get("EDUBOARD_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told it is safe. The live server runs in its own thread, so the tests' own ORM use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup` (it installs Debian's chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A browser that asks for English: the system must still answer in Latvian until the user switches.
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo_users(live_server: Any) -> Iterator[dict[str, User]]:
    """The demonstration data behind the live server, and its users by name (tests/browser/crawl.py's ROLES)."""
    load_demo()  # once per process, then the rows it wrote put back (tests/demo_data.py)
    yield {user.username: user for user in User.objects.filter(username__in=ROLES)}
