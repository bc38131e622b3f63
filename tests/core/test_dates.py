"""The calendar arithmetic every area shares (core.dates), against a plain computation of its definition: for every
day of 2019–2029 (three leap days in it), the same day a month count later or earlier, and the same day a year
before, which the registry's year-on-year figures, the quality comparison and the finance census read."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest

from eduboard.core.dates import add_months, same_day_a_year_before

pytestmark = pytest.mark.one_database


def every_day() -> list[date]:
    first, last = date(2019, 1, 1), date(2029, 12, 31)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def plain_add_months(day: date, months: int) -> date:
    """Walk month by month, then keep the day or take the month's last one."""
    year, month = day.year, day.month
    for _ in range(abs(months)):
        month += 1 if months > 0 else -1
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_a_year_before_is_the_same_day_and_28_february_for_a_leap_day() -> None:
    for day in every_day():
        before = same_day_a_year_before(day)
        if (day.month, day.day) == (2, 29):
            assert before == date(day.year - 1, 2, 28)
        else:
            assert before == date(day.year - 1, day.month, day.day)
    assert same_day_a_year_before(date(2024, 2, 29)) == date(2023, 2, 28)


def test_months_added_or_taken_keep_the_day_or_take_the_months_last() -> None:
    for day in every_day()[::7]:
        for months in (-25, -12, -1, 1, 2, 12, 13, 60):
            assert add_months(day, months) == plain_add_months(day, months), (day, months)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
