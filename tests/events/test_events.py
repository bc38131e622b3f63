"""The shared events calendar: the `events` file (whole or nothing, idempotent, scoped), the month view and who
edits what, the iCalendar (RFC 5545) and Atom (RFC 4287) feeds of public events, and section IX of the readiness
report listing the school year's events."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.events.importers import EventImporter
from eduboard.events.models import Event
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LONG = "Izglītības iestāžu vadītāju/direktoru sarunas ar Daugavpils pilsētas Izglītības pārvaldi par progresu; ēģīš"
HEADER = "title,starts_at,ends_at,place,organiser,audience,public\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return path


def soon(days: int) -> str:
    return (timezone.localdate() + __import__("datetime").timedelta(days=days)).isoformat()


def test_the_events_file_is_whole_or_nothing_idempotent_and_scoped(tmp_path: Path) -> None:
    school = InstitutionFactory(registration_number="9000000011")
    rows = (
        HEADER
        + "Pedagogu Augusta konference,2024-08-27 10:00,2024-08-27 14:00,Vienības nams,,pedagogi,yes\n"
        + "Izglītības iestāžu apsekošana,2024-08-19,2024-09-05,,,vadītāji,no\n"
        + "Zinātnes diena,2024-10-10,,Zāle,9000000011,skolēni,yes\n"
    )
    result = EventImporter(viewer=WHOLE_CITY).run(write(tmp_path, rows))
    assert result.created == 3
    conference = Event.objects.get(title="Pedagogu Augusta konference")
    assert (conference.all_day, conference.public, conference.organiser) == (False, True, None)
    assert Event.objects.get(title="Izglītības iestāžu apsekošana").all_day
    assert EventImporter(viewer=WHOLE_CITY).run(write(tmp_path, rows)).unchanged == 3
    bad = (
        HEADER
        + "A,2024-08-27,2024-08-26,,,,yes\nB,27.08.2024,,,,,yes\n"
        + "C,2024-08-27,,,9999999999,,yes\nD,2024-08-27,,,,,maybe\n"
    )
    with pytest.raises(ImportFailed) as failure:
        EventImporter(viewer=WHOLE_CITY).run(write(tmp_path, bad))
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (2, "ends_at"),
        (3, "starts_at"),
        (4, "organiser"),
        (5, "public"),
    ]
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school])
    with pytest.raises(ImportFailed) as board_only:
        EventImporter(viewer=head).run(write(tmp_path, HEADER + "Sapulce,2024-09-01,,,,,no\n"))
    assert board_only.value.errors[0].column == "organiser"
    assert (
        EventImporter(viewer=head).run(write(tmp_path, HEADER + "Sapulce,2024-09-01,,,9000000011,,no\n")).created == 1
    )


def test_the_month_view_shows_everyone_the_calendar_and_each_edits_their_own(
    signed_in: Callable[[User], Client],
) -> None:
    school, other = InstitutionFactory(), InstitutionFactory()
    day = timezone.make_aware(datetime(2024, 10, 3))
    mine = Event.objects.create(title="Skolotāju diena", starts_at=day, organiser=school, public=True)
    theirs = Event.objects.create(title="Cita sapulce", starts_at=day, organiser=other)
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
    page = head.get("/events/?month=2024-10")
    assert page.status_code == 200
    listed = {e.pk: editable for _when, e, editable in page.context["listed"]}
    assert listed == {mine.pk: True, theirs.pk: False}
    assert head.get(f"/events/{theirs.pk}/").status_code == 404
    saved = head.post(
        "/events/new/",
        {
            "title": "Atvērto durvju diena",
            "kind": "other",
            "all_day": "on",
            "starts_at": "2024-10-12T00:00",
            "organiser": school.pk,
        },
    )
    assert saved.status_code == 302 and Event.objects.filter(title="Atvērto durvju diena", organiser=school).exists()
    refused = head.post(
        "/events/new/",
        {"title": "Pārvaldes sapulce", "kind": "meeting", "all_day": "on", "starts_at": "2024-10-12T00:00"},
    )
    assert refused.status_code == 200 and not Event.objects.filter(title="Pārvaldes sapulce").exists()


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_icalendar_feed_holds_public_events_only_and_keeps_rfc_5545() -> None:
    Event.objects.create(
        title=LONG,
        starts_at=timezone.make_aware(datetime.fromisoformat(soon(3))),
        ends_at=timezone.make_aware(datetime.fromisoformat(soon(5))),
        public=True,
        place="Zāle, 2. stāvs",
    )
    Event.objects.create(title="Iekšēja sapulce", starts_at=timezone.now(), public=False, all_day=False)
    response = Client().get("/events/feed.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfold(body)
    assert (
        lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    )
    assert lines.count("BEGIN:VEVENT") == 1 and "Iekšēja" not in body
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:" + LONG.replace(";", "\\;")
    first, last = date.fromisoformat(soon(3)), date.fromisoformat(soon(6))
    assert f"DTSTART;VALUE=DATE:{first:%Y%m%d}" in lines and f"DTEND;VALUE=DATE:{last:%Y%m%d}" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines) and any(
        line.startswith("UID:") for line in lines
    )
    assert "LOCATION:Zāle\\, 2. stāvs" in lines


def test_the_atom_feed_names_its_author_and_each_entrys_update() -> None:
    Event.objects.create(
        title="Zinību diena", starts_at=timezone.make_aware(datetime.fromisoformat(soon(10))), public=True
    )
    Event.objects.create(title="Iekšēja sapulce", starts_at=timezone.make_aware(datetime.fromisoformat(soon(10))))
    feed = ET.fromstring(Client().get("/events/feed.atom").content)  # noqa: S314 - our own feed
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}author/{atom}name") is not None and feed.find(f"{atom}updated") is not None
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 1
    assert "Zinību diena" in entries[0].findtext(f"{atom}title", "")
    assert entries[0].find(f"{atom}updated") is not None
    # Every id is an IRI (RFC 4287 4.2.6): the feed's its address, an entry's a tag URI (RFC 4151) that stays the
    # same when the event is renamed.
    assert feed.findtext(f"{atom}id", "").startswith("http://testserver/")
    entry_id = entries[0].findtext(f"{atom}id", "")
    assert re.fullmatch(r"tag:testserver,\d{4}-\d{2}-\d{2}:event-\d+", entry_id), entry_id
    Event.objects.filter(title="Zinību diena").update(title="Zinību diena 2")
    again = ET.fromstring(Client().get("/events/feed.atom").content)  # noqa: S314 - our own feed
    assert again.find(f"{atom}entry/{atom}id").text == entry_id  # type: ignore[union-attr]


def test_section_ix_of_the_readiness_report_lists_the_school_years_events() -> None:
    from django.utils import translation

    from eduboard.reports.content import render_text
    from eduboard.reports.readiness import build_readiness

    for first, title, english in (
        ("2024-06-17", "Pašvērtējuma ziņojumi", ""),
        ("2024-09-02", "Zinību diena", "Knowledge Day"),
        ("2025-09-01", "Nākamā gada Zinību diena", ""),
    ):
        Event.objects.create(
            title=title, title_en=english, starts_at=timezone.make_aware(datetime.fromisoformat(first))
        )
    report = build_readiness(as_of=date(2024, 8, 19), visible_to=WHOLE_CITY)
    events = next(section for section in report["sections"] if section["key"] == "events")
    listed = next(block for block in events["blocks"] if block.get("key") == "events.list")

    def rows(language: str) -> list[list[str]]:
        with translation.override(language):
            return [[render_text(cell) for cell in row[:2]] for row in listed["rows"]]

    assert rows("lv") == [["17.06.2024.", "Pašvērtējuma ziņojumi"], ["02.09.2024.", "Zinību diena"]]
    # An edition reads in English with the titles translated; one not translated stays as written.
    assert rows("en") == [["17.06.2024.", "Pašvērtējuma ziņojumi"], ["02.09.2024.", "Knowledge Day"]]
