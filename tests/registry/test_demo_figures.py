"""The demonstration data reproduces seed 002 (Daugavpils on 2024-08-20) through `registry_stats`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps

from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Institution
from eduboard.registry.selectors import registry_stats
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 8, 20)
GENERAL_SCHOOL_TYPES = ("basic", "secondary", "gymnasium")


@dataclass(frozen=True)
class Demo:
    stats: dict[str, Any]
    closed_schools: dict[str, tuple[date | None, str | None]]  # name -> (closed on, joined to)
    counts_after_first_load: dict[str, int]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("registry", "accounts", "core")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read what the tests check, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    closed = {
        i.name: (i.closed_on, i.joined_to.name if i.joined_to else None)
        for i in Institution.objects.filter(closed_on__isnull=False).select_related("joined_to")
    }
    first = row_counts()
    return Demo(stats, closed, first)


def test_demo_reports_on_the_2024_2025_school_year(demo: Demo) -> None:
    assert demo.stats["as_of"] == "2024-08-20"
    assert demo.stats["school_year"] == "2024/2025"


def test_demo_has_9_preschools_with_206_preschool_groups(demo: Demo) -> None:
    assert demo.stats["institutions_by_type"]["preschool"] == 9
    assert demo.stats["groups_by_level"]["preschool"] == 206


def test_demo_has_3770_preschool_children_538_fewer_than_a_year_before(demo: Demo) -> None:
    assert demo.stats["learners_by_level"]["preschool"] == 3770
    assert demo.stats["learners_by_level_change"]["preschool"] == -538
    assert demo.stats["learners_by_level_year_before"]["preschool"] == 3770 + 538


def test_demo_has_8819_pupils_in_basic_and_secondary_414_fewer_than_a_year_before(demo: Demo) -> None:
    by_level, change = demo.stats["learners_by_level"], demo.stats["learners_by_level_change"]
    assert by_level["basic"] + by_level["secondary"] == 8819
    assert change["basic"] + change["secondary"] == -414


def test_demo_has_859_first_graders_27_fewer_than_a_year_before(demo: Demo) -> None:
    assert demo.stats["first_graders"] == 859
    assert demo.stats["first_graders"] - demo.stats["first_graders_year_before"] == -27


def test_demo_admitted_564_to_grade_10_61_more_than_a_year_before(demo: Demo) -> None:
    assert demo.stats["grade10_admitted"] == 564
    assert demo.stats["grade10_admitted"] - demo.stats["grade10_admitted_year_before"] == 61


def test_demo_has_148_free_preschool_places_65_in_preschools_and_83_in_schools(demo: Demo) -> None:
    assert demo.stats["free_places_preschool"] == {"preschools": 65, "schools": 83, "total": 148}


def test_demo_has_no_children_waiting_in_the_queue(demo: Demo) -> None:
    assert demo.stats["queue_length"] == 0


def test_demo_learners_from_other_municipalities_are_280_362_158(demo: Demo) -> None:
    other = demo.stats["learners_from_other_municipalities"]
    assert (other["preschool"], other["basic"], other["secondary"]) == (280, 362, 158)


def test_demo_residents_learning_elsewhere_are_116_408_160(demo: Demo) -> None:
    elsewhere = demo.stats["residents_learning_elsewhere"]
    assert (elsewhere["preschool"], elsewhere["basic"], elsewhere["secondary"]) == (116, 408, 160)


def test_demo_has_11_general_schools(demo: Demo) -> None:
    by_type = demo.stats["institutions_by_type"]
    assert sum(by_type[kind] for kind in GENERAL_SCHOOL_TYPES) == 11


def test_demo_two_closed_schools_were_joined_to_draudziga_aicinajuma_and_centra_vidusskola(demo: Demo) -> None:
    assert len(demo.closed_schools) == 2
    assert sorted(str(joined) for _closed_on, joined in demo.closed_schools.values()) == [
        "Daugavpils Centra vidusskola",
        "Daugavpils Draudzīgā aicinājuma vidusskola",
    ]
    # closed before the 2024/2025 year the figures describe, so not among the 11 general schools
    assert all(closed_on is not None and closed_on < date(2024, 9, 1) for closed_on, _ in demo.closed_schools.values())


def test_the_demo_has_learners(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert demo.counts_after_first_load["registry.Learner"] > 0


def test_demo_data_is_gone_after_the_module(demo: Demo) -> None:
    """The module's demonstration data was rolled back, so other tests start from an empty registry."""
    assert Institution.objects.count() == 0
