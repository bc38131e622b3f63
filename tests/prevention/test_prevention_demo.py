"""The demonstration data gives a plausible risk list, which the readiness report's quality section counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.prevention.selectors import prevention_figures
from eduboard.reports.readiness import build_readiness
from tests.demo_data import load_demo

pytestmark = pytest.mark.django_db
ON = date(2025, 1, 31)


def counts() -> tuple[int, int, int]:
    return Absence.objects.count(), TermResult.objects.count(), SupportPlan.objects.count()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        first = counts()
        call_command("load_demo", stdout=StringIO())
        content = build_readiness(as_of=ON, visible_to=WHOLE_CITY)
        found = {
            "figures": prevention_figures(as_of=ON, visible_to=WHOLE_CITY),
            "before_october": prevention_figures(as_of=date(2024, 9, 30), visible_to=WHOLE_CITY),
            "report": {
                item["key"]: item["value"]
                for section in content["sections"]
                for block in section["blocks"]
                if block["type"] == "figures"
                for item in block["items"]
            },
            "counts": first,
            "counts_again": counts(),
        }
        transaction.set_rollback(True)
    yield found


def test_the_demo_puts_three_pupils_of_each_of_three_schools_at_risk_by_each_rule(demo: dict[str, Any]) -> None:
    figures = demo["figures"]
    assert figures["at_risk_by_rule"]["unexcused_absences"] == 9  # 24, 21 and 20 lessons; 19 is one below
    assert figures["at_risk_by_rule"]["insufficient_grades"] == 9  # 2, 3 and 2 subjects; 1 is one below
    assert (figures["at_risk_total"], figures["with_support_plan"]) == (18, 6)
    # The data up to 30 September: no October absences yet (term results carry no day: they count once recorded).
    assert demo["before_october"]["at_risk_by_rule"]["unexcused_absences"] == 0


def test_the_readiness_report_counts_them_and_a_second_load_changes_nothing(demo: dict[str, Any]) -> None:
    assert demo["report"]["quality.prevention.at_risk_total"] == 18
    assert demo["report"]["quality.prevention.with_support_plan"] == 6
    assert demo["counts"] == demo["counts_again"] and demo["counts"][2] == 6
