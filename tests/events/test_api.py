"""The events calendar's API (/api/events/events/): read-only, scoped as the calendar's page is. Every signed-in user
reads every event, another institution's and the board's own too (list and detail); a row that is not there answers
404; the public is refused (its feeds are the public pages); the filters and sorting work; a list's queries do not
grow with its rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.events.models import Event, EventKind
from eduboard.registry.models import Institution
from tests.factories import UserFactory
from tests.support.api import ScopedAPI, listed
from tests.support.matrix import BOTH

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


class TestEventsAPI(ScopedAPI):
    """The shared calendar's rule: everyone signed in reads all events (another institution's too); the organisers'
    roles change theirs (on the pages)."""

    url = "/api/events/"
    routes = ("events",)
    sees: ClassVar[dict[str, frozenset[str]]] = dict.fromkeys(
        (Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.CENTRE_STAFF, Role.OBSERVER), BOTH
    )
    query_role = Role.INSTITUTION_STAFF

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
        return {"events": list(events(institution, tag, count))}

    def test_the_boards_own_events_are_read_with_no_organiser(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        own, boards = events(institutions[0], "aa")[0], events(None, "cc")[0]
        reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[institutions[1]]))
        assert {row["id"] for row in listed(reader, URL)} == {own.pk, boards.pk}
        assert reader.get(f"{URL}{boards.pk}/").json()["organiser"] is None
        assert reader.get(f"{URL}{own.pk}/").json()["organiser"] == institutions[0].registration_number

    def test_a_public_event_is_refused_to_the_public_too(self, institutions: tuple[Institution, Institution]) -> None:
        """Its feeds are the public pages."""
        event = events(institutions[0], "aa")[0]
        Event.objects.filter(pk=event.pk).update(public=True)
        assert Client().get(URL).status_code in (401, 403)
        assert Client().get(f"{URL}{event.pk}/").status_code in (401, 403)

    def test_the_filters_and_sorting(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        made = events(institutions[0], "aa", count=3)
        Event.objects.filter(pk=made[2].pk).update(kind=EventKind.CONFERENCE)
        events(institutions[1], "bb")
        reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[institutions[0]]))
        assert len(listed(reader, f"{URL}?organiser={institutions[0].registration_number}")) == 3
        assert [row["id"] for row in listed(reader, f"{URL}?kind=conference")] == [made[2].pk]
        one_day = listed(reader, f"{URL}?date_from=2025-03-04&date_to=2025-03-04")
        assert [row["id"] for row in one_day] == [made[1].pk]
        titles = [row["title"] for row in listed(reader, f"{URL}?ordering=-starts_at")]
        assert titles == ["Pasākums aa 2", "Pasākums aa 1", "Pasākums aa 0", "Pasākums bb 0"]
