"""Issue 39: a booking refused as too large is corrected and booked when the slot has the places, the waiting list
is offered (and accepted) only while the slot has too few places for the group, and the public catalogue marks the
activities with free times, computed in a bounded number of queries from the one free-places rule
(`rules.slot_fits`, its database form `rules.slot_fits_condition`)."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from eduboard.centre import rules, services
from eduboard.centre.models import Booking, Slot, WaitingListEntry
from eduboard.centre.selectors import catalogue_activities
from tests.centre.test_booking_limits import FORM
from tests.centre.test_innovation import make_centre, make_slot, request

pytestmark = pytest.mark.both_databases

BOOK = 'name="action" value="book"'
WAIT = 'name="action" value="wait"'


def held(slot: Slot, booked: int) -> Slot:
    """`slot` with `booked` of its places held by another school's confirmed booking."""
    if booked:
        services.booking_create(slot=slot, request=request(booked, school=f"Cita skola {slot.pk}"))
    return Slot.objects.select_related("activity").get(pk=slot.pk)


def slot_with(places: int, booked: int, code: str = "robo", days: int = 10, centre: Any = None) -> Slot:
    """A slot of a new activity `code`, `places` of which `booked` are held."""
    return held(make_slot(centre or make_centre(), places=places, code=code, days=days), booked)


def another_slot(of: Slot, *, days: int, places: int = 20, booked: int = 0) -> Slot:
    """Another time of `of`'s activity, `days` after `of`."""
    slot = Slot.objects.create(
        activity=of.activity, date=of.date + timedelta(days=days), start=time(10), end=time(11), places=places
    )
    return held(slot, booked)


# --- the rule and its database form


def test_a_group_fits_when_the_slot_still_holds_what_is_booked_with_it() -> None:
    assert rules.slot_fits(places=40, booked=12, group_size=28)
    assert not rules.slot_fits(places=40, booked=12, group_size=29)
    assert rules.slot_fits(places=40, booked=39) and not rules.slot_fits(places=40, booked=40)


@pytest.mark.django_db
def test_the_database_condition_answers_as_the_rule_for_every_places_booked_and_group() -> None:
    centre = make_centre()
    slots = [make_slot(centre, places=places, code=f"a{places}") for places in range(1, 6)]
    for slot in slots:
        for booked in range(slot.places + 1):
            Slot.objects.filter(pk=slot.pk).update(booked=booked)
            for group in range(1, 7):
                in_database = Slot.objects.filter(rules.slot_fits_condition(group), pk=slot.pk).exists()
                assert in_database == rules.slot_fits(places=slot.places, booked=booked, group_size=group)


@pytest.mark.django_db
def test_a_slot_counts_as_open_until_it_begins() -> None:
    slot = make_slot(make_centre(), days=0)
    begins = rules.slot_begins(slot)
    for now in (begins - timedelta(minutes=1), begins, begins + timedelta(minutes=1), begins - timedelta(days=1)):
        found = Slot.objects.filter(rules.slot_not_begun_condition(now), pk=slot.pk).exists()
        assert found == (begins > now)


# --- booking after an error


@pytest.mark.django_db
def test_a_group_refused_as_too_large_is_corrected_and_booked_not_put_on_the_waiting_list(
    mailoutbox: list[Any], settings: Any
) -> None:
    settings.CENTRE_DAY_SHARE_PERCENT = 100  # 24 of the day's 40 places: beyond the page's share, the group waits
    slot = slot_with(places=40, booked=12)  # 28 free
    url = f"/centre/en/slots/{slot.pk}/book/"
    client = Client()
    too_large = client.post(url, {**FORM, "group_size": "40"})
    text = too_large.content.decode()
    assert too_large.status_code == 409
    assert "28 free places" in text and "group of 40" in text  # says how many fit, so the size can be corrected
    assert BOOK in text and WAIT in text  # 40 really does not fit: both the booking and the waiting list
    assert text.index(BOOK) < text.index(WAIT)  # booking first: Enter books
    corrected = client.post(url, {**FORM, "group_size": "24"})
    assert corrected.status_code == 302
    booking = Booking.objects.get(school_name=FORM["school_name"])
    assert (booking.status, booking.group_size, Slot.objects.get(pk=slot.pk).booked) == ("confirmed", 24, 36)
    assert not WaitingListEntry.objects.exists()


@pytest.mark.django_db
def test_a_group_the_slot_has_places_for_is_never_put_on_the_waiting_list() -> None:
    slot = slot_with(places=40, booked=12)
    url = f"/centre/en/slots/{slot.pk}/book/"
    answer = Client().post(url, {**FORM, "group_size": "24", "action": "wait"})
    text = answer.content.decode()
    assert answer.status_code == 409 and not WaitingListEntry.objects.exists()
    assert "book them instead" in text and BOOK in text and WAIT not in text
    with pytest.raises(ValidationError) as refused:
        services.waiting_list_join(slot=slot, request=request(28))
    assert refused.value.code == "has_places"
    services.waiting_list_join(slot=slot, request=request(29))  # one more than the places left: it waits
    assert WaitingListEntry.objects.get().group_size == 29


