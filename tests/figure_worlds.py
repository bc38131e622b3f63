"""Shared pieces of the figure-definition tests (tests/*/test_figures_definition.py).

Each of those tests draws a small random world as plain rows (dataclasses), writes the rows to the database, asks
a selector for its figures and compares them with a plain Python computation over the same rows, written from the
definitions in the selectors' docstrings and docs/<area>.md. Every example runs in a transaction of its own that
is rolled back, so the next example starts from the test's empty database again (as tests/projects does).

The days are drawn mostly from a pool of boundary days (1 September, 31 August, the first of June, …), so that
an enrolment's first day, a leaving day, a closing day and the reporting day often fall on the same day and the
"on or before" / "after" edges of every rule are met.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from eduboard.registry.choices import Founder, InstitutionType
from eduboard.registry.models import Institution

#: Few examples in every run (both databases, every CI); `FIGURE_EXAMPLES=500` for a longer search.
FIGURE_SETTINGS = settings(
    max_examples=int(os.environ.get("FIGURE_EXAMPLES", "20")),
    deadline=None,
    derandomize=os.environ.get("FIGURE_EXAMPLES") is None,  # the same worlds in every CI run, unless searching
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    # Shrinking a world writes it to the database again for every smaller try (minutes): in the everyday run a
    # failure is reported as found; the longer search shrinks it.
    phases=list(Phase) if os.environ.get("FIGURE_EXAMPLES") else [Phase.explicit, Phase.reuse, Phase.generate],
)

FIRST_DAY, LAST_DAY = date(2022, 8, 1), date(2025, 10, 15)


def _boundary_days() -> list[date]:
    found: set[date] = set()
    for year in (2022, 2023, 2024, 2025):
        for month, day in ((5, 31), (6, 1), (6, 15), (8, 20), (8, 31), (9, 1), (9, 2), (10, 1)):
            found.add(date(year, month, day))
        found.add(date(year, 1, 15))
    return sorted(day for day in found if FIRST_DAY <= day <= LAST_DAY)


BOUNDARY_DAYS = _boundary_days()


def days(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[date]:
    """A day from `first` to `last`: mostly a boundary day, sometimes any day."""
    pool = [day for day in BOUNDARY_DAYS if first <= day <= last]
    boundary = st.sampled_from(pool) if pool else st.nothing()
    return st.one_of(boundary, boundary, st.dates(min_value=first, max_value=last))


def day_on_or_after(draw: st.DrawFn, first: date, *, last: date = LAST_DAY + timedelta(days=60)) -> date:
    """A day on or after `first`: the same day, a boundary day after it, or any day after it."""
    later = [day for day in BOUNDARY_DAYS if day > first]
    choices: list[st.SearchStrategy[date]] = [st.just(first), st.dates(min_value=first, max_value=max(first, last))]
    if later:
        choices.append(st.sampled_from(later))
    return draw(st.one_of(*choices))


@dataclass(frozen=True)
class InstitutionRow:
    """An institution of a drawn world."""

    index: int
    type: str
    founder: str
    opened_on: date | None
    closed_on: date | None

    @property
    def registration_number(self) -> str:
        return f"{9000000100 + self.index:010d}"

    @property
    def name(self) -> str:
        return f"Iestade {self.index:02d}"

    def active_on(self, day: date) -> bool:
        """Opened on or before `day` (or no opening day) and not closed by then (`closed_on`: the first day away)."""
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on > day)


TYPES = [
    InstitutionType.PRESCHOOL,
    InstitutionType.BASIC_SCHOOL,
    InstitutionType.SECONDARY_SCHOOL,
    InstitutionType.GYMNASIUM,
    InstitutionType.VOCATIONAL,
    InstitutionType.INTEREST_EDUCATION,
    InstitutionType.OTHER,
]


@st.composite
def institution_rows(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 4) -> list[InstitutionRow]:
    """A few institutions of random types, some state-founded, some opened or closed on a random day."""
    rows = []
    for index in range(draw(st.integers(min_size, max_size))):
        opened_on = draw(st.none() | days())
        closed_on = None
        if draw(st.integers(0, 2)) == 0:  # a third of them close
            closed_on = day_on_or_after(draw, opened_on or FIRST_DAY)
        rows.append(
            InstitutionRow(
                index=index,
                type=draw(st.sampled_from(TYPES)).value,
                founder=draw(st.sampled_from([Founder.MUNICIPALITY, Founder.MUNICIPALITY, Founder.STATE])).value,
                opened_on=opened_on,
                closed_on=closed_on,
            )
        )
    return rows


def create_institutions(rows: list[InstitutionRow]) -> dict[int, Institution]:
    """The institutions of `rows` in the database, by the rows' index."""
    return {
        row.index: Institution.objects.create(
            name=row.name,
            type=row.type,
            registration_number=row.registration_number,
            founder=row.founder,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )
        for row in rows
    }


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's transaction: everything written in it is rolled back at the end, and no cached figure of an
    earlier example is read (the figures cache is also bypassed while a write is uncommitted)."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def same_day_a_year_before(day: date) -> date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return date(day.year - 1, day.month, day.day)


def differing_keys(answer: dict[str, object], expected: dict[str, object]) -> dict[str, tuple[object, object]]:
    """The keys whose values differ, with (selector's, definition's) values: a readable failure."""
    keys = answer.keys() | expected.keys()
    return {key: (answer.get(key), expected.get(key)) for key in sorted(keys) if answer.get(key) != expected.get(key)}


def exact_form(value: Any) -> Any:
    """A figure with its exact form: a Decimal by its digits (45.07, never 45.070 or a float), dicts by their keys,
    so that a comparison also fails on a float or a lost trailing zero."""
    if isinstance(value, dict):
        return {str(k): exact_form(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return ("decimal", str(value))
    if isinstance(value, bool | float):
        return ("unexpected", type(value).__name__, value)
    return value


def command_json(command: str, *args: str) -> Any:
    """What `manage.py COMMAND ARGS` prints, read as JSON with its numbers as Decimals."""
    out = StringIO()
    call_command(command, *args, stdout=out)
    return json.loads(out.getvalue(), parse_float=Decimal)
