"""The demonstration data reproduces seed 002's wellbeing survey: its response rates and every share it states."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from eduboard.core.numbers import percent
from eduboard.core.scope import WHOLE_CITY
from eduboard.reports.readiness import build_readiness
from eduboard.surveys.demo import CODE
from eduboard.surveys.models import Answer, Response, Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS, survey_figures
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = Decimal


@pytest.fixture(scope="module")
def figures(read_demo: ReadDemo[dict[str, Any]]) -> dict[str, Any]:
    """The demonstration data's figures the tests check (read once for the module, then rolled back)."""
    return read_demo(read_the_demo)


def read_the_demo() -> dict[str, Any]:
    """What the tests check, read from the demonstration data."""
    survey = Survey.objects.get(code=CODE)
    counts = (Response.objects.count(), Answer.objects.count())
    loaded = {
        "city": survey_figures(survey=survey, visible_to=WHOLE_CITY),
        "school": survey_figures(survey=survey, visible_to=WHOLE_CITY, institution_types=INSTITUTION_GROUPS["school"]),
        "preschool": survey_figures(
            survey=survey, visible_to=WHOLE_CITY, institution_types=INSTITUTION_GROUPS["preschool"]
        ),
        "important": (
            Answer.objects.filter(
                question__survey=survey, question__code="important_part", value__in=["always", "often"]
            ).count(),
            Answer.objects.filter(question__survey=survey, question__code="important_part").count(),
        ),
        "readiness": build_readiness(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY),
        "counts": counts,
    }
    return loaded


def test_response_rates_are_seed_002s(figures: dict[str, Any]) -> None:
    rates = figures["city"]["response_rates"]
    assert (rates["teachers"]["responses"], rates["teachers"]["percent"]) == (950, D("66.02"))  # "66%"
    assert (rates["pupils_3_4"]["responses"], rates["pupils_3_4"]["percent"]) == (814, D("47.00"))
    assert (rates["pupils_5_12"]["responses"], rates["pupils_5_12"]["percent"]) == (2427, D("43.00"))
    assert rates["parents"]["responses"] == 3915


def test_shares_are_seed_002s(figures: dict[str, Any]) -> None:
    q = figures["city"]["questions"]
    assert q["equal_respect"]["teachers"]["yes"] == D("89.37")
    assert q["like_school"]["pupils_3_4"]["often"] == D("38.72")
    assert (q["like_school"]["pupils_5_12"]["always"], q["like_school"]["pupils_5_12"]["often"]) == (
        D("12.90"), D("34.24"),
    )  # fmt: skip
    assert q["emotionally_safe"]["pupils_5_12"]["yes"] == D("70.34")
    assert q["no_violence"]["pupils_5_12"]["yes"] == D("84.98")
    assert q["welcome"]["parents"]["always"] == D("82.98")
    assert round(q["choice_satisfied"]["parents"]["yes"]) == 80
    likes = q["child_likes_school"]["parents"]
    assert (round(likes["always"]), round(likes["often"])) == (45, 42)


def test_parents_of_schools_and_preschools_side_by_side(figures: dict[str, Any]) -> None:
    school, preschool = figures["school"]["questions"], figures["preschool"]["questions"]
    assert (school["child_safe"]["parents"]["yes"], preschool["child_safe"]["parents"]["yes"]) == (
        D("66.74"),
        D("89.88"),
    )
    assert (school["child_safe"]["parents"]["partly"], preschool["child_safe"]["parents"]["partly"]) == (
        D("29.45"), D("4.63"),
    )  # fmt: skip
    assert (school["child_violence"]["parents"]["never"], preschool["child_violence"]["parents"]["never"]) == (
        D("91.56"), D("93.88"),
    )  # fmt: skip
    assert (school["cooperation"]["parents"]["yes"], preschool["cooperation"]["parents"]["yes"]) == (
        D("67.80"), D("81.02"),
    )  # fmt: skip


def test_teachers_always_or_often_an_important_part_is_83_89_percent(figures: dict[str, Any]) -> None:
    always_or_often, answered = figures["important"]
    assert answered == 950 and percent(always_or_often, answered) == D("83.89")
    shares = figures["city"]["questions"]["important_part"]["teachers"]
    assert (shares["always"], shares["often"]) == (D("47.58"), D("36.32"))  # each rounded: 452 and 345 of 950


def test_the_demo_has_every_response(figures: dict[str, Any]) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert figures["counts"][0] == 950 + 814 + 2427 + 3915


def test_the_readiness_report_states_the_surveys_response_rates_and_answers(figures: dict[str, Any]) -> None:
    tables = {
        block["key"]: block
        for section in figures["readiness"]["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
    }
    rates = {row[0]["t"]: row[1:] for row in tables["quality.survey.response_rates"]["rows"]}
    assert rates["teachers"] == [950, 1439, "66.02"]
    assert rates["pupils of grades 5–12"] == [2427, 5644, "43.00"]
    answers = tables["quality.survey.answers"]["rows"]
    # a question is kept in three languages (reports.content.L): written in the report's language when rendered
    safe = [row for row in answers if row[0]["l"]["lv"] == "Mans bērns iestādē jūtas emocionāli droši."]
    by_group = {row[1]["t"]: row[2]["p"]["shares"][0]["p"]["share"] for row in safe}
    assert by_group == {"parents": "72.37", "parents, schools": "66.74", "parents, preschools": "89.88"}
