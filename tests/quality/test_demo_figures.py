"""The demonstration data reproduces seed 002's observation figures and exam tables, and seed 003's table 3."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors
from eduboard.quality.demo import SEED_SHARES
from eduboard.quality.models import Answer, ExamResult, Observation
from eduboard.registry.models import Institution
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FROM, TO = date(2023, 9, 1), date(2024, 6, 30)


@dataclass(frozen=True)
class Demo:
    all_lessons: dict[str, Any]
    external: dict[str, Any]
    internal: dict[str, Any]
    schools_external: dict[str, Any]
    basic: list[dict[str, Any]]
    secondary_optimal: list[dict[str, Any]]
    secondary_higher: list[dict[str, Any]]
    monitoring: list[dict[str, Any]]
    pilot: list[dict[str, Any]]
    tehnikums: list[dict[str, Any]]
    counts: tuple[int, int, int]


def counts() -> tuple[int, int, int]:
    return Observation.objects.count(), Answer.objects.count(), ExamResult.objects.count()


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read the figures, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    figures: dict[str, Any] = {"date_from": FROM, "date_to": TO, "visible_to": WHOLE_CITY}
    school_types = ["preschool", "basic", "secondary", "gymnasium"]
    tehnikums = Institution.objects.get(name="Daugavpils tehnikums")
    first = counts()
    loaded = Demo(
        all_lessons=selectors.observation_figures(**figures),
        external=selectors.observation_figures(**figures, kind="external"),
        internal=selectors.observation_figures(**figures, kind="internal"),
        schools_external=selectors.observation_figures(**figures, kind="external", institution_types=school_types),
        basic=selectors.exam_comparison(visible_to=WHOLE_CITY, year=2024, exam="ce_basic"),
        secondary_optimal=selectors.exam_comparison(
            visible_to=WHOLE_CITY, year=2024, exam="ce_secondary", level="optimal"
        ),
        secondary_higher=selectors.exam_comparison(
            visible_to=WHOLE_CITY, year=2024, exam="ce_secondary", level="higher"
        ),
        monitoring=selectors.exam_comparison(visible_to=WHOLE_CITY, year=2024, exam="monitoring"),
        pilot=selectors.exam_comparison(visible_to=WHOLE_CITY, year=2024, exam="pilot"),
        tehnikums=selectors.institution_exam_comparison(visible_to=WHOLE_CITY, institution=tehnikums, year=2020),
        counts=first,
    )
    return loaded


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_demo_has_1561_internal_and_186_external_observations_in_2023_2024(demo: Demo) -> None:
    assert demo.internal["lessons"] == 1561
    assert demo.external["lessons"] == 186
    assert demo.schools_external["lessons"] == 182  # in preschools and schools; the other 4 in the sports school
    assert demo.all_lessons["lessons_by_kind"] == {"external": 186, "internal": 1561, "peer": 0}


@pytest.mark.parametrize("which", ["external", "schools_external", "internal", "all_lessons"])
def test_demo_shares_round_to_seed_002s_percentages(demo: Demo, which: str) -> None:
    criteria = getattr(demo, which)["criteria"]
    assert {code: whole(criteria[code]["percent"]) for code in SEED_SHARES} == SEED_SHARES
    assert (SEED_SHARES["results_defined"], SEED_SHARES["in_latvian"], SEED_SHARES["defined_problem"]) == (76, 94, 22)


def test_demo_basic_school_exams_are_seed_002s_city_and_national_means(demo: Demo) -> None:
    table = {row["subject"]: (row["mean_percent"], row["national_mean_percent"]) for row in demo.basic}
    assert table == {
        "Angļu valoda": (Decimal("48.4"), Decimal("63.9")),
        "Latviešu valoda": (Decimal("52.6"), Decimal("59.1")),
        "Matemātika": (Decimal("42.3"), Decimal("43.2")),
    }
    below = {row["subject"]: row["below_threshold"] for row in demo.basic}
    assert below == {"Angļu valoda": 16, "Latviešu valoda": 22, "Matemātika": 38}


def test_demo_secondary_exams_are_seed_002s_tables(demo: Demo) -> None:
    optimal = {row["subject"]: (row["mean_percent"], row["national_mean_percent"]) for row in demo.secondary_optimal}
    assert optimal == {
        "Angļu valoda": (Decimal("59.8"), Decimal("62.0")),
        "Vācu valoda": (Decimal("94.0"), Decimal("54.0")),
        "Latviešu valoda": (Decimal("54.5"), Decimal("55.0")),
        "Matemātika": (Decimal("46.7"), Decimal("34.0")),
    }
    higher = {row["subject"]: row["mean_percent"] for row in demo.secondary_higher}
    assert higher["Vēsture"] == Decimal("24.3") and higher["Krievu valoda"] == Decimal("73.9") and len(higher) == 13


def test_demo_monitoring_tests_and_pilot_exams_are_seed_002s(demo: Demo) -> None:
    by_grade = {(r["subject"], r["grade"]): (r["candidates"], r["mean_percent"]) for r in demo.monitoring if r["grade"]}
    assert by_grade == {
        ("Latviešu valoda", 1): (875, Decimal("61.2")),
        ("Latviešu valoda", 4): (835, Decimal("52.4")),
        ("Latviešu valoda", 7): (713, Decimal("52.5")),
        ("Matemātika", 4): (671, Decimal("55.1")),
        ("Matemātika", 7): (664, Decimal("41.0")),
    }
    pilot = {(r["subject"], r["level"], r["grade"]): r["mean_percent"] for r in demo.pilot}
    assert pilot == {
        ("Angļu valoda", "optimal", None): Decimal("56.58"),
        ("Angļu valoda", "", 9): Decimal("53.93"),
        ("Matemātika", "optimal", None): Decimal("42.2"),
        ("Matemātika", "", 9): Decimal("32.0"),
    }


def test_demo_tehnikums_is_below_its_type_and_the_nation_as_seed_003_table_3(demo: Demo) -> None:
    gaps = {r["subject"]: (r["gap_to_type_points"], r["gap_to_national_points"]) for r in demo.tehnikums}
    assert gaps == {
        "Latviešu valoda": (Decimal("-16.5"), Decimal("-22.6")),
        "Matemātika": (Decimal("-3.5"), Decimal("-15.4")),
        "Latvijas un pasaules vēsture": (Decimal("-7.2"), Decimal("-26.1")),
        "Angļu valoda": (Decimal("-18.4"), Decimal("-28.8")),
    }


def test_the_demo_has_its_observations(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert demo.counts[0] == 1561 + 186
