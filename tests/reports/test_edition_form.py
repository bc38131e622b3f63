"""The new-edition form (issue 39, point 3): it opens on the current school year, computed by the project's rule
(a school year runs 1 September to 31 August; `registry.selectors.reporting_school_year` of the page's default date),
and says the help of the areas' own dates once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.reports.forms import AREA_DATE_HELP

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_the_new_edition_form_opens_on_the_current_school_year_and_says_the_areas_help_once(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1  # a school year runs 1 September to 31 August
    for first in (start - 1, start, start + 1):  # last year, this year, a year made for planning
        SchoolYear.objects.create(
            code=f"{first}/{first + 1}", start_date=date(first, 9, 1), end_date=date(first + 1, 8, 31)
        )
    board = make_user(role=Role.BOARD_ADMIN, is_superuser=True)

    html = signed_in(board).get(reverse("reports:edition_list")).content.decode()
    selected = re.findall(r'<option value="\d+" selected>([^<]+)</option>', html)
    assert selected == [f"{start}/{start + 1}"]
    assert f'name="as_of" value="{today.isoformat()}"' in html
    assert html.count(str(escape(AREA_DATE_HELP))) == 1
    assert html.count('aria-describedby="area-dates-help"') == 3  # each area's date field points at it
