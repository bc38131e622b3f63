"""Courses for teachers: certificates only from the required attendance (exactly at the boundary too), numbers
unique over the year's courses, the public verification page, the certificates PDF, the training record written
once with the course's hours, the places limit, scoping (another centre, a school's head), the attendance file,
the period's figures, and the attendance grid's query count."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTFigure, LTImage
from PIL import Image

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.courses import rules, selectors, services
from eduboard.courses.importers import CourseAttendanceImporter
from eduboard.courses.models import Attendance, Course, CourseSession, Participant
from eduboard.people.models import Employment, PositionKind, StaffMember, TrainingRecord, TrainingRequirement
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class World:
    """A centre with its staff, two city schools with teachers, another centre's staff and the schools' heads."""

    def __init__(self) -> None:
        ensure_standard_positions()
        self.codes = PersonalCodes()
        self.position = PositionKind.objects.get(code="subject_teacher")
        self.centre = InstitutionFactory(name="Daugavpils Inovāciju centrs", type="innovation_centre")
        self.school_a = InstitutionFactory(name="Daugavpils Zinātņu vidusskola", registration_number="9000000011")
        self.school_b = InstitutionFactory(name="Daugavpils Centra vidusskola", registration_number="9000000015")
        self.staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[self.centre])
        self.stranger = UserFactory(
            role=Role.CENTRE_STAFF, institutions=[InstitutionFactory(name="Cits centrs", type="innovation_centre")]
        )
        self.head_a = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[self.school_a])
        self.board = UserFactory(role=Role.BOARD_ADMIN)

    def teacher(self, first: str, last: str, school: Institution, birth: date = date(1980, 3, 4)) -> StaffMember:
        person = StaffMember.objects.create(
            personal_code=self.codes.for_birth_date(birth), first_name=first, last_name=last
        )
        Employment.objects.create(
            staff_member=person, institution=school, position=self.position, fte="1.000", start_date=date(2020, 9, 1)
        )
        return person

    def course(self, code: str = "robotika-2025", *, sessions: int = 4, places: int = 20, **values: Any) -> Course:
        start = values.pop("starts_on", date(2025, 10, 7))
        course = Course(
            centre=self.centre,
            code=code,
            title=values.pop("title", "Robotika sākumskolas skolotājiem"),
            hours=values.pop("hours", 12),
            starts_on=start,
            ends_on=start + timedelta(days=7 * max(sessions - 1, 0)),
            places=places,
            lecturer="Dr. Jānis Ozols",
            **values,
        )
        services.course_save(viewer=self.staff, course=course, expected_version=None)
        for week in range(sessions):
            services.course_session_save(
                viewer=self.staff, session=CourseSession(course=course, date=start + timedelta(days=7 * week), hours=3)
            )
        return course

    def attend(self, participant: Participant, present_at: int) -> None:
        """Present at the first `present_at` sessions of the course, absent at the others."""
        for index, session in enumerate(participant.course.sessions.order_by("date")):
            services.attendance_record(viewer=self.staff, session=session, marks={participant.pk: index < present_at})


@pytest.fixture
def world() -> World:
    return World()


# --- certificates


def test_a_certificate_needs_the_required_share_exactly_and_numbers_run_over_the_years_courses(world: World) -> None:
    course = world.course(required_percent=75)
    anna = services.participant_register(
        viewer=world.staff, course=course, staff_member=world.teacher("Anna", "Liepa", world.school_a)
    )
    boris = services.participant_register(
        viewer=world.staff, course=course, name="Boriss Petrovs", school_name="Krāslavas vidusskola"
    )
    eva = services.participant_register(viewer=world.staff, course=course, name="Eva Kalna", school=world.school_b)
    world.attend(anna, 3)  # 9 of 12 hours: exactly 75 %
    world.attend(boris, 2)  # 50 %
    world.attend(eva, 4)
    assert selectors.attendance_share(anna) == 75 and selectors.attendance_share(boris) == 50
    issued = services.certificates_issue(viewer=world.staff, course=course, on=date(2025, 11, 1))
    assert sorted(p.name for p in issued) == ["Anna Liepa", "Eva Kalna"]
    numbers = dict(Participant.objects.values_list("name", "certificate_number"))
    assert numbers == {"Anna Liepa": "IC-2025-0001", "Boriss Petrovs": "", "Eva Kalna": "IC-2025-0002"}
    keys = set(Participant.objects.exclude(certificate_key="").values_list("certificate_key", flat=True))
    assert len(keys) == 2 and all(len(key) >= 30 for key in keys)
    # Boriss catches up: only he is certified now, with the next number; nobody is numbered twice.
    world.attend(boris, 3)
    assert [p.certificate_number for p in services.certificates_issue(viewer=world.staff, course=course)] == [
        "IC-2025-0003"
    ]
    assert services.certificates_issue(viewer=world.staff, course=course) == []
    # Another course of the same year continues the sequence; one of the next year starts it again.
    other = world.course("mikroskopija-2025", starts_on=date(2025, 11, 4), sessions=1)
    late = world.course("mikroskopija-2026", starts_on=date(2026, 2, 3), sessions=1)
    for each in (other, late):
        world.attend(
            services.participant_register(
                viewer=world.staff, course=each, name="Ilze Ābele", school_name="Līvānu 1. vidusskola"
            ),
            1,
        )
        services.certificates_issue(viewer=world.staff, course=each)
    assert Participant.objects.get(course=other).certificate_number == "IC-2025-0004"
    assert Participant.objects.get(course=late).certificate_number == "IC-2026-0001"
    all_numbers = list(Participant.objects.exclude(certificate_number="").values_list("certificate_number", flat=True))
    assert len(all_numbers) == len(set(all_numbers)) == 5


def test_the_city_teachers_training_record_is_written_once_with_the_course_hours(world: World) -> None:
    anna_record = world.teacher("Anna", "Liepa", world.school_a)
    course = world.course(hours=12)
    anna = services.participant_register(viewer=world.staff, course=course, staff_member=anna_record)
    guest = services.participant_register(
        viewer=world.staff, course=course, name="Boriss Petrovs", school_name="Krāslavas vidusskola"
    )
    world.attend(anna, 4)
    world.attend(guest, 4)
    services.certificates_issue(viewer=world.staff, course=course)
    services.certificates_issue(viewer=world.staff, course=course)  # reissuing: no second record
    records = list(TrainingRecord.objects.all())
    assert len(records) == 1  # the guest from elsewhere has no staff record
    record = records[0]
    anna.refresh_from_db()
    assert (record.staff_member_id, record.hours, record.completed_on) == (anna_record.pk, 12, course.ends_on)
    assert record.document == anna.certificate_number and anna.training_record_id == record.pk
    assert record.requirement.name == services.STANDARD_REQUIREMENT  # the course names no requirement
    assert (record.requirement.hours, record.requirement.renewal_months) == (36, 36)
    # A course naming its requirement records under it.
    named = TrainingRequirement.objects.create(name="Digitālās prasmes", hours=12)
    second = world.course("digitalas-2025", requirement=named, sessions=1)
    world.attend(services.participant_register(viewer=world.staff, course=second, staff_member=anna_record), 1)
    services.certificates_issue(viewer=world.staff, course=second)
    assert TrainingRecord.objects.filter(requirement=named, staff_member=anna_record).count() == 1


def test_the_public_verification_page_shows_the_certificate_and_nothing_else(world: World, client: Client) -> None:
    course = world.course()
    anna = services.participant_register(
        viewer=world.staff, course=course, staff_member=world.teacher("Anna", "Liepa", world.school_a)
    )
    world.attend(anna, 4)
    services.certificates_issue(viewer=world.staff, course=course)
    anna.refresh_from_db()
    for lang in ("lv", "ru", "en"):
        page = client.get(reverse("centre_certificate", args=[lang, anna.certificate_key]))
        text = page.content.decode()
        assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex" and page["Content-Language"] == lang
        assert anna.certificate_number in text and "Anna Liepa" in text and course.title in text
        assert world.school_a.name not in text and anna.staff_member.personal_code not in text
    wrong = client.get(reverse("centre_certificate", args=["lv", anna.certificate_key[:-2] + "xx"]))
    assert wrong.status_code == 404 and anna.certificate_number not in wrong.content.decode()
    assert wrong["X-Robots-Tag"] == "noindex"
    uncertified = services.participant_register(
        viewer=world.staff, course=course, name="Eva Kalna", school_name="Skola"
    )
    assert uncertified.certificate_key == ""
    assert client.get("/centre/lv/courses/verify/%20/").status_code == 404


def test_the_certificates_pdf_names_the_number_hours_and_course(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    course = world.course(hours=21)
    anna = services.participant_register(
        viewer=world.staff, course=course, staff_member=world.teacher("Anna", "Liepa", world.school_a)
    )
    eva = services.participant_register(
        viewer=world.staff, course=course, name="Eva Kalna", school_name="Krāslavas vidusskola"
    )
    world.attend(anna, 4)
    world.attend(eva, 4)
    client = signed_in(world.staff)
    assert client.post(reverse("courses:course_certify", args=[course.pk])).status_code == 302
    anna.refresh_from_db()
    one = client.get(reverse("courses:course_certificate", args=[anna.pk]))
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf" and one.content.startswith(b"%PDF")
    text = extract_text(io.BytesIO(one.content))
    assert "APLIECĪBA" in text and anna.certificate_number in text and "21 stunda" in text
    assert "Anna Liepa" in text and course.title in text and world.centre.name in text
    every = extract_text(io.BytesIO(client.get(reverse("courses:course_certificates", args=[course.pk])).content))
    assert every.count("APLIECĪBA") == 2 and "IC-2025-0002" in every
    # The QR code printed on it leads to the public verification page, which names the certificate.
    [link] = qr_codes(one.content)
    assert link == "http://testserver" + reverse("centre_certificate", args=["lv", anna.certificate_key])
    verified = Client().get(link.removeprefix("http://testserver"))
    assert verified.status_code == 200 and anna.certificate_number in verified.content.decode()


def qr_codes(pdf: bytes) -> list[str]:
    """The texts of the QR codes in a PDF's images (read as a phone's camera would, by zxing-cpp)."""

    def images(items: Iterable[Any]) -> Iterator[LTImage]:
        for item in items:
            if isinstance(item, LTImage):
                yield item
            elif isinstance(item, LTFigure):
                yield from images(item)

    texts = []
    for page in extract_pages(io.BytesIO(pdf)):
        for image in images(page):
            width, height, data = image.stream["Width"], image.stream["Height"], image.stream.get_data()
            mode = {width * height: "L", width * height * 3: "RGB", width * height * 4: "RGBA"}[len(data)]
            texts += [code.text for code in zxingcpp.read_barcodes(Image.frombytes(mode, (width, height), data))]
    return texts


def test_hours_take_the_latvian_plural() -> None:
    assert [rules.hours_lv(n) for n in (1, 2, 11, 12, 21, 31, 36, 101, 111)] == [
        "1 stunda", "2 stundas", "11 stundas", "12 stundas", "21 stunda", "31 stunda", "36 stundas", "101 stunda",
        "111 stundas",
    ]  # fmt: skip


# --- registration, places, scope


def test_registration_fills_a_city_teacher_from_the_record_and_stops_at_the_places(world: World) -> None:
    course = world.course(places=2)
    teacher = world.teacher("Anna", "Liepa", world.school_a)
    anna = services.participant_register(viewer=world.staff, course=course, staff_member=teacher)
    assert (anna.name, anna.school, anna.school_name) == ("Anna Liepa", world.school_a, world.school_a.name)
    with pytest.raises(ValidationError):
        services.participant_register(viewer=world.staff, course=course, staff_member=teacher)  # registered already
    services.participant_register(
        viewer=world.staff, course=course, name="  Eva   Kalna ", school_name="Krāslavas vidusskola"
    )
    assert Participant.objects.filter(name="Eva Kalna").exists()
    with pytest.raises(ValidationError) as full:
        services.participant_register(
            viewer=world.staff, course=course, name="Boriss Petrovs", school_name="Līvānu 1. vidusskola"
        )
    assert full.value.code == "full" and course.participants.count() == 2
    with pytest.raises(ValidationError) as unnamed:
        services.participant_register(viewer=world.staff, course=course, name="", school_name="Skola")
    assert "name" in unnamed.value.message_dict


def test_sessions_stay_within_the_course_dates_and_edits_are_versioned(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    course = world.course(sessions=2)
    with pytest.raises(ValidationError) as outside:
        services.course_session_save(
            viewer=world.staff, session=CourseSession(course=course, date=date(2025, 12, 24), hours=2)
        )
    assert "date" in outside.value.message_dict
    client = signed_in(world.staff)
    page = reverse("courses:course_edit", args=[course.pk])
    data = {
        "code": course.code, "title": "Robotika 2", "hours": 12, "starts_on": "2025-10-07", "ends_on": "2025-10-14",
        "places": 20, "lecturer": "L", "required_percent": 80, "version": course.version,
    }  # fmt: skip
    assert client.post(page, data).status_code == 302
    course.refresh_from_db()
    assert (course.title, course.required_percent, course.version) == ("Robotika 2", 80, 2)
    stale = client.post(page, {**data, "title": "Robotika 3", "version": 1})
    assert stale.status_code == 200 and Course.objects.get(pk=course.pk).title == "Robotika 2"
    narrower = client.post(page, {**data, "ends_on": "2025-10-10", "version": 2})  # a session on 14.10.
    assert narrower.status_code == 200 and Course.objects.get(pk=course.pk).ends_on == date(2025, 10, 14)


def test_another_centre_cannot_touch_the_course_and_a_head_sees_only_their_schools_teachers(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    course = world.course()
    anna = services.participant_register(
        viewer=world.staff, course=course, staff_member=world.teacher("Anna", "Liepa", world.school_a)
    )
    boris = services.participant_register(
        viewer=world.staff, course=course, staff_member=world.teacher("Boriss", "Petrovs", world.school_b)
    )
    session = course.sessions.first()
    assert session is not None
    with pytest.raises(PermissionDenied):
        services.participant_register(viewer=world.stranger, course=course, name="X Y", school_name="Z")
    with pytest.raises(PermissionDenied):
        services.attendance_record(viewer=world.stranger, session=session, marks={anna.pk: True})
    with pytest.raises(PermissionDenied):
        services.certificates_issue(viewer=world.stranger, course=course)
    course.title = "Pārņemts"
    with pytest.raises(PermissionDenied):
        services.course_save(viewer=world.stranger, course=course, expected_version=None)
    other = world.course("cits-2025", sessions=1)
    foreigner = services.participant_register(viewer=world.staff, course=other, name="Eva Kalna", school_name="Skola")
    with pytest.raises(ValidationError):  # a participant of another course on this session
        services.attendance_record(viewer=world.staff, session=session, marks={foreigner.pk: True})
    stranger = signed_in(world.stranger)
    for name in ("course_detail", "course_edit", "course_participants", "course_attendance"):
        assert stranger.get(reverse(f"courses:{name}", args=[course.pk])).status_code == 404
    assert stranger.post(reverse("courses:course_certify", args=[course.pk])).status_code == 404
    head = signed_in(world.head_a)
    listed = head.get(reverse("courses:course_participant_list"))
    assert listed.status_code == 200 and list(listed.context["object_list"]) == [anna]
    assert head.get(reverse("courses:course_detail", args=[course.pk])).status_code == 404
    assert head.post(reverse("courses:course_certify", args=[course.pk])).status_code == 403
    world.attend(anna, 4)
    world.attend(boris, 4)
    services.certificates_issue(viewer=world.staff, course=course)
    assert head.get(reverse("courses:course_certificate", args=[anna.pk])).status_code == 200
    assert head.get(reverse("courses:course_certificate", args=[boris.pk])).status_code == 404


def test_the_centre_registers_a_city_teacher_found_in_the_board_staff_search(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    course = world.course()
    teacher = world.teacher("Anna", "Bērziņa", world.school_a)
    client = signed_in(world.staff)
    found = client.get(reverse("picker", args=["course_teacher"]), {"q": "berzina"}).json()["results"]
    assert [row["id"] for row in found] == [teacher.pk] and teacher.personal_code[:6] not in json.dumps(found)
    assert signed_in(world.head_a).get(reverse("picker", args=["course_teacher"]), {"q": "anna"}).status_code == 403
    page = reverse("courses:course_participants", args=[course.pk])
    assert client.get(page).status_code == 200
    assert client.post(page, {"staff_member": teacher.pk}).status_code == 302
    assert client.post(page, {"name": "Eva Kalna", "school": world.school_b.pk}).status_code == 302
    assert client.post(page, {"name": "Boriss"}).status_code == 200  # no school: refused with the field named
    rows = dict(Participant.objects.values_list("name", "school_id"))
    assert rows == {"Anna Bērziņa": world.school_a.pk, "Eva Kalna": world.school_b.pk}


# --- attendance grid


def test_the_attendance_grid_saves_in_one_post_with_a_bounded_number_of_queries(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    course = world.course(sessions=2)
    client = signed_in(world.staff)
    page = reverse("courses:course_attendance", args=[course.pk])
    for n in range(3):
        services.participant_register(viewer=world.staff, course=course, name=f"Skolotāja {n}", school_name="Skola")
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for n in range(3, 15):
        services.participant_register(viewer=world.staff, course=course, name=f"Skolotāja {n}", school_name="Skola")
    for week in range(2, 6):
        services.course_session_save(
            viewer=world.staff,
            session=CourseSession(course=course, date=course.starts_on + timedelta(days=week - 1), hours=2),
        )
    with CaptureQueriesContext(connection) as many:
        grid = client.get(page)
    assert grid.status_code == 200 and len(grid.context["rows"]) == 15 and len(grid.context["shown"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
    people = list(course.participants.order_by("pk"))
    sessions = list(course.sessions.order_by("date"))
    data: dict[str, Any] = {"p": [p.pk for p in people], "s": [s.pk for s in sessions]}
    for p in people[:10]:
        for s in sessions:
            data[f"a-{p.pk}-{s.pk}"] = "on"
    assert client.post(page, data).status_code == 302
    assert Attendance.objects.filter(present=True).count() == 60
    assert Attendance.objects.filter(present=False).count() == 30
    with CaptureQueriesContext(connection) as one_column:  # saving one session's column …
        assert (
            client.post(page, {**data, "s": [sessions[0].pk], f"a-{people[12].pk}-{sessions[0].pk}": "on"}).status_code
            == 302
        )
    with CaptureQueriesContext(connection) as whole:  # … costs as many queries as the whole grid
        assert client.post(page, {**data, f"a-{people[13].pk}-{sessions[1].pk}": "on"}).status_code == 302
    assert len(whole.captured_queries) == len(one_column.captured_queries)
    assert Attendance.objects.filter(present=True).count() == 61  # the whole grid sent again: 12 at the first unticked
    one = client.get(page, {"session": sessions[0].pk})
    assert one.status_code == 200 and one.context["one"] and len(one.context["shown"]) == 1


# --- the attendance file


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "attendance.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_attendance_file_registers_marks_and_is_whole_or_nothing_and_idempotent(
    world: World, tmp_path: Path
) -> None:
    course = world.course(sessions=2, places=4)
    teacher = world.teacher("Anna", "Liepa", world.school_a)
    text = (
        "course,personal_code_or_name,school,session_date,present\n"
        f"robotika-2025,{teacher.personal_code},,2025-10-07,yes\n"
        f"robotika-2025,{teacher.personal_code.replace('-', '')},,2025-10-14,nē\n"
        "robotika-2025,Eva Kalna,9000000015,2025-10-07,1\n"
        "robotika-2025,Boriss Petrovs,Krāslavas Varavīksnes vidusskola,2025-10-07,jā\n"
        "robotika-2025,boriss petrovs,krāslavas varavīksnes vidusskola,2025-10-14,no\n"
    )
    first = CourseAttendanceImporter(viewer=world.staff).run(write(tmp_path, text))
    assert (first.rows, first.created) == (5, 5)
    participants = {p.name: p for p in Participant.objects.filter(course=course)}
    assert set(participants) == {"Anna Liepa", "Eva Kalna", "Boriss Petrovs"}
    assert participants["Anna Liepa"].staff_member == teacher and participants["Anna Liepa"].school == world.school_a
    assert participants["Eva Kalna"].school == world.school_b
    assert participants["Boriss Petrovs"].school is None
    assert Attendance.objects.filter(present=True).count() == 3
    again = CourseAttendanceImporter(viewer=world.staff).run(write(tmp_path, text))
    assert (again.unchanged, again.created, again.updated) == (5, 0, 0)
    assert Participant.objects.count() == 3 and Attendance.objects.count() == 5
    text = text.replace("2025-10-14,nē", "2025-10-14,yes")
    assert CourseAttendanceImporter(viewer=world.staff).run(write(tmp_path, text)).updated == 1
    unknown = world.codes.for_birth_date(date(1975, 5, 6))
    bad = (
        "course,personal_code_or_name,school,session_date,present\n"
        "robotika-2025,Jauna Skolotāja,Skola,2025-10-07,yes\n"  # fine, but nothing is saved with the bad rows
        "nav-tada,Eva Kalna,Skola,2025-10-07,yes\n"
        f"robotika-2025,{unknown},,2025-10-07,yes\n"
        "robotika-2025,Eva Kalna,9000000015,2025-10-08,yes\n"
        "robotika-2025,Eva Kalna,9000000015,2025-10-07,varbūt\n"
        "robotika-2025,Ivo Ozols,,2025-10-07,yes\n"
    )
    with pytest.raises(ImportFailed) as failure:
        CourseAttendanceImporter(viewer=world.staff).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (3, "course"), (4, "personal_code_or_name"), (5, "session_date"), (6, "present"), (7, "school"),
    ]  # fmt: skip
    message = str(failure.value)
    assert unknown not in message and unknown[:6] + "-*****" in message  # the code masked
    assert not Participant.objects.filter(name="Jauna Skolotāja").exists()
    full = text + "robotika-2025,Jauna Skolotāja,Skola,2025-10-07,yes\nrobotika-2025,Vēl Viena,Skola,2025-10-07,yes\n"
    with pytest.raises(ImportFailed) as no_place:
        CourseAttendanceImporter(viewer=world.staff).run(write(tmp_path, full))
    assert [(e.row, e.column) for e in no_place.value.errors] == [(8, "personal_code_or_name")]
    with pytest.raises(ImportFailed) as foreign:
        CourseAttendanceImporter(viewer=world.stranger).run(write(tmp_path, text))
    assert {e.column for e in foreign.value.errors} == {"course"}
    assert CourseAttendanceImporter(viewer=WHOLE_CITY).run(write(tmp_path, text)).unchanged == 5


# --- figures


def test_course_figures_count_courses_people_hours_and_certificates_of_the_period(world: World) -> None:
    autumn = world.course("robotika-2025", hours=12, starts_on=date(2025, 10, 7), sessions=2)
    november = world.course("mikroskopija-2025", hours=8, starts_on=date(2025, 11, 4), sessions=2)
    spring = world.course("pavasaris-2026", hours=6, starts_on=date(2026, 3, 3), sessions=1)
    planned = Course(
        centre=world.centre, code="plans-2025", title="Plāns", hours=4, starts_on=date(2025, 12, 1),
        ends_on=date(2025, 12, 20), places=10, lecturer="L",
    )  # fmt: skip
    services.course_save(viewer=world.staff, course=planned, expected_version=None)  # no sessions: its dates count
    anna = world.teacher("Anna", "Liepa", world.school_a)
    for course in (autumn, november, spring):
        world.attend(services.participant_register(viewer=world.staff, course=course, staff_member=anna), 2)
        eva = "Eva Kalna" if course != november else "eva  KALNA"  # one person however her name is written
        world.attend(
            services.participant_register(
                viewer=world.staff, course=course, name=eva, school_name="KRĀSLAVAS vidusskola"
            ),
            2,
        )
    with pytest.raises(ValidationError):
        services.participant_register(
            viewer=world.staff, course=autumn, name="EVA KALNA", school_name="krāslavas vidusskola"
        )
    world.attend(
        services.participant_register(viewer=world.staff, course=november, name="Ilze Ābele", school_name="Skola"), 2
    )
    for course in (autumn, november, spring):
        services.certificates_issue(viewer=world.staff, course=course)
    figures = selectors.course_figures(date_from=date(2025, 9, 1), date_to=date(2025, 12, 31))
    assert figures == {"courses": 3, "teachers_trained": 3, "hours": 24, "certificates": 5}
    assert selectors.course_figures(date_from=date(2025, 10, 8), date_to=date(2025, 10, 13)) == {
        "courses": 0, "teachers_trained": 0, "hours": 0, "certificates": 0,
    }  # fmt: skip
    out = StringIO()
    call_command("innovation_stats", "courses", "--from", "2025-09-01", "--to", "2025-12-31", stdout=out)
    assert json.loads(out.getvalue()) == figures


def test_the_course_list_filters_and_exports(world: World, signed_in: Callable[[User], Client]) -> None:
    world.course("robotika-2025")
    world.course("pavasaris-2026", starts_on=date(2026, 3, 3), sessions=1)
    client = signed_in(world.staff)
    page = reverse("courses:course_list")
    assert len(client.get(page).context["object_list"]) == 2
    assert [c.code for c in client.get(page, {"year": 2026}).context["object_list"]] == ["pavasaris-2026"]
    exported = client.get(page, {"export": "csv"})
    assert exported.status_code == 200 and b"robotika-2025" in exported.content
    assert signed_in(world.stranger).get(page).context["object_list"].count() == 0


def test_the_demonstration_courses_load_once(world: World) -> None:
    from eduboard.courses import demo as demo_courses

    for n in range(30):
        world.teacher(
            f"Skolotāja{n}", "Demo", world.school_a if n % 2 else world.school_b, date(1970, 1, 1) + timedelta(n)
        )
    institutions = {i.registration_number: i for i in Institution.objects.all()}
    demo_courses.load(institutions)
    demo_courses.load(institutions)
    assert Course.objects.count() == 2
    counts = [c.participants.count() for c in Course.objects.all()]
    assert all(15 <= n <= 20 for n in counts)
    certified = Participant.objects.exclude(certificate_number="")
    assert (
        certified.count() >= 20
        and TrainingRecord.objects.count() == certified.filter(staff_member__isnull=False).count()
    )


def test_the_centre_adds_a_course_and_its_sessions_on_the_pages(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(world.staff)
    assert client.get(reverse("courses:course_add")).status_code == 200
    data = {
        "code": "mikro-2025", "title": "Mikroskopija", "hours": 8, "starts_on": "2025-11-04", "ends_on": "2025-11-25",
        "places": 18, "lecturer": "Laura Kalēja", "required_percent": 75,
    }  # fmt: skip
    assert client.post(reverse("courses:course_add"), data).status_code == 302
    course = Course.objects.get(code="mikro-2025")
    assert course.centre == world.centre
    detail = reverse("courses:course_detail", args=[course.pk])
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"date": "2025-11-04", "hours": 2, "topic": "Ievads"}).status_code == 302
    assert client.post(detail, {"date": "2025-12-04", "hours": 2}).status_code == 200  # outside the dates
    assert client.post(detail, {"date": "2025-11-04", "hours": 2}).status_code == 200  # that day has a session
    session = course.sessions.get()
    edit = reverse("courses:course_session_edit", args=[session.pk])
    assert client.get(edit).status_code == 200
    edited = {"date": "2025-11-11", "hours": 3, "topic": "Šūnas", "version": session.version}
    assert client.post(edit, edited).status_code == 302
    assert client.post(edit, {**edited, "hours": 4}).status_code == 200  # made on the version before: refused
    session.refresh_from_db()
    assert (session.date, session.hours) == (date(2025, 11, 11), 3)
    assert signed_in(world.stranger).get(edit).status_code == 404
    for name in ("course_participants", "course_attendance"):
        assert client.get(reverse(f"courses:{name}", args=[course.pk])).status_code == 200
    assert client.get(reverse("courses:course_participant_list"), {"certified": "false"}).status_code == 200
    assert signed_in(world.board).get(detail).status_code == 200
