"""The innovation centre's demonstration data of issue 21, read through the commands a person runs: the robotics
championship (24 teams, eight in each of three disciplines), the two courses with their certificates, and the 12
events of seed 002's section IX in the calendar the readiness report reads. A module of its own: the demo stays
loaded for the module's tests and is rolled back at its end."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from eduboard.competitions import demo as demo_competitions
from eduboard.competitions.models import Competition, Team
from eduboard.core.scope import WHOLE_CITY
from eduboard.events.demo import SEED_002_EVENTS
from eduboard.events.selectors import school_year_events

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases, pytest.mark.usefixtures("demo")]


def stats(*args: str) -> dict[str, int]:
    out = StringIO()
    call_command("innovation_stats", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_the_championship_has_24_teams_eight_in_each_of_three_disciplines() -> None:
    competition = Competition.objects.get(code=demo_competitions.CODE)
    assert competition.date == date(2025, 11, 15)
    per_discipline = Counter(Team.objects.filter(competition=competition).values_list("discipline__code", flat=True))
    assert sorted(per_discipline.values()) == [8, 8, 8]
    assert stats("competitions", "--year", "2025") == {
        "competitions": 1,
        "teams": 24,
        "participants": 57,
        "schools": 12,
    }
    assert stats("competitions", "--year", "2024") == {"competitions": 0, "teams": 0, "participants": 0, "schools": 0}


def test_the_two_courses_certify_their_teachers() -> None:
    assert stats("courses", "--from", "2025-09-01", "--to", "2025-12-31") == {
        "courses": 2,
        "teachers_trained": 30,
        "hours": 20,
        "certificates": 33,
    }


def test_the_calendar_holds_seed_002s_twelve_events_for_the_readiness_report() -> None:
    events = school_year_events(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY)
    assert len(SEED_002_EVENTS) == 12
    assert len(events) == 12  # the seed's, in the order of their dates
    assert sorted(event.title for event in events) == sorted(event[3] for event in SEED_002_EVENTS)
    assert [event.starts_at for event in events] == sorted(event.starts_at for event in events)
