"""School years: 1 September to 31 August, written `2024/2025`."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.models import SchoolYear

CODE_PATTERN = re.compile(r"^(\d{4})/(\d{4})$")


def parse_school_year_code(code: str) -> int:
    """The starting calendar year of a code like `2024/2025`; raises ValidationError for anything else."""
    match = CODE_PATTERN.match(code.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            _("A school year is written like 2024/2025 (two consecutive years); got “%(code)s”."),
            # Written wrong, or two years that do not follow each other (a rule a pattern cannot state).
            code="invalid_school_year" if not match else "rule",
            params={"code": code},
        )
    return int(match.group(1))


def school_year_first_day(day: date) -> date:
    """1 September of the school year that contains `day` (a school year runs 1 September to 31 August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def school_year_code_for(day: date) -> str:
    """The code of the school year that contains `day`."""
    start = school_year_first_day(day).year
    return f"{start}/{start + 1}"


def school_year_bounds(code: str) -> tuple[date, date]:
    """The first and last day (1 September, 31 August) of the school year with this code."""
    start = parse_school_year_code(code)
    return date(start, 9, 1), date(start + 1, 8, 31)


def school_year_get_or_create(*, code: str) -> SchoolYear:
    """The school year with this code, created (1 September – 31 August) when missing."""
    first, last = school_year_bounds(code)
    year, _created = SchoolYear.objects.get_or_create(
        code=f"{first.year}/{last.year}", defaults={"start_date": first, "end_date": last}
    )
    return year
