"""Messages are read in English (the msgids) where a test checks their wording; Latvian rendering of
numbers and pages is what the page tests check, and translations are tested in tests/core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"  # pages and the API: the language when no cookie chooses one
    with translation.override("en"):  # services and commands
        yield
