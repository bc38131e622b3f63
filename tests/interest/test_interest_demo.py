"""Interest education on the demonstration data: seed 002's figures for BJC “Jaunība” (49 programmes, 13 in STEM,
171 groups, 6 clubs, 62 pedagogues among 120 employments), loaded twice without a change. A module of its own: the
demo stays loaded for the module's tests and is rolled back at its end, so no other test may share the module."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eduboard.core.scope import WHOLE_CITY
from eduboard.interest import demo as demo_interest
from eduboard.interest import selectors as interest
from eduboard.registry.models import Club, Enrolment, Group, Institution, MunicipalLicence, Programme
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture(scope="module")
def demo_figures(read_demo: ReadDemo[dict[str, Any]]) -> dict[str, Any]:
    """The demo (load_demo) with interest education loaded on it twice; the figures read; all rolled back."""
    return read_demo(read_the_demo)


def read_the_demo() -> dict[str, Any]:
    """What the tests check, read from the demonstration data."""
    institutions = {i.registration_number: i for i in Institution.objects.all()}
    demo_interest.load(institutions)
    counts = (Programme.objects.count(), Group.objects.count(), Enrolment.objects.count(), Club.objects.count())
    first = {
        day: interest.interest_figures(as_of=day, visible_to=WHOLE_CITY)
        for day in (date(2024, 8, 19), date(2024, 9, 1), date(2025, 3, 1))
    }
    demo_interest.load(institutions)
    again = (Programme.objects.count(), Group.objects.count(), Enrolment.objects.count(), Club.objects.count())
    leaders_employed = not (
        Group.objects.filter(programme__level="interest", leader__isnull=True).exists()
        or Group.objects.filter(programme__level="interest")
        .exclude(leader__employments__institution=institutions["9000000031"])
        .exists()
    )
    licences = {lic.number: lic for lic in MunicipalLicence.objects.all()}
    return {
        "figures": first,
        "again": interest.interest_figures(as_of=date(2024, 8, 19), visible_to=WHOLE_CITY),
        "counts": (counts, again),
        "leaders_employed": leaders_employed,
        "licences": licences,
        "in_clubs": Group.objects.filter(club__isnull=False).count(),
    }


def test_the_demo_has_seed_002s_interest_education_figures(demo_figures: dict[str, Any]) -> None:
    for figures in demo_figures["figures"].values():
        assert (
            figures["programmes"],
            figures["stem_programmes"],
            figures["groups"],
            figures["clubs"],
            figures["pedagogues"],
            figures["employments"],
        ) == (49, 13, 171, 6, 62, 120)
        assert 171 * 8 // 2 < figures["participants"] < 171 * 15


def test_loading_the_interest_demo_twice_changes_nothing(demo_figures: dict[str, Any]) -> None:
    first, again = demo_figures["counts"]
    assert first == again
    assert demo_figures["again"] == demo_figures["figures"][date(2024, 8, 19)]


def test_the_demo_groups_are_led_by_bjc_staff_and_some_meet_in_clubs(demo_figures: dict[str, Any]) -> None:
    assert demo_figures["leaders_employed"]
    assert 0 < demo_figures["in_clubs"] < 171


def test_the_demo_licences_include_a_private_provider_and_an_expired_one(demo_figures: dict[str, Any]) -> None:
    licences = demo_figures["licences"].values()
    assert any(lic.provider_id is None and lic.provider_name.startswith("SIA") for lic in licences)
    assert any(interest.licence_validity(lic, on=date(2025, 1, 1)) == "expired" for lic in licences)
    assert {lic.kind for lic in licences} == {"interest", "adult"}
    assert all(1 <= lic.hours <= 160 for lic in licences)
