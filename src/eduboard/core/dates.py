"""Calendar arithmetic every area shares, written once."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` months later (earlier for a negative number); the month's last day when it has no such
    day: 31 January + 1 is 28/29 February."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def same_day_a_year_before(day: date) -> date:
    """The same calendar day a year earlier (28 February for 29 February): where a figure is compared with the year
    before, and a period of a year ends."""
    return add_months(day, -12)
