"""The innovation centre, first part: the catalogue's reference data, booking a slot (capacity never exceeded, also
by bookings at the same moment on PostgreSQL; the waiting list; the teacher's cancel deadline; the centre's
statuses and moves, scoped), the three file formats (whole or nothing, idempotent) and the figures, the same in the
command and the API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre import rules, services
from eduboard.centre.importers import ActivityImporter, SlotImporter, VisitImporter
from eduboard.centre.models import Activity, AgeBand, Booking, Module, PointEntry, Slot, Visit
from eduboard.centre.selectors import innovation_figures
from eduboard.competitions.reference import ensure_reference
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.both_databases

CENTRE_NUMBER = "9000000041"


def make_centre() -> object:
    ensure_reference()
    return InstitutionFactory(
        name="Daugavpils Inovāciju centrs", registration_number=CENTRE_NUMBER, type="innovation_centre"
    )


def make_slot(centre: object, places: int = 20, days: int = 10, code: str = "robo") -> Slot:
    activity = Activity.objects.create(
        centre=centre,
        code=code,
        kind="workshop",
        module=Module.objects.get(code="physics_robotics"),
        duration_min=90,
        places=places,
        languages="lv;ru",
        title_lv="Robotika",
        published=True,
    )
    activity.age_bands.set(AgeBand.objects.filter(code__in=["7-10", "10-15"]))
    return Slot.objects.create(
        activity=activity,
        date=timezone.localdate() + timedelta(days=days),
        start=time(10),
        end=time(11, 30),
        places=places,
    )


def request(size: int, school: str = "Krāslavas Varavīksnes vidusskola") -> services.BookingRequest:
    return services.BookingRequest(
        school_name=school,
        municipality="Krāslavas novads",
        contact_name="Anna",
        email="anna@example.lv",
        phone="+37120000000",
        group_size=size,
        grade="5",
        language="lv",
    )


@pytest.mark.django_db
def test_the_seeds_modules_and_age_bands_are_data() -> None:
    ensure_reference()
    assert list(Module.objects.values_list("code", flat=True)) == [
        "physics_robotics",
        "health_genetics",
        "ecology",
        "entrepreneurship",
    ]
    assert list(AgeBand.objects.values_list("code", flat=True)) == ["3-7", "7-10", "10-15", "15-19", "19-25"]


@pytest.mark.django_db
def test_a_slot_is_never_overbooked_and_a_cancellation_frees_its_places() -> None:
    slot = make_slot(make_centre(), places=20)
    services.booking_create(slot=slot, request=request(12))
    with pytest.raises(ValidationError) as full:
        services.booking_create(slot=slot, request=request(9))
    assert full.value.code == "full"
    last = services.booking_create(slot=slot, request=request(8))
    assert Slot.objects.get().booked == 20
    entry = services.waiting_list_join(slot=slot, request=request(5))
    assert entry.slot == slot
    services.booking_cancel_by_teacher(token=last.token)
    assert Slot.objects.get().booked == 12 and Booking.objects.get(pk=last.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        services.booking_create(slot=slot, request=services.BookingRequest(**{**request(2).__dict__, "language": "en"}))


@pytest.mark.django_db
def test_the_teacher_cancels_until_48_hours_before() -> None:
    slot = make_slot(make_centre(), days=3)
    booking = services.booking_create(slot=slot, request=request(5))
    begins = timezone.make_aware(datetime.combine(slot.date, slot.start))
    assert rules.can_cancel(booking, now=begins - timedelta(hours=48))
    assert not rules.can_cancel(booking, now=begins - timedelta(hours=47, minutes=59))
    with pytest.raises(ValidationError) as late:
        services.booking_cancel_by_teacher(token=booking.token, now=begins - timedelta(hours=47))
    assert late.value.code == "late" and Slot.objects.get().booked == 5


@pytest.mark.django_db
def test_the_centre_confirms_and_moves_bookings_of_its_own_only() -> None:
    centre = make_centre()
    slot, other_slot = make_slot(centre, places=10), make_slot(centre, places=10, days=11, code="robo-2")
    booking = services.booking_create(slot=slot, request=request(6))
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[InstitutionFactory()])
    with pytest.raises(Exception):  # noqa: B017  # a head manages no bookings
        services.booking_status_change(viewer=head, booking_id=booking.pk, status="confirmed", expected_version=1)
    confirmed = services.booking_status_change(
        viewer=staff, booking_id=booking.pk, status="confirmed", expected_version=1
    )
    assert confirmed.status == "confirmed"
    with pytest.raises(ValidationError) as stale:
        services.booking_status_change(viewer=staff, booking_id=booking.pk, status="cancelled", expected_version=1)
    assert stale.value.code == "stale"
    services.booking_move(viewer=staff, booking_id=booking.pk, to_slot_id=other_slot.pk, expected_version=2)
    assert (Slot.objects.get(pk=slot.pk).booked, Slot.objects.get(pk=other_slot.pk).booked) == (0, 6)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_places_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is tested on PostgreSQL (SQLite serialises every write)")
    slot = make_slot(make_centre(), places=30)
    results: list[str] = []
    start = threading.Barrier(10)

    def book_one() -> None:
        try:
            start.wait()
            services.booking_create(slot=Slot.objects.select_related("activity").get(pk=slot.pk), request=request(7))
            results.append("ok")
        except ValidationError as refused:
            results.append(str(refused.code))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=book_one) for _n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 4 and results.count("full") == 6  # 4 × 7 = 28 of 30 places
    assert Slot.objects.get().booked == 28 == sum(Booking.objects.values_list("group_size", flat=True))


ACTIVITIES = (
    "code,kind,module,age_bands,duration_min,places,languages,title_lv,title_en,title_ru\n"
    "robo,workshop,physics_robotics,7-10;10-15,90,24,lv;ru,Robotika,Robotics,Робототехника\n"
    "dns,lab_session,health_genetics,15-19,120,16,lv,DNS,,\n"
)


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_three_files_are_whole_or_nothing_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    centre = make_centre()
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    first = ActivityImporter(viewer=staff).run(write(tmp_path, ACTIVITIES))
    assert first.created == 2 and Activity.objects.get(code="robo").languages == "lv;ru"
    assert sorted(Activity.objects.get(code="robo").age_bands.values_list("code", flat=True)) == ["10-15", "7-10"]
    assert ActivityImporter(viewer=staff).run(write(tmp_path, ACTIVITIES)).unchanged == 2
    bad = ACTIVITIES.replace("90,24", "20,24").replace("15-19,120", "15-20,120")
    with pytest.raises(ImportFailed) as failure:
        ActivityImporter(viewer=staff).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "duration_min"), (3, "age_bands")]
    slots = (
        "activity,date,start,end,room,places\nrobo,2025-10-14,10:00,11:30,Zāle,24\nrobo,2025-10-14,13:00,12:00,,24\n"
    )
    with pytest.raises(ImportFailed) as wrong:
        SlotImporter(viewer=staff).run(write(tmp_path, slots))
    assert [(e.row, e.column) for e in wrong.value.errors] == [(3, "end")] and not Slot.objects.exists()
    good = slots.splitlines()[:2]
    assert SlotImporter(viewer=staff).run(write(tmp_path, "\n".join(good) + "\n")).created == 1
    assert SlotImporter(viewer=staff).run(write(tmp_path, "\n".join(good) + "\n")).unchanged == 1
    visits = (
        "activity,date,school,municipality,grade,learners,teachers,age_band\n"
        "robo,2025-10-14,Krāslavas Varavīksnes vidusskola,Krāslavas novads,5,22,2,10-15\n"
        "robo,2025-10-14,Daugavpils Inovāciju centrs,Daugavpils valstspilsēta,,10,1,19-25\n"
    )
    assert VisitImporter(viewer=staff).run(write(tmp_path, visits)).created == 2
    again = VisitImporter(viewer=staff).run(
        write(tmp_path, visits.replace("Krāslavas Varavīksnes", "krāslavas  varavīksnes"))
    )
    assert (again.created, again.unchanged) == (0, 2)
    assert Visit.objects.get(municipality="Krāslavas novads").module.code == "physics_robotics"
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[InstitutionFactory()])
    with pytest.raises(ImportFailed):
        SlotImporter(viewer=head).run(write(tmp_path, "\n".join(good) + "\n"))


@pytest.mark.django_db
def test_figures_in_the_command_and_the_api(tmp_path: Path, signed_in: Callable[[User], Client]) -> None:
    centre = make_centre()
    slot = make_slot(centre, places=20)
    Slot.objects.filter(pk=slot.pk).update(date=date(2025, 10, 14))
    slot.refresh_from_db()
    Booking.objects.create(
        slot=slot,
        status="attended",
        school_name="A",
        municipality="Krāslavas novads",
        contact_name="x",
        email="a@example.lv",
        phone="1",
        group_size=15,
        grade="5",
        language="lv",
        token="t1",
    )
    Booking.objects.create(
        slot=slot,
        status="cancelled",
        school_name="B",
        municipality="x",
        contact_name="x",
        email="b@example.lv",
        phone="1",
        group_size=4,
        grade="5",
        language="lv",
        token="t2",
    )
    Slot.objects.filter(pk=slot.pk).update(booked=15)
    band = AgeBand.objects.get(code="10-15")
    for school, municipality, learners in (
        ("Krāslavas vsk", "Krāslavas novads", 15),
        ("krāslavas  VSK", "Krāslavas novads", 5),
        ("Preiļu 1. pamatskola", "Preiļu novads", 20),
    ):
        Visit.objects.create(
            centre=centre,
            activity=slot.activity,
            date=date(2025, 10, 14),
            school_name=school,
            municipality=municipality,
            learners=learners,
            teachers=2,
            module=slot.activity.module,
            age_band=band,
        )
    Visit.objects.create(centre=centre, kind="walk_in", date=date(2025, 12, 1), learners=50)  # outside the period
    from eduboard.centre.models import Card

    card = Card.objects.create(centre=centre, number="100001", issued_on=date(2025, 10, 1))
    PointEntry.objects.create(
        card=card, task="Mikroskops", points=12, recorded_at=timezone.make_aware(datetime(2025, 10, 14, 11))
    )
    figures = innovation_figures(date_from=date(2025, 10, 1), date_to=date(2025, 10, 31), visible_to=WHOLE_CITY)
    assert figures["visits"] == 3 and figures["visitors"] == 46
    assert figures["visitors_by_age_band"] == {"3-7": 0, "7-10": 0, "10-15": 46, "15-19": 0, "19-25": 0}
    assert figures["visits_by_module"]["physics_robotics"] == 3
    assert figures["visits_by_municipality"] == {"Krāslavas novads": 2, "Preiļu novads": 1}
    assert figures["schools_reached"] == 2
    assert figures["bookings_by_status"] == {
        "requested": 0,
        "confirmed": 0,
        "cancelled": 1,
        "attended": 1,
        "no_show": 0,
    }
    assert str(figures["occupancy_percent"]) == "75.00" and figures["points_total"] == 12
    out = StringIO()
    call_command("innovation_stats", "visits", "--from", "2025-10-01", "--to", "2025-10-31", stdout=out)
    printed = json.loads(out.getvalue())
    staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]))
    answered = staff.get("/api/innovation/stats/?from=2025-10-01&to=2025-10-31").json()
    assert printed == answered and printed["occupancy_percent"] == 75.0
    assert staff.get("/api/innovation/stats/?from=2025-10-01&to=x").status_code == 400
    other_centre_staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[InstitutionFactory()]))
    assert other_centre_staff.get("/api/innovation/stats/?from=2025-10-01&to=2025-10-31").json()["visits"] == 0
