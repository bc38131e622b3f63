"""The events calendar's API (/api/events/events/): read-only, scoped as the calendar's page is. Every signed-in user
reads every event, another institution's and the board's own too (list and detail); a row that is not there answers
404; the public is refused (its feeds are the public pages); the filters and sorting work; a list's queries do not
grow with its rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.events.models import Event, EventKind
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

URL = "/api/events/events/"


def events(organiser: Institution | None, tag: str, count: int = 1, day: int = 3) -> list[Event]:
    return [
        Event.objects.create(
            title=f"Pasākums {tag} {n}",
            starts_at=datetime(2025, 3, day + n, 10, tzinfo=UTC),
            organiser=organiser,
            kind=EventKind.MEETING,
        )
        for n in range(count)
    ]


@pytest.fixture
def schools(db: None) -> tuple[Institution, Institution]:
    return InstitutionFactory(name="Daugavpils 3. vidusskola"), InstitutionFactory(name="Daugavpils 9. vidusskola")


def listed(client: Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


@pytest.mark.parametrize("role", [Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.CENTRE_STAFF, Role.OBSERVER])
def test_every_signed_in_role_reads_every_event_and_a_missing_one_is_not_found(
    role: str, schools: tuple[Institution, Institution], signed_in: Callable[[User], Client]
) -> None:
    """The shared calendar's rule: everyone signed in reads all events; the organisers' roles change theirs."""
    own, other, boards = events(schools[0], "aa")[0], events(schools[1], "bb")[0], events(None, "cc")[0]
    reader = signed_in(UserFactory(role=role, institutions=[schools[0]]))
    assert {row["id"] for row in listed(reader, URL)} == {own.pk, other.pk, boards.pk}
    for event in (own, other, boards):
        detail = reader.get(f"{URL}{event.pk}/")
        assert detail.status_code == 200 and detail.json()["id"] == event.pk
    assert reader.get(f"{URL}{boards.pk}/").json()["organiser"] is None
    assert reader.get(f"{URL}{own.pk}/").json()["organiser"] == schools[0].registration_number
    assert reader.get(f"{URL}987654/").status_code == 404


def test_the_public_is_refused(schools: tuple[Institution, Institution]) -> None:
    event = events(schools[0], "aa")[0]
    Event.objects.filter(pk=event.pk).update(public=True)
    assert Client().get(URL).status_code in (401, 403)
    assert Client().get(f"{URL}{event.pk}/").status_code in (401, 403)


def test_the_filters_and_sorting(schools: tuple[Institution, Institution], signed_in: Callable[[User], Client]) -> None:
    made = events(schools[0], "aa", count=3)
    Event.objects.filter(pk=made[2].pk).update(kind=EventKind.CONFERENCE)
    events(schools[1], "bb")
    reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[schools[0]]))
    assert len(listed(reader, f"{URL}?organiser={schools[0].registration_number}")) == 3
    assert [row["id"] for row in listed(reader, f"{URL}?kind=conference")] == [made[2].pk]
    assert [row["id"] for row in listed(reader, f"{URL}?date_from=2025-03-04&date_to=2025-03-04")] == [made[1].pk]
    titles = [row["title"] for row in listed(reader, f"{URL}?ordering=-starts_at")]
    assert titles == ["Pasākums aa 2", "Pasākums aa 1", "Pasākums aa 0", "Pasākums bb 0"]


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_lists_queries_do_not_grow_with_its_rows(
    schools: tuple[Institution, Institution], signed_in: Callable[[User], Client]
) -> None:
    events(schools[0], "aa", count=2)
    reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[schools[0]]))
    queries(reader, URL)  # the session and the role's permissions, cached after the first request
    few = queries(reader, URL)
    events(schools[1], "ab", count=6)
    assert len(listed(reader, URL)) == 8
    assert queries(reader, URL) == few
