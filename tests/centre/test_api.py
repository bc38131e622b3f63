"""The centre's API (/api/innovation/...): activities, slots, bookings, visits and visitor cards, read-only, scoped as
the pages are. A centre's staff read their centre's rows (list and detail); another centre's row answers 404 as a
missing one; the public is refused; a list's queries do not grow with its rows; a booking never shows its token
nor a card its secret code; the statistics route beside them answers as before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre.models import Activity, AgeBand, Booking, Card, Module, Slot, Visit
from eduboard.competitions.reference import ensure_reference
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory
from tests.support.api import CentreAPI, listed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ROUTES = ("activities", "slots", "bookings", "visits", "cards")


def centre_rows(centre: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
    """`count` rows of each kind at `centre`: an activity with a slot and a booking, a visit and a card."""
    ensure_reference()
    rows: dict[str, list[Any]] = {route: [] for route in ROUTES}
    for n in range(count):
        activity = Activity.objects.create(
            centre=centre, code=f"{tag}-{n}", kind="workshop", module=Module.objects.get(code="ecology"),
            duration_min=60, places=20, languages="lv", title_lv=f"Darbnīca {tag} {n}", published=True,
        )  # fmt: skip
        activity.age_bands.set(AgeBand.objects.filter(code__in=["7-10", "10-15"]))
        slot = Slot.objects.create(activity=activity, date=date(2099, 5, 4), start=time(10), end=time(11), places=20)
        booking = Booking.objects.create(
            slot=slot, school_name=f"Skola {tag}", municipality="Novads", contact_name="Anna",
            email="anna@example.lv", phone="+37120000000", group_size=5, grade="5", language="lv",
            token=f"secret-token-{tag}-{n}",
        )  # fmt: skip
        visit = Visit.objects.create(
            centre=centre, kind="walk_in", activity=activity, date=date(2099, 5, 4), school_name="Apmeklētāji",
            learners=3, module=activity.module,
        )  # fmt: skip
        card = Card.objects.create(
            centre=centre, number=f"{tag[:2]}{n:08d}", code_hash="pbkdf2$secret-hash", issued_on=date(2025, 1, 10)
        )
        for route, row in zip(ROUTES, (activity, slot, booking, visit, card), strict=True):
            rows[route].append(row)
    return rows


class TestCentreAPI(CentreAPI):
    """A centre's staff read their centre's rows of every route; the board's analyst reads every centre's."""

    url = "/api/innovation/"
    routes = ROUTES

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
        return centre_rows(institution, tag, count)

    def test_a_schools_head_reads_the_bookings_made_for_their_school(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        """As on the bookings page: the centre's bookings for its staff, and a city school's own ones for its
        head."""
        school = InstitutionFactory(name="Daugavpils 3. vidusskola")
        booking = centre_rows(institutions[0], "aa")["bookings"][0]
        Booking.objects.filter(pk=booking.pk).update(school=school)
        head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
        assert [row["id"] for row in listed(head, "/api/innovation/bookings/")] == [booking.pk]
        assert listed(head, "/api/innovation/activities/") == []

    def test_a_booking_shows_the_teachers_contact_but_never_its_token_and_a_card_never_its_code(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        rows = centre_rows(institutions[0], "aa")
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        booking = staff.get(f"/api/innovation/bookings/{rows['bookings'][0].pk}/").json()
        contact = (booking["contact_name"], booking["email"], booking["phone"])
        assert contact == ("Anna", "anna@example.lv", "+37120000000")
        assert booking["activity"] == "aa-0" and booking["date"] == "2099-05-04"
        card = staff.get(f"/api/innovation/cards/{rows['cards'][0].pk}/").json()
        answers = f"{booking}{card}{staff.get('/api/innovation/bookings/').content.decode()}"
        assert "token" not in booking and "secret-token" not in answers
        assert "code_hash" not in card and "secret-hash" not in answers
        activity = staff.get(f"/api/innovation/activities/{rows['activities'][0].pk}/").json()
        assert activity["module"] == "ecology" and activity["age_bands"] == ["7-10", "10-15"]

    def test_filters_and_sorting_of_the_lists(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        rows = centre_rows(institutions[0], "aa", count=3)
        Activity.objects.filter(pk=rows["activities"][0].pk).update(published=False)
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        drafts = listed(staff, "/api/innovation/activities/?published=false")
        assert [row["code"] for row in drafts] == ["aa-0"]
        assert staff.get("/api/innovation/activities/?published=maybe").status_code == 400
        codes = [row["code"] for row in listed(staff, "/api/innovation/activities/?ordering=-code")]
        assert codes == ["aa-2", "aa-1", "aa-0"]
        assert len(listed(staff, "/api/innovation/bookings/?status=requested&date_from=2099-05-01")) == 3
        assert listed(staff, "/api/innovation/visits/?date_to=2099-05-03") == []

    def test_the_statistics_route_answers_as_before(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        centre_rows(institutions[0], "aa")
        staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[institutions[0]]))
        answer = staff.get("/api/innovation/stats/", {"from": "2099-05-01", "to": "2099-05-31"})
        assert answer.status_code == 200 and isinstance(answer.json(), dict)
