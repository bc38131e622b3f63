"""Observation and exam figures, each computed again here from the raw answers and results."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors
from eduboard.quality.defaults import criterion_codes
from eduboard.quality.models import ExamResult, ExamSitting, LearnerResult, Observation, PassThreshold, Subject
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

YEAR_FROM, YEAR_TO = date(2023, 9, 1), date(2024, 6, 30)


def share(part: int, whole: int) -> Decimal:
    """The expected percentage, worked out here without the project's helper."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_share_of_each_criterion_is_yes_answers_over_lessons(
    world: World, observe: Callable[..., Observation], seed: int
) -> None:
    rng = random.Random(seed)
    raw: list[dict[str, str]] = []
    for index in range(rng.randint(3, 9)):
        answers = {code: rng.choice(["yes", "partly", "no"]) for code in criterion_codes()}
        raw.append(answers)
        observe(answers=answers, on=date(2023, 10, 1 + index), kind=rng.choice(["external", "internal", "peer"]))
    figures = selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO)
    assert figures["lessons"] == len(raw)
    assert list(figures["criteria"]) == criterion_codes()
    for code in criterion_codes():
        yes = sum(1 for answers in raw if answers[code] == "yes")
        row = figures["criteria"][code]
        assert (row["answered"], row["meeting"], row["percent"]) == (len(raw), yes, share(yes, len(raw)))


def test_change_against_the_year_before_is_in_points(world: World, observe: Callable[..., Observation]) -> None:
    observe(on=date(2022, 11, 3), answers={"three_parts": "no"})
    observe(on=date(2022, 11, 4), answers={"three_parts": "yes"})
    for day in (5, 6, 7, 8):
        observe(on=date(2023, 11, day), answers={"three_parts": "no" if day == 5 else "yes"})
    row = selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO)["criteria"][
        "three_parts"
    ]
    assert (row["percent"], row["previous_percent"], row["change_points"]) == (Decimal(75), Decimal(50), Decimal(25))


def test_period_ends_are_included_and_filters_narrow_the_figures(
    world: World, observe: Callable[..., Observation]
) -> None:
    observe(on=YEAR_FROM, kind="internal")
    observe(on=YEAR_TO, kind="external", subject="Fizika")
    observe(on=date(2024, 7, 1))  # after the period
    observe(on=date(2024, 1, 10), institution=world.other_school, teacher=world.carl)
    assert selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO)["lessons"] == 3
    assert (
        selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO, kind="internal")[
            "lessons"
        ]
        == 1
    )
    assert (
        selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO, subject="fizika")[
            "lessons"
        ]
        == 1
    )
    by_school = selectors.observation_figures(
        visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO, institution=world.other_school
    )
    assert by_school["lessons"] == 1
    assert selectors.observation_figures(visible_to=WHOLE_CITY, date_from=YEAR_FROM, date_to=YEAR_TO)[
        "lessons_by_kind"
    ] == {
        "external": 2,
        "internal": 1,
        "peer": 0,
    }


