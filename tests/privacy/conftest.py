"""The demonstration data, loaded once per test module and rolled back at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.demo_data import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Seed 002's city (load_demo) for the module's tests; each test's own changes roll back to it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()  # once per process, then the rows it wrote put back (tests/demo_data.py)
        yield
        transaction.set_rollback(True)
