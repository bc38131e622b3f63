"""The demonstration data gives a plausible risk list, which the readiness report's quality section counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.prevention.selectors import prevention_figures
from eduboard.registry.models import Enrolment
from eduboard.reports.readiness import build_readiness
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
ON = date(2025, 1, 31)
SUMMER = date(2024, 8, 20)  # seed 002's date: the school year 2023/2024 has just ended


def leavers_without_destination() -> tuple[set[int], dict[str, int]]:
    """The definition in docs/figures.md, computed in Python from every enrolment row of the demonstration data:
    each learner's last leaving of a school programme from 1 September 2023 to SUMMER (a leaving has a reason), and
    whether another formal enrolment of theirs is open after that day."""
    rows = list(
        Enrolment.objects.values_list(
            "pk", "learner_id", "left_on", "leaving_reason", "group__programme__level", named=True
        )
    )
    last: dict[int, Any] = {}
    of_learner: dict[int, list[Any]] = {}
    for row in rows:
        of_learner.setdefault(row.learner_id, []).append(row)
        school = row.group__programme__level in {"basic", "secondary", "vocational"}
        in_year = row.left_on is not None and date(2023, 9, 1) <= row.left_on <= SUMMER
        before = last.get(row.learner_id)
        later = before is None or (row.left_on, row.pk) > (before.left_on, before.pk)
        if school and in_year and row.leaving_reason and later:
            last[row.learner_id] = row
    by_reason: dict[str, int] = {}
    at_risk = set()
    for learner, leaving in last.items():
        by_reason[leaving.leaving_reason] = by_reason.get(leaving.leaving_reason, 0) + 1
        placed = any(
            row.pk != leaving.pk
            and row.group__programme__level != "interest"
            and (row.left_on is None or row.left_on > leaving.left_on)
            for row in of_learner[learner]
        )
        if leaving.leaving_reason in {"dropped_out", "unknown"} and not placed:
            at_risk.add(learner)
    return at_risk, by_reason


def counts() -> tuple[int, int, int]:
    return Absence.objects.count(), TermResult.objects.count(), SupportPlan.objects.count()


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[dict[str, Any]]) -> dict[str, Any]:
    """The demonstration data's figures the tests check (read once for the module, then rolled back)."""
    return read_demo(read_the_demo)


def read_the_demo() -> dict[str, Any]:
    """What the tests check, read from the demonstration data."""
    first = counts()
    content = build_readiness(as_of=ON, visible_to=WHOLE_CITY)
    summer = build_readiness(as_of=SUMMER, visible_to=WHOLE_CITY)
    found = {
        "summer": prevention_figures(as_of=SUMMER, visible_to=WHOLE_CITY),
        "summer_report": {
            item["key"]: item["value"]
            for section in summer["sections"]
            for block in section["blocks"]
            if block["type"] == "figures"
            for item in block["items"]
        },
        "summer_expected": leavers_without_destination(),
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
    }
    return found


def test_the_demo_puts_three_pupils_of_each_of_three_schools_at_risk_by_each_rule(demo: dict[str, Any]) -> None:
    figures = demo["figures"]
    assert figures["at_risk_by_rule"]["unexcused_absences"] == 9  # 24, 21 and 20 lessons; 19 is one below
    assert figures["at_risk_by_rule"]["insufficient_grades"] == 9  # 2, 3 and 2 subjects; 1 is one below
    assert (figures["at_risk_total"], figures["with_support_plan"]) == (18, 6)
    # The data up to 30 September: no October absences yet (term results carry no day: they count once recorded).
    assert demo["before_october"]["at_risk_by_rule"]["unexcused_absences"] == 0


def test_the_readiness_report_counts_them(demo: dict[str, Any]) -> None:
    assert demo["report"]["quality.prevention.at_risk_total"] == 18
    assert demo["report"]["quality.prevention.with_support_plan"] == 6
    assert demo["counts"][2] == 6  # (a second load changes nothing: tests/test_demo.py)


def test_on_seed_002s_date_only_leavers_with_no_known_destination_are_at_risk(demo: dict[str, Any]) -> None:
    """Graduates, learners who moved up a grade or continue elsewhere, and those who moved away are not at risk:
    the figure is the definition's, not every enrolment that ended on 15 August 2024 (it was 2,691)."""
    at_risk, by_reason = demo["summer_expected"]
    figures = demo["summer"]
    assert figures["left_without_destination"] == len(at_risk)
    assert 0 < len(at_risk) < 100
    assert {code: n for code, n in figures["left_by_reason"].items() if n} == by_reason
    assert figures["left_by_reason"]["completed"] >= 800  # 280 in grade 9 and 520 in grade 12 finished school
    assert demo["summer_report"]["quality.prevention.at_risk_total"] == figures["at_risk_total"] == len(at_risk)
