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


def school_year_code_for(day: date) -> str:
    """The code of the school year that contains `day`."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"


def school_year_get_or_create(*, code: str) -> SchoolYear:
    """The school year with this code, created (1 September – 31 August) when missing."""
    start = parse_school_year_code(code)
    year, _created = SchoolYear.objects.get_or_create(
        code=f"{start}/{start + 1}", defaults={"start_date": date(start, 9, 1), "end_date": date(start + 1, 8, 31)}
    )
    return year