def test_observation_figures_take_the_same_number_of_queries_for_2_or_20_lessons(
    world: World, observe: Callable[..., Observation]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.observation_figures(date_from=YEAR_FROM, date_to=YEAR_TO, visible_to=world.head)
        return len(captured)

    for day in (1, 2):
        observe(on=date(2023, 10, day))
    queries()  # the first call also reads the head's institutions (kept on the user afterwards)
    few = queries()
    for day in range(3, 21):
        observe(on=date(2023, 10, day), teacher=world.boris)
    assert queries() == few
    assert few <= 7


def result(sitting: ExamSitting, institution: Institution, candidates: int, mean: str, **kwargs: object) -> ExamResult:
    return ExamResult.objects.create(
        sitting=sitting, institution=institution, candidates=candidates, mean_percent=Decimal(mean), **kwargs
    )


def test_city_mean_is_weighted_by_candidates_and_compared_with_the_nation(world: World) -> None:
    sitting = ExamSitting.objects.create(
        year=2024,
        exam="ce_basic",
        subject=Subject.objects.create(name="Matemātika"),
        national_mean_percent=Decimal("43.2"),
    )
    third = InstitutionFactory(type="basic")
    rows = [(world.school, 50, "40.00", 3), (world.other_school, 30, "50.00", 1), (third, 7, "33.33", 0)]
    for institution, candidates, mean, below in rows:
        result(sitting, institution, candidates, mean, below_threshold=below)
    weighted = (Decimal(50 * 40) + Decimal(30 * 50) + Decimal(7) * Decimal("33.33")) / 87
    expected = weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    [row] = selectors.exam_comparison(visible_to=WHOLE_CITY, year=2024, exam="ce_basic")
    assert row["mean_percent"] == expected
    assert row["candidates"] == 87
    assert row["below_threshold"] == 4
    assert row["threshold_percent"] == Decimal("10.00")
    assert row["gap_points"] == expected - Decimal("43.2")
    # a head sees their own school as "the city" of their scope
    [mine] = selectors.exam_comparison(year=2024, exam="ce_basic", visible_to=world.head)
    assert (mine["candidates"], mine["mean_percent"]) == (50, Decimal(40))


def test_pass_threshold_is_configurable_per_year(world: World) -> None:
    sitting = ExamSitting.objects.create(year=2026, exam="ce_secondary", subject=Subject.objects.create(name="Fizika"))
    result(sitting, world.school, 10, "55.00")
    assert selectors.exam_comparison(visible_to=WHOLE_CITY, year=2026, exam="ce_secondary")[0][
        "threshold_percent"
    ] == Decimal(15)
    PassThreshold.objects.create(year=2026, exam="ce_secondary", percent=Decimal(20))
    assert selectors.exam_comparison(visible_to=WHOLE_CITY, year=2026, exam="ce_secondary")[0][
        "threshold_percent"
    ] == Decimal(20)


def test_institution_against_its_type_and_the_nation_gives_signed_gaps_in_points(world: World) -> None:
    latvian = ExamSitting.objects.create(
        year=2020, exam="ce_secondary", subject=Subject.objects.create(name="Latviešu valoda")
    )
    result(
        latvian,
        world.school,
        40,
        "30.00",
        type_mean_percent=Decimal("46.5"),
        national_mean_percent=Decimal("52.6"),
    )
    [row] = selectors.institution_exam_comparison(visible_to=WHOLE_CITY, institution=world.school, year=2020)
    assert row["gap_to_type_points"] == Decimal("-16.5")
    assert row["gap_to_national_points"] == Decimal("-22.6")


def test_support_list_holds_learners_below_the_threshold_by_school(world: World) -> None:
    sitting = ExamSitting.objects.create(
        year=2024, exam="monitoring", subject=Subject.objects.create(name="Latviešu valoda"), grade=7
    )
    codes = ["010110-10006", "020210-10009", "030310-10001"]
    LearnerResult.objects.create(
        sitting=sitting, personal_code=codes[0], institution=world.school, percent=Decimal("12.5")
    )
    LearnerResult.objects.create(
        sitting=sitting, personal_code=codes[1], institution=world.school, percent=Decimal("20.0")
    )
    LearnerResult.objects.create(
        sitting=sitting, personal_code=codes[2], institution=world.other_school, percent=Decimal("19.99")
    )
    groups = selectors.support_list(
        visible_to=WHOLE_CITY, year=2024, exam="monitoring", below_percent=Decimal(20), grade=7
    )
    by_school = {g["institution"]: [learner["percent"] for learner in g["learners"]] for g in groups}
    assert by_school == {"9000000011": [Decimal("12.5")], "9000000015": [Decimal("19.99")]}
    assert groups[0]["learners"][0]["personal_code"].endswith("*****")
    mine = selectors.support_list(year=2024, exam="monitoring", below_percent=Decimal(20), visible_to=world.head)
    assert [g["institution"] for g in mine] == ["9000000011"]