@pytest.mark.django_db
def test_another_error_shows_the_form_again_with_the_booking_button_only_when_the_group_fits() -> None:
    slot = slot_with(places=40, booked=12)
    url = f"/centre/en/slots/{slot.pk}/book/"
    client = Client()
    assert WAIT not in client.get(url).content.decode()
    mistyped = client.post(url, {**FORM, "group_size": "24", "email": "not an e-mail"})
    text = mistyped.content.decode()
    assert mistyped.status_code == 400 and BOOK in text and WAIT not in text
    mistyped_large = client.post(url, {**FORM, "group_size": "30", "email": "not an e-mail"})
    assert WAIT in mistyped_large.content.decode()  # 30 of 28: its waiting list is a real choice


@pytest.mark.django_db
def test_a_full_slot_offers_only_its_waiting_list_and_takes_the_group() -> None:
    slot = slot_with(places=20, booked=20)
    url = f"/centre/en/slots/{slot.pk}/book/"
    client = Client()
    page = client.get(url).content.decode()
    assert BOOK not in page and WAIT in page
    refused = client.post(url, {**FORM, "group_size": "5"})
    assert refused.status_code == 409 and "The slot is full" in refused.content.decode()
    waited = client.post(url, {**FORM, "group_size": "5", "action": "wait"})
    assert waited.status_code == 200 and WaitingListEntry.objects.get().group_size == 5


# --- the catalogue's free times


def catalogue_text(client: Client, query: str = "") -> str:
    return client.get(f"/centre/en/{query}").content.decode()


def article_of(text: str, title: str) -> str:
    """The catalogue's card of the activity titled `title`."""
    for article in re.findall(r"<article>.*?</article>", text, flags=re.S):
        if f">{title}</a></h2>" in article:
            return str(article)
    raise AssertionError(f"{title} is not in the catalogue")


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_catalogue_marks_free_times_full_times_and_none() -> None:
    centre = make_centre()
    earlier_full = slot_with(places=20, booked=20, code="free", days=11, centre=centre)
    later_free = another_slot(earlier_full, days=1, booked=5)  # the first free time is the later one
    full = slot_with(places=20, booked=20, code="full", centre=centre)
    begun = slot_with(places=20, booked=0, code="begun", days=0, centre=centre)
    Slot.objects.filter(pk=begun.pk).update(start=time(0), end=time(0, 30))  # today's, begun at midnight
    for slot, title in ((earlier_full, "Free"), (full, "Full"), (begun, "Begun")):
        slot.activity.title_lv = slot.activity.title_en = title
        slot.activity.save()
    text = catalogue_text(Client())
    first_free = date_format(later_free.date, "SHORT_DATE_FORMAT")
    assert f"Free times available: the first on {first_free} at 10:00" in article_of(text, "Free")
    assert "No free times: join the waiting list" in article_of(text, "Full")
    assert "No times are open for booking yet." in article_of(text, "Begun")
    services.booking_cancel_by_teacher(token=Booking.objects.filter(slot=full).get().token)
    assert "Free times available" in article_of(catalogue_text(Client()), "Full")  # never kept stale


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_chosen_day_counts_that_days_times_only() -> None:
    centre = make_centre()
    full = slot_with(places=20, booked=20, code="robo", days=11, centre=centre)
    another_slot(full, days=1)
    chosen = catalogue_text(Client(), f"?date={full.date.isoformat()}")
    assert "No free times: join the waiting list" in article_of(chosen, "Robotika")
    assert "Free times available" in article_of(catalogue_text(Client()), "Robotika")


def add_activities(centre: Any, first: int, count: int, slots_each: int) -> None:
    """`count` activities, every other one full, each with `slots_each` times."""
    for n in range(first, first + count):
        slot = slot_with(places=20, booked=20 if n % 2 else 3, code=f"act{n}", centre=centre)
        for day in range(1, slots_each):
            another_slot(slot, days=day, places=9, booked=9 if n % 2 else 0)


def page_queries() -> int:
    cache.clear()  # the page as rendered after a change: nothing kept
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/centre/en/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_catalogues_free_times_take_one_query_whatever_the_activities_and_slots() -> None:
    centre = make_centre()
    add_activities(centre, first=0, count=1, slots_each=1)
    few = page_queries()
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        rows = [(a.next_free_date, a.has_times, list(a.age_bands.all())) for a in catalogue_activities(now=now)]
    assert len(queries) == 2 and len(rows) == 1  # the activities with their free times, and their age bands
    add_activities(centre, first=1, count=8, slots_each=6)
    assert page_queries() == few
    activities = list(catalogue_activities(now=now))
    assert len(activities) == 9 and all(a.has_times for a in activities)
    assert sum(1 for a in activities if a.next_free_date) == 5  # the even ones: 0, 2, 4, 6, 8


@pytest.mark.django_db
def test_the_free_times_are_those_the_booking_page_books() -> None:
    """An activity the catalogue calls free has a slot at its first free time that a group of one books at once;
    one it calls full has none."""
    centre = make_centre()
    for n, booked in enumerate((0, 19, 20)):
        slot_with(places=20, booked=booked, code=f"b{n}", centre=centre)
    for activity in catalogue_activities(now=timezone.now()):
        slot = Slot.objects.select_related("activity").get(activity=activity)
        assert (activity.next_free_date is not None) == (activity.code != "b2")
        if activity.next_free_date:
            assert (slot.date, slot.start) == (activity.next_free_date, activity.next_free_start)
            assert services.booking_create(slot=slot, request=request(1, school="Viena")).status == "confirmed"
        else:
            with pytest.raises(ValidationError) as full:
                services.booking_create(slot=slot, request=request(1, school="Viena"))
            assert full.value.code == "full"
