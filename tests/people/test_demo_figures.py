"""The demonstration data reproduces seed 002's staff figures (Daugavpils on 2024-08-19) through `people_stats`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, StaffMember, Vacancy
from eduboard.people.selectors import people_stats
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 8, 19)
SAULES_SKOLA, JAUNIBA = "9000000021", "9000000031"

# Seed 002: the vacancies open on 19.08.2024, by registration number: (position, subject, FTE).
SEED_VACANCIES = {
    "9000000001": [("preschool_teacher", "", Decimal("3.221"))],
    "9000000002": [("speech_therapist", "", Decimal("0.5"))],
    "9000000011": [("subject_teacher", "mūzika", Decimal("1.0")), ("subject_teacher", "ģeogrāfija", Decimal("0.5"))],
    "9000000012": [
        ("subject_teacher", "fizika", Decimal("0.5")),
        ("subject_teacher", "sākumskola", Decimal("1.0")),
        ("subject_teacher", "ķīmija", Decimal("1.0")),
    ],
    "9000000016": [("psychologist", "", Decimal("1.0"))],
    "9000000018": [("subject_teacher", "vizuālā māksla", Decimal("0.38"))],
    "9000000019": [
        ("subject_teacher", "angļu valoda", Decimal("0.5")),
        ("subject_teacher", "matemātika", Decimal("1.0")),
    ],
}


@dataclass(frozen=True)
class Demo:
    stats: dict[str, Any]
    jauniba_staff: int
    counts_after_first_load: tuple[int, int, int]


def people_counts() -> tuple[int, int, int]:
    return StaffMember.objects.count(), Employment.objects.count(), Vacancy.objects.count()


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read what the tests check, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    stats = people_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    jauniba_staff = (
        Employment.objects.active_on(AS_OF)
        .filter(institution__registration_number=JAUNIBA)
        .values("staff_member")
        .distinct()
        .count()
    )
    first = people_counts()
    return Demo(stats, jauniba_staff, first)


def test_demo_figures_are_as_of_2024_08_19(demo: Demo) -> None:
    assert demo.stats["as_of"] == "2024-08-19"


def test_demo_has_257_pedagogues_in_preschools_13_of_them_in_several_institutions(demo: Demo) -> None:
    assert demo.stats["preschool_programme_pedagogues"]["preschools"] == {
        "pedagogues": 257,
        "in_several_institutions": 13,
    }


def test_demo_has_237_pedagogues_in_the_preschool_programmes_of_schools_6_in_several(demo: Demo) -> None:
    assert demo.stats["preschool_programme_pedagogues"]["schools"] == {"pedagogues": 237, "in_several_institutions": 6}


def test_demo_has_494_pedagogues_in_preschool_programmes(demo: Demo) -> None:
    assert demo.stats["preschool_programme_pedagogues"]["pedagogues"] == 494
    assert demo.stats["preschool_programme_pedagogues"]["in_several_institutions"] == 13 + 6


def test_demo_has_831_pedagogues_in_the_general_schools_54_in_several(demo: Demo) -> None:
    assert demo.stats["general_school_pedagogues"] == {"pedagogues": 831, "in_several_institutions": 54}


def test_demo_has_60_pedagogues_in_saules_skola(demo: Demo) -> None:
    saules = demo.stats["pedagogues_by_institution"][SAULES_SKOLA]
    assert saules["pedagogues"] == 60
    assert "Saules skola" in saules["name"]


def test_demo_has_62_pedagogues_among_the_120_staff_of_bjc_jauniba(demo: Demo) -> None:
    jauniba = demo.stats["pedagogues_by_institution"][JAUNIBA]
    assert jauniba["pedagogues"] == 62
    assert "Jaunība" in jauniba["name"]
    assert demo.jauniba_staff == 120


def test_demo_has_exactly_the_11_vacancies_of_seed_002(demo: Demo) -> None:
    vacancies = demo.stats["vacancies"]
    assert demo.stats["vacancies_count"] == 11
    assert {
        number: sorted((p["position"], p["subject"], p["fte"]) for p in entry["positions"])
        for number, entry in vacancies.items()
    } == {number: sorted(rows) for number, rows in SEED_VACANCIES.items()}
    fte = sorted(p["fte"] for entry in vacancies.values() for p in entry["positions"])
    assert fte == sorted(Decimal(f) for f in ["0.5", "3.221", "1", "1", "0.5", "0.5", "1", "1", "0.5", "1", "0.38"])


def test_demo_vacancies_add_up_to_10_601_fte(demo: Demo) -> None:
    assert demo.stats["vacancies_fte_total"] == Decimal("10.601")
    assert demo.stats["vacancies"]["9000000012"]["fte"] == Decimal("2.5")
    assert demo.stats["vacancies"]["9000000001"]["fte"] == Decimal("3.221")


def test_demo_vacancies_filled_on_1_september_are_still_open_on_19_august(demo: Demo) -> None:
    published = {
        (number, p["subject"] or p["position"]): p["published_on"]
        for number, entry in demo.stats["vacancies"].items()
        for p in entry["positions"]
    }
    assert published[("9000000011", "mūzika")] == "2024-08-02"
    assert published[("9000000016", "psychologist")] == "2024-08-09"


def test_the_demo_has_its_staff_rates_and_vacancies(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    staff, rates, vacancies = demo.counts_after_first_load
    assert staff > 1000 and rates > staff and vacancies == 11


def test_demo_data_is_gone_after_the_module(demo: Demo) -> None:
    """The module's demonstration data was rolled back, so other tests start without staff."""
    assert people_counts() == (0, 0, 0)
