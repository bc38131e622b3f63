"""Pages with a date or period open on the latest data there is, and say so, never on an empty today: the
demonstration data ends in 2024, so finance, lesson observations and settlements open on 2024 (as of the latest
expenditure, the latest observed school year, the latest year with settlement lines)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User

pytestmark = pytest.mark.both_databases

LATEST_NOTE = "latest-note"


@pytest.fixture
def analyst(demo: None, db: None, signed_in: Callable[[User], Client]) -> Client:
    return signed_in(User.objects.get(username="analyst"))


def test_finance_opens_on_the_latest_expenditure_and_says_so(analyst: Client) -> None:
    page = analyst.get("/finance/").content.decode()
    assert LATEST_NOTE in page and "10.12.2024" in page
    assert 'value="2024-12-10"' in page  # the date field shows the date the figures are for
    asked = analyst.get("/finance/", {"as_of": "2024-08-14"}).content.decode()
    assert LATEST_NOTE not in asked  # a date asked for is shown as it is, without the note


def test_lesson_observations_open_on_the_latest_observed_school_year(analyst: Client) -> None:
    page = analyst.get("/quality/").content.decode()
    assert LATEST_NOTE in page and "28.06.2024" in page
    lessons = re.search(r'id="fig-lessons">(\d+)<', page)
    assert lessons is not None and int(lessons.group(1)) == 1561 + 186  # the demo's 2023/2024 observations


def test_settlements_open_on_the_latest_year_with_lines(analyst: Client) -> None:
    page = analyst.get("/finance/settlements/").content.decode()
    assert LATEST_NOTE in page and "31.12.2024" in page
    incoming = re.search(r'id="fig-in">(\d+)<', page)
    assert incoming is not None and int(incoming.group(1)) > 0
