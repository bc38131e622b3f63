"""The centre's pages: the public catalogue and booking in three languages (honeypot, the e-mail through the task
queue, the teacher's link and its 48-hour cancel, no personal data on public pages), the centre's bookings scoped
to its staff, a booking's visit, the calendar feed, cards as a PDF, points and the public points page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre import rules
from eduboard.centre.models import Booking, Card, PointEntry, Slot, Visit
from eduboard.centre.views import feed_key
from tests.centre.test_innovation import make_centre, make_slot
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FORM = {
    "school_name": "Krāslavas Varavīksnes vidusskola",
    "municipality": "Krāslavas novads",
    "contact_name": "Anna",
    "email": "anna@example.lv",
    "phone": "+37120000000",
    "group_size": "12",
    "grade": "5",
    "language": "lv",
    "action": "book",
}


@pytest.fixture
def centre_world(db: None, settings: Any) -> dict[str, object]:
    # A lone slot of 20 places a day: a class of 12 is more than the page's share of the day (50 %), which waits
    # for the centre (tests/centre/test_booking_limits.py); these pages' tests book it at once.
    settings.CENTRE_DAY_SHARE_PERCENT = 100
    centre = make_centre()
    return {
        "centre": centre,
        "slot": make_slot(centre, places=20),
        "staff": UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]),
    }


def test_the_catalogue_in_three_languages_with_filters(centre_world: dict) -> None:
    activity = centre_world["slot"].activity
    activity.title_ru, activity.title_en = "Робототехника", "Robotics"
    activity.save()
    client = Client()
    assert "Robotika" in client.get("/centre/lv/").content.decode()
    assert "Робототехника" in client.get("/centre/ru/").content.decode()
    assert "Robotics" in client.get("/centre/en/?module=physics_robotics&age=7-10&language=ru").content.decode()
    assert "/activities/robo/" not in client.get("/centre/en/?module=ecology").content.decode()
    assert "/activities/robo/" not in client.get("/centre/en/?language=en").content.decode()
    assert client.get("/centre/de/").status_code == 404
    sitemap = client.get("/centre/sitemap.xml").content.decode()
    assert sitemap.count("/centre/ru/activities/robo/") >= 1 and 'hreflang="en"' in sitemap


def test_a_teacher_books_gets_the_mail_through_the_queue_and_cancels_by_the_link(centre_world: dict) -> None:
    slot = centre_world["slot"]
    client = Client()
    booked = client.post(f"/centre/ru/slots/{slot.pk}/book/", FORM)
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booked["Location"] == f"/centre/ru/booking/{booking.token}/"
    assert Slot.objects.get().booked == 12
    assert len(mail.outbox) == 1 and booking.token in mail.outbox[0].body  # sent by the task queue's worker
    page = client.get(booked["Location"]).content.decode()
    assert "Krāslavas Varavīksnes vidusskola" in page
    assert client.post(booked["Location"]).status_code == 200
    assert Booking.objects.get().status == "cancelled" and Slot.objects.get().booked == 0


def test_bots_and_a_full_slot(centre_world: dict) -> None:
    slot = centre_world["slot"]
    client = Client()
    assert client.post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "website": "http://spam"}).status_code == 404
    assert not Booking.objects.exists()
    too_big = client.post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "group_size": "21"})
    assert too_big.status_code == 409 and not Booking.objects.exists()
    waited = client.post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "group_size": "21", "action": "wait"})
    assert waited.status_code == 200 and slot.waiting.count() == 1
    bad = client.post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "school_name": '=HYPERLINK("x")\x07'})
    assert bad.status_code == 400 and not Booking.objects.exists()


def test_no_personal_data_on_public_pages(centre_world: dict) -> None:
    slot = centre_world["slot"]
    Client().post(f"/centre/lv/slots/{slot.pk}/book/", FORM)
    public = Client()
    for url in ("/centre/lv/", f"/centre/lv/activities/{slot.activity.code}/", f"/centre/lv/slots/{slot.pk}/book/"):
        text = public.get(url).content.decode()
        assert "anna@example.lv" not in text and "Krāslavas Varavīksnes" not in text and "+37120000000" not in text


def test_the_centre_manages_its_own_bookings_and_a_school_sees_none(
    centre_world: dict, signed_in: Callable[[User], Client]
) -> None:
    slot = centre_world["slot"]
    Client().post(f"/centre/lv/slots/{slot.pk}/book/", FORM)
    booking = Booking.objects.get()
    staff = signed_in(centre_world["staff"])
    listed = staff.get("/innovation/bookings/")
    assert [b.pk for b in listed.context["object_list"]] == [booking.pk]
    mail.outbox.clear()
    staff.post(f"/innovation/bookings/{booking.pk}/status/", {"status": "confirmed", "version": booking.version})
    assert Booking.objects.get().status == "confirmed" and len(mail.outbox) == 1
    other_staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[InstitutionFactory()]))
    assert other_staff.get(f"/innovation/bookings/{booking.pk}/").status_code == 404
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[InstitutionFactory()]))
    assert head.get("/innovation/bookings/").context["object_list"].count() == 0
    recorded = staff.post(
        f"/innovation/bookings/{booking.pk}/",
        {
            "action": "visit",
            "kind": "booked",
            "date": slot.date.isoformat(),
            "school_name": booking.school_name,
            "municipality": booking.municipality,
            "grade": "5",
            "learners": "11",
            "teachers": "1",
        },
    )
    assert recorded.status_code == 302
    visit = Visit.objects.get()
    assert (visit.booking, visit.learners, visit.activity) == (booking, 11, slot.activity)
    assert Booking.objects.get().status == "attended"


def test_the_calendar_feed_by_a_personal_key(centre_world: dict) -> None:
    slot = centre_world["slot"]
    feed = Client().get(f"/innovation/schedule/{feed_key(centre_world['staff'])}.ics")
    text = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar") and "BEGIN:VEVENT" in text and f"slot-{slot.pk}@" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # RFC 5545: lines folded at 75 octets
    assert Client().get("/innovation/schedule/forged.ics").status_code == 404


def test_cards_points_and_the_public_points_page(centre_world: dict, signed_in: Callable[[User], Client]) -> None:
    staff = signed_in(centre_world["staff"])
    pdf = staff.post("/innovation/cards/", {"count": "3", "school_name": "Zinātņu vidusskola", "class_label": "7.a"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    cards = list(Card.objects.order_by("number"))
    assert len(cards) == 3 and all(len(c.number) == 10 and c.code_hash.startswith("pbkdf2_sha256$") for c in cards)
    number = cards[1].number
    assert staff.post("/innovation/points/", {"card": number, "task": "Mikroskops", "points": "15"}).status_code == 302
    assert staff.post("/innovation/points/", {"card": "999999", "task": "Mikroskops", "points": "5"}).status_code == 200
    assert PointEntry.objects.count() == 1
    code = rules.new_card_code()  # the printed code is not stored: give the card a known one
    Card.objects.filter(pk=cards[1].pk).update(code_hash=rules.hash_card_code(code))
    public = Client().post("/centre/en/card/", {"number": number, "code": code.lower()}).content.decode()
    assert "15" in public and "Mikroskops" in public and "Zinātņu" not in public
    board = staff.get(f"/innovation/leaderboard/?from={timezone.localdate()}&to={timezone.localdate()}")
    assert board.context["schools"][0]["total"] == 15 and board.context["classes"][0]["card__class_label"] == "7.a"


def test_a_city_school_reads_its_own_bookings_and_changes_none(
    centre_world: dict, signed_in: Callable[[User], Client]
) -> None:
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    slot = centre_world["slot"]
    Client().post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "school_name": "zinātņu  vidusskola"})
    Client().post(f"/centre/lv/slots/{slot.pk}/book/", {**FORM, "group_size": "3"})
    mine = Booking.objects.get(school=school)
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
    assert [b.pk for b in head.get("/innovation/bookings/").context["object_list"]] == [mine.pk]
    assert (
        head.post(f"/innovation/bookings/{mine.pk}/status/", {"status": "cancelled", "version": 1}).status_code == 403
    )
    assert Booking.objects.get(pk=mine.pk).status == "confirmed"  # a group of 12: confirmed at once


def test_the_centre_adds_an_activity_with_a_photo_checked_by_content_and_a_slot(
    centre_world: dict, signed_in: Callable[[User], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eduboard.centre.models import Activity, AgeBand, Module

    staff = signed_in(centre_world["staff"])
    data = {
        "code": "mikro", "kind": "lab_session", "module": Module.objects.get(code="health_genetics").pk,
        "age_bands": [AgeBand.objects.get(code="10-15").pk, AgeBand.objects.get(code="15-19").pk],
        "duration_min": "90", "places": "16", "languages": ["ru", "lv"], "title_lv": "Mikroskopija",
        "published": "on",
    }  # fmt: skip
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    refused = staff.post("/innovation/activities/new/", {**data, "photo": fake})
    assert refused.status_code == 200 and not Activity.objects.filter(code="mikro").exists()
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    saved = staff.post("/innovation/activities/new/", {**data, "photo": png})
    assert saved.status_code == 302
    activity = Activity.objects.get(code="mikro")
    assert (activity.languages, activity.centre, activity.age_bands.count()) == ("lv;ru", centre_world["centre"], 2)
    later = (timezone.localdate() + timedelta(days=5)).isoformat()
    staff.post(
        f"/innovation/activities/{activity.pk}/",
        {"action": "slot", "slot-date": later, "slot-start": "10:00", "slot-end": "11:30", "slot-places": "16"},
    )
    assert activity.slots.count() == 1
    assert "Mikroskopija" in Client().get("/centre/lv/?module=health_genetics").content.decode()


def test_the_readiness_report_shows_the_centres_school_year(centre_world: dict) -> None:
    from eduboard.centre.models import AgeBand
    from eduboard.core.scope import WHOLE_CITY
    from eduboard.reports.readiness import build_readiness

    Visit.objects.create(
        centre=centre_world["centre"],
        date=date(2025, 10, 14),
        school_name="Krāslavas vsk",
        municipality="Krāslavas novads",
        learners=20,
        teachers=2,
        module=centre_world["slot"].activity.module,
        age_band=AgeBand.objects.get(code="10-15"),
    )
    Visit.objects.create(centre=centre_world["centre"], date=date(2025, 6, 1), learners=99)  # the year before
    report = build_readiness(as_of=date(2026, 8, 19), visible_to=WHOLE_CITY)
    found = {
        item["key"]: item["value"]
        for section in report["sections"]
        for block in section["blocks"]
        if block["type"] == "figures"
        for item in block["items"]
    }
    assert found["interest.centre.visits"] == 1 and found["interest.centre.visitors"] == 22
    assert found["interest.centre.schools_reached"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_catalogue_is_kept_rendered_and_never_served_stale() -> None:
    slot = make_slot(make_centre())
    client = Client()
    assert "Robotika" in client.get("/centre/lv/").content.decode()
    assert "Robotika" in client.get("/centre/lv/").content.decode()  # the kept page
    activity = slot.activity
    activity.title_lv = "Robotika un astronomija"
    activity.save()  # committed: the area's generation is renewed
    assert "Robotika un astronomija" in client.get("/centre/lv/").content.decode()
    activity.published = False
    activity.save()
    assert "/activities/robo/" not in client.get("/centre/lv/").content.decode()
