"""One rule of "in force on a day", for every row that holds for a period: an institution (opened, closed), an
enrolment (enrolled, left), an employment, a vacancy, a loan, a programme licence, a software licence, a meal rule.

A row's `Period` names the field of its first day and the field of its end, and says what the end is: the last day
the row holds (`end_is_last_day`: an employment's `end_date`, a licence's `valid_until`) or the first day it no
longer does (an enrolment's `left_on`, an institution's `closed_on`, a loan's `returned_on`). An empty end holds for
ever; an empty start holds from always where the period allows it (`start_may_be_empty`: an institution with no
opening day, a licence with no issue day). The rule is written once, as a filter (`in_force_q`, on the row or on a
related path) and in Python (`in_force`, for the pure engines and the tests' plain computations), and a queryset
that holds such rows says `in_force_on(day)` (`InForceQuerySetMixin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.db.models import Q


@dataclass(frozen=True)
class Period:
    """The period of a row: the names of its start and end fields, and what its end means."""

    starts: str
    ends: str
    end_is_last_day: bool
    start_may_be_empty: bool = False

    def in_force_q(self, day: date, *, prefix: str = "", started_by: date | None = None) -> Q:
        """The rows in force on `day`, as a filter on the path `prefix` (e.g. "institution__"). `started_by`: the
        latest first day that counts as begun (an enrolment admitted for the coming year holds from any earlier day:
        `registry.models.enrolment_holding_q`); `day` when not given."""
        begun = Q(**{f"{prefix}{self.starts}__lte": started_by or day})
        if self.start_may_be_empty:
            begun |= Q(**{f"{prefix}{self.starts}__isnull": True})
        lookup = "gte" if self.end_is_last_day else "gt"
        going = Q(**{f"{prefix}{self.ends}__isnull": True}) | Q(**{f"{prefix}{self.ends}__{lookup}": day})
        return begun & going

    def overlapping_q(self, first: date, last: date, *, prefix: str = "") -> Q:
        """The rows in force on at least one day from `first` to `last` (both included): begun by `last` and not
        ended by `first`."""
        return self.in_force_q(first, prefix=prefix, started_by=last)

    def in_force(self, start: date | None, end: date | None, day: date) -> bool:
        """The same rule in Python: whether a row from `start` to `end` is in force on `day`."""
        begun = self.start_may_be_empty if start is None else start <= day
        if end is None:
            return begun
        return begun and (end >= day if self.end_is_last_day else end > day)


class InForceQuerySetMixin:
    """A queryset of rows that hold for a `period`: `in_force_on(day)` and `overlapping(first, last)`."""

    period: ClassVar[Period]

    def in_force_on(self, day: date) -> Any:
        """The rows in force on `day` (`Period.in_force_q`)."""
        return self.filter(self.period.in_force_q(day))  # type: ignore[attr-defined]

    def overlapping(self, first: date, last: date) -> Any:
        """The rows in force on at least one day from `first` to `last` (both included)."""
        return self.filter(self.period.overlapping_q(first, last))  # type: ignore[attr-defined]
