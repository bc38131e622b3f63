"""One rule of "in force on a day" (core.periods): every period-bearing row's queryset answers `in_force_on(day)` with
the rows a plain computation finds, on both databases, for every kind of end (the last day held, or the first day
no longer held) and an empty start; the Python form of the rule (for the pure engines) agrees with it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from eduboard.assets.models import LOAN_PERIOD, SOFTWARE_LICENCE_PERIOD, Licence, Loan
from eduboard.core.periods import InForceQuerySetMixin, Period
from eduboard.finance.meals import MEAL_RULE_PERIOD
from eduboard.people.models import EMPLOYMENT_PERIOD, Employment
from eduboard.registry.models import Enrolment, Institution
from eduboard.registry.rules import ENROLMENT_PERIOD, INSTITUTION_PERIOD, LICENCE_PERIOD
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FIRST = date(2024, 1, 1)
DAYS = [FIRST + timedelta(days=n) for n in range(5)]
STARTS = [None, *DAYS]
ENDS = [None, *DAYS]


def plainly_in_force(start: date | None, end: date | None, day: date, *, last_day: bool, empty_start: bool) -> bool:
    """The rule as an official reads it, written out without core.periods."""
    if start is None and not empty_start:
        return False
    if start is not None and start > day:
        return False
    if end is None:
        return True
    if last_day:
        return day <= end  # the end is the last day it holds
    return day < end  # the end is the first day it no longer holds


@pytest.mark.parametrize(
    "period",
    [INSTITUTION_PERIOD, ENROLMENT_PERIOD, LICENCE_PERIOD, EMPLOYMENT_PERIOD, LOAN_PERIOD, SOFTWARE_LICENCE_PERIOD,
     MEAL_RULE_PERIOD],
    ids=lambda period: f"{period.starts}-{period.ends}",
)  # fmt: skip
def test_the_python_rule_is_the_plain_one_for_every_period(period: Period) -> None:
    for start, end, day in itertools.product(STARTS, ENDS, DAYS):
        expected = plainly_in_force(
            start, end, day, last_day=period.end_is_last_day, empty_start=period.start_may_be_empty
        )
        assert period.in_force(start, end, day) == expected, (start, end, day)


def test_institutions_in_force_are_those_a_plain_computation_finds() -> None:
    """Opened (or no opening day) by the day, and not closed by it: the closing day is the first day closed."""
    rows = {}
    for number, (start, end) in enumerate(itertools.product(STARTS, ENDS)):
        if start is not None and end is not None and end < start:
            continue
        rows[InstitutionFactory(registration_number=f"95{number:08d}", opened_on=start, closed_on=end).pk] = (
            start,
            end,
        )
    for day in DAYS:
        found = set(Institution.objects.filter(pk__in=rows).in_force_on(day).values_list("pk", flat=True))
        plain = {
            pk
            for pk, (start, end) in rows.items()
            if plainly_in_force(start, end, day, last_day=False, empty_start=True)
        }
        assert found == plain, day
        assert set(Institution.objects.filter(pk__in=rows).active_on(day).values_list("pk", flat=True)) == plain


def test_software_licences_in_force_are_those_a_plain_computation_finds() -> None:
    """From the first day to the last valid day, both included."""
    school = InstitutionFactory()
    rows = {}
    for number, (start, end) in enumerate(itertools.product(DAYS, ENDS)):
        if end is not None and end < start:
            continue
        licence = Licence.objects.create(
            product=f"P{number}", institution=school, seats=1, valid_from=start, valid_to=end
        )
        rows[licence.pk] = (start, end)
    for day in DAYS:
        found = set(
            Licence.objects.filter(pk__in=rows)
            .filter(SOFTWARE_LICENCE_PERIOD.in_force_q(day))
            .values_list("pk", flat=True)
        )
        plain = {
            pk
            for pk, (start, end) in rows.items()
            if plainly_in_force(start, end, day, last_day=True, empty_start=False)
        }
        assert found == plain, day
    # Over a period: in force on at least one of its days.
    first, last = DAYS[1], DAYS[2]
    found = set(
        Licence.objects.filter(pk__in=rows)
        .filter(SOFTWARE_LICENCE_PERIOD.overlapping_q(first, last))
        .values_list("pk", flat=True)
    )
    plain = {
        pk
        for pk, (start, end) in rows.items()
        if any(plainly_in_force(start, end, d, last_day=True, empty_start=False) for d in (first, last))
    }
    assert found == plain


@pytest.mark.parametrize("model", [Institution, Enrolment, Employment, Loan])
def test_the_rows_that_hold_for_a_period_answer_in_force_on_by_the_one_rule(model: type) -> None:
    """Institutions, enrolments, employments and loans: their querysets take `in_force_on` from core.periods, on
    fields the model has."""
    queryset = model.objects.all()
    assert isinstance(queryset, InForceQuerySetMixin)
    names = {field.name for field in model._meta.get_fields()}
    assert {queryset.period.starts, queryset.period.ends} <= names
